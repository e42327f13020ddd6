"""1:1 meetings between a manager and a report, and the manager's coaching journal.

A **OneOnOne** is the standing relationship of one manager and one report: its cadence
(weekly, every two weeks, monthly, or ad hoc) and the time it usually takes place.
Each **Meeting** is one occurrence, with a shared agenda of **TalkingPoint**s (either
side adds them before; an unresolved point is carried to the next meeting, linked to
the one it continues), notes both participants share, a **PrivateNote** per author
and **ActionItem**s with an owner and a due date.

Who reads what is the point of this area (docs/meetings.md): shared notes and the
agenda are the two participants' only — not HR, not the manager's own manager — and a
private note is its author's only. A **CoachingNote** is the manager's dated journal
about a report, theirs alone unless they share one note with HR.

A **CalendarFeed** is a person's secret, revocable ``.ics`` URL: only a hash of its
token is stored, so a database leak does not hand out calendars.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.core import limits
from cadence.people.models import Person


class OneOnOne(models.Model):
    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")
        AD_HOC = "ad_hoc", _("Ad hoc")

    manager = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="one_on_ones_led")
    report = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="one_on_ones")
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.BIWEEKLY
    )
    # The first meeting's day and the usual local time: the recurrence follows them
    # (same weekday; monthly: same day of the month, or the month's last day).
    first_on = models.DateField(_("first meeting"))
    starts_at = models.TimeField(_("time"), default=datetime.time(10, 0))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    # The zone ``starts_at`` is in (the manager's when the series was set up), so a
    # meeting stays at 10:00 for them across daylight-saving changes.
    time_zone = models.CharField(max_length=64, default="UTC")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["manager", "report"], name="one_on_one_per_pair"),
            models.CheckConstraint(
                condition=~Q(manager=F("report")), name="one_on_one_not_with_oneself"
            ),
        ]
        indexes = [models.Index(fields=["report", "active"], name="one_on_one_report_idx")]

    def __str__(self) -> str:
        return f"1:1 {self.manager} / {self.report}"


class Meeting(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    one_on_one = models.ForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="meetings")
    scheduled_at = models.DateTimeField(_("when"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    ad_hoc = models.BooleanField(default=False)
    shared_notes = models.TextField(_("shared notes"), blank=True, max_length=limits.LONG_TEXT)
    # Optimistic locking of the shared notes: both participants may type at once.
    notes_version = models.PositiveIntegerField(default=0)
    # iCalendar SEQUENCE: raised when the time changes or the meeting is cancelled, so
    # calendar clients replace their copy.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["one_on_one", "scheduled_at"], name="meeting_once_per_time"
            ),
        ]
        indexes = [models.Index(fields=["one_on_one", "-scheduled_at"], name="meeting_series_idx")]

    def __str__(self) -> str:
        return f"{self.one_on_one} @ {self.scheduled_at:%Y-%m-%d}"


class TalkingPoint(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="talking_points")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("talking point"), max_length=500)
    order = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The point of an earlier meeting this one continues (carried over unresolved).
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    # Offered from the report's goals at risk or stale.
    goal = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class PrivateNote(models.Model):
    """A participant's own note on a meeting: nobody else ever reads it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True, max_length=limits.LONG_TEXT)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="private_note_per_author"),
        ]


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="action_items")
    text = models.CharField(_("action"), max_length=500)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="action_owner_idx")]

    def __str__(self) -> str:
        return self.text


class CoachingNote(models.Model):
    """A manager's dated note about a report: the manager's alone, unless they share
    this one note with HR (``shared_with_hr_at``)."""

    manager = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField(_("date"), default=datetime.date.today)
    text = models.TextField(_("note"), max_length=limits.LONG_TEXT)
    shared_with_hr_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_on", "-id"]
        indexes = [
            models.Index(fields=["manager", "report", "-written_on"], name="coaching_journal_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(manager=F("report")), name="coaching_not_self"),
        ]


class CalendarFeed(models.Model):
    """A person's secret calendar URL. The token is shown once; we keep its SHA-256."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_calendar_feed",
            ),
        ]
