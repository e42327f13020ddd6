"""Every write to 1:1s (docs/meetings.md); coaching notes and calendar feeds are in
``cadence.meetings.services_notes``, the recurrence's date arithmetic in
``cadence.meetings.recurrence``.

Access is checked by the caller through ``cadence.meetings.access``. Nothing here puts
the text of an agenda, notes or an action item into the audit log or a notification's
params: only the two participants ever read those.
"""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core import limits
from cadence.core.audit import audit
from cadence.meetings import notifications
from cadence.meetings.models import ActionItem, Meeting, OneOnOne, PrivateNote, TalkingPoint
from cadence.meetings.recurrence import at, upcoming_times
from cadence.meetings.services_agenda import POINT_MAX, renumber, writer

# The agenda's writes live in services_agenda; these names stay importable from here,
# where the demo and older callers look for them.
from cadence.meetings.services_agenda import PROMPTS as PROMPTS
from cadence.meetings.services_agenda import point_add as point_add
from cadence.meetings.services_agenda import point_remove as point_remove
from cadence.meetings.services_agenda import point_resolve as point_resolve
from cadence.meetings.services_agenda import talking_point_move as talking_point_move
from cadence.people.models import Person

Cadence = OneOnOne.Cadence
State = Meeting.State


# --- the meetings ahead ---------------------------------------------------------------


@transaction.atomic
def meetings_ensure(series: OneOnOne, *, now: datetime.datetime | None = None) -> int:
    """Keep the next ``recurrence.AHEAD`` meetings of an active recurring series
    scheduled; returns how many were made. Idempotent: a time that already has a
    meeting (cancelled too — a cancelled occurrence stays cancelled) is left alone."""
    if not series.active or series.cadence == Cadence.AD_HOC:
        return 0
    now = now or timezone.now()
    times = upcoming_times(series, now)
    existing = set(
        Meeting.objects.filter(one_on_one=series, scheduled_at__in=times).values_list(
            "scheduled_at", flat=True
        )
    )
    new = [
        Meeting(one_on_one=series, scheduled_at=t, duration_minutes=series.duration_minutes)
        for t in times
        if t not in existing
    ]
    Meeting.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        first = Meeting.objects.filter(
            one_on_one=series, scheduled_at=min(m.scheduled_at for m in new)
        ).first()
        if first is not None:
            carry_into(first)
    return len(new)


# --- series -----------------------------------------------------------------------------


def _check_series(
    cadence: str, first_on: datetime.date | None, duration_minutes: int, time_zone: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if cadence not in Cadence.values:
        errors["cadence"] = [_("Cadence: choose weekly, every two weeks, monthly or ad hoc.")]
    if first_on is None:
        errors["first_on"] = [_("First meeting: enter a date.")]
    if not 5 <= duration_minutes <= 240:
        errors["duration_minutes"] = [_("Duration: between 5 and 240 minutes.")]
    if time_zone:
        try:
            zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = [_("Time zone: not a known time zone.")]
    return errors


@transaction.atomic
def series_create(
    *,
    actor: Actor | None,
    manager: Person,
    report: Person,
    cadence: str,
    first_on: datetime.date,
    starts_at: datetime.time = datetime.time(10, 0),
    duration_minutes: int = 30,
    time_zone: str = "",
    now: datetime.datetime | None = None,
) -> OneOnOne:
    """A 1:1 series of ``manager`` and ``report`` (the caller checked they are a current
    pair the actor belongs to); an ad hoc series gets its first meeting on ``first_on``,
    a recurring one its next ``AHEAD`` meetings."""
    zone = time_zone or manager.time_zone or timezone.get_default_timezone_name()
    errors = _check_series(cadence, first_on, duration_minutes, zone)
    if manager.pk == report.pk:
        errors["person"] = [_("Person: a 1:1 is with someone else.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            series = OneOnOne.objects.create(
                manager=manager,
                report=report,
                cadence=cadence,
                first_on=first_on,
                starts_at=starts_at,
                duration_minutes=duration_minutes,
                time_zone=zone,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError:
        raise ValidationError({"person": [_("Person: you already have a 1:1 together.")]}) from None
    if cadence == Cadence.AD_HOC:
        Meeting.objects.create(
            one_on_one=series,
            scheduled_at=at(series, first_on),
            duration_minutes=duration_minutes,
            ad_hoc=True,
        )
    else:
        meetings_ensure(series, now=now)
    audit(
        actor=actor,
        action="meetings.series.create",
        target=series,
        summary=f"1:1 of {manager.full_name} and {report.full_name} set up ({cadence})",
    )
    return series


def _future_generated(series: OneOnOne, now: datetime.datetime) -> list[Meeting]:
    return list(
        Meeting.objects.select_for_update()
        .filter(one_on_one=series, scheduled_at__gte=now, state=State.SCHEDULED, ad_hoc=False)
        .order_by("scheduled_at")
    )


def _cancel(meeting: Meeting) -> None:
    meeting.state = State.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["state", "sequence"])


@transaction.atomic
def series_update(
    *,
    actor: Actor | None,
    series: OneOnOne,
    cadence: str,
    first_on: datetime.date,
    starts_at: datetime.time,
    duration_minutes: int,
    now: datetime.datetime | None = None,
) -> OneOnOne:
    """Change when the series meets. Its coming meetings move to the new times with
    their agendas (calendars are told: SEQUENCE goes up); any left over are cancelled."""
    now = now or timezone.now()
    errors = _check_series(cadence, first_on, duration_minutes, series.time_zone)
    if errors:
        raise ValidationError(errors)
    series = OneOnOne.objects.select_for_update().get(pk=series.pk)
    series.cadence, series.first_on = cadence, first_on
    series.starts_at, series.duration_minutes = starts_at, duration_minutes
    series.save(update_fields=["cadence", "first_on", "starts_at", "duration_minutes"])
    future = _future_generated(series, now)
    times = upcoming_times(series, now, len(future)) if series.active else []
    pairs = list(zip(future, times, strict=False))
    if pairs and pairs[0][1] > pairs[0][0].scheduled_at:
        pairs.reverse()  # later times: move the last first, so no two share a time
    for meeting, when in pairs:
        if meeting.scheduled_at == when and meeting.duration_minutes == duration_minutes:
            continue
        try:
            with transaction.atomic():
                meeting.scheduled_at, meeting.duration_minutes = when, duration_minutes
                meeting.sequence += 1
                meeting.save(update_fields=["scheduled_at", "duration_minutes", "sequence"])
        except IntegrityError:
            meeting.refresh_from_db()
            _cancel(meeting)
    for meeting in future[len(times) :]:
        _cancel(meeting)
    meetings_ensure(series, now=now)
    return series


def pair_current(series: OneOnOne) -> bool:
    """Whether the series' people are still an active manager and their active report."""
    return (
        series.report.manager_id == series.manager_id
        and series.report.status == Person.Status.ACTIVE
        and series.manager.status == Person.Status.ACTIVE
    )


@transaction.atomic
def series_stop(
    *, actor: Actor | None, series: OneOnOne, now: datetime.datetime | None = None
) -> OneOnOne:
    """Stop a series: its coming meetings are cancelled; what was written stays."""
    now = now or timezone.now()
    series = OneOnOne.objects.select_for_update().get(pk=series.pk)
    series.active = False
    series.save(update_fields=["active"])
    for meeting in Meeting.objects.select_for_update().filter(
        one_on_one=series, scheduled_at__gte=now, state=State.SCHEDULED
    ):
        _cancel(meeting)
    audit(actor=actor, action="meetings.series.stop", target=series, summary=f"{series} stopped")
    return series


@transaction.atomic
def series_resume(
    *, actor: Actor | None, series: OneOnOne, now: datetime.datetime | None = None
) -> OneOnOne:
    series = (
        OneOnOne.objects.select_for_update().select_related("manager", "report").get(pk=series.pk)
    )
    if not pair_current(series):
        raise ValidationError(
            {
                "active": [
                    _(
                        "This 1:1 cannot start again: the two of you are no longer "
                        "manager and report."
                    )
                ]
            }
        )
    series.active = True
    series.save(update_fields=["active"])
    meetings_ensure(series, now=now)
    return series


# --- meetings ---------------------------------------------------------------------------


@transaction.atomic
def meeting_add(
    *,
    actor: Actor | None,
    series: OneOnOne,
    when: datetime.datetime | None,
    duration_minutes: int = 30,
) -> Meeting:
    """An extra (ad hoc) meeting of the series."""
    if when is None:
        raise ValidationError({"scheduled_at": [_("When: enter a date and time.")]})
    if not 5 <= duration_minutes <= 240:
        raise ValidationError({"duration_minutes": [_("Duration: between 5 and 240 minutes.")]})
    if Meeting.objects.filter(one_on_one=series, scheduled_at=when).exists():
        raise ValidationError({"scheduled_at": [_("When: you already meet at that time.")]})
    meeting = Meeting.objects.create(
        one_on_one=series, scheduled_at=when, duration_minutes=duration_minutes, ad_hoc=True
    )
    carry_into(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Actor | None, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != State.SCHEDULED:
        raise ValidationError({"state": [_("Only a scheduled meeting can be cancelled.")]})
    _cancel(meeting)
    return meeting


def previous_held(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            one_on_one_id=meeting.one_on_one_id,
            state=State.HELD,
            scheduled_at__lt=meeting.scheduled_at,
        )
        .order_by("-scheduled_at")
        .first()
    )


def next_scheduled(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            one_on_one_id=meeting.one_on_one_id,
            state=State.SCHEDULED,
            scheduled_at__gt=meeting.scheduled_at,
        )
        .order_by("scheduled_at")
        .first()
    )


@transaction.atomic
def carry_into(meeting: Meeting) -> int:
    """Carry the unresolved points of the last held meeting before ``meeting`` onto its
    agenda, each linked to the point it continues; a point is carried once only (its
    ``carried_to`` is unique), so calling this again adds nothing.

    Carried points go first, in the order they had on the earlier agenda (unfinished
    business before new); points already on this agenda follow in their own order. The
    meeting row is locked, as ``talking_point_move`` locks it, so a move at the same
    moment sees the whole renumbered agenda."""
    if meeting.state != State.SCHEDULED:
        return 0
    source = previous_held(meeting)
    if source is None:
        return 0
    points = list(
        TalkingPoint.objects.filter(
            meeting=source, resolved_at__isnull=True, carried_to__isnull=True
        ).order_by("order", "id")
    )
    if not points:
        return 0
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # the lock only
    present = list(TalkingPoint.objects.filter(meeting=meeting).order_by("order", "id"))
    renumber(present, start=len(points))
    made = TalkingPoint.objects.bulk_create(
        [
            TalkingPoint(
                meeting=meeting,
                author_id=p.author_id,
                text=p.text,
                order=i,
                carried_from=p,
                goal_id=p.goal_id,
            )
            for i, p in enumerate(points)
        ],
        ignore_conflicts=True,
    )
    return len(made)


@transaction.atomic
def meeting_finish(*, actor: Actor | None, meeting: Meeting) -> Meeting:
    """Mark a meeting held; its unresolved points go onto the next meeting's agenda."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state == State.CANCELLED:
        raise ValidationError({"state": [_("A cancelled meeting cannot be marked held.")]})
    if meeting.state == State.SCHEDULED:
        meeting.state = State.HELD
        meeting.save(update_fields=["state"])
    following = next_scheduled(meeting)
    if following is not None:
        carry_into(following)
    return meeting


def meetings_finish_past(now: datetime.datetime) -> int:
    """The daily sweep's part: meetings that ended more than 12 hours ago are held."""
    cutoff = now - datetime.timedelta(hours=12)
    done = 0
    for meeting in Meeting.objects.filter(state=State.SCHEDULED, scheduled_at__lt=cutoff).order_by(
        "scheduled_at"
    ):
        meeting_finish(actor=None, meeting=meeting)
        done += 1
    return done


# --- notes ------------------------------------------------------------------------------


@transaction.atomic
def notes_save(*, actor: Actor | None, meeting: Meeting, text: str, version: int | None) -> Meeting:
    """Save the shared notes when they rest on the version stored (optimistic locking:
    both participants may type at once); raises a ``version`` error otherwise."""
    if len(text) > limits.LONG_TEXT:
        raise ValidationError({"shared_notes": [_("Notes: at most 10,000 characters.")]})
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.state == State.CANCELLED:
        raise ValidationError({"meeting": [_("This meeting was cancelled.")]})
    if version is None or version != locked.notes_version:
        raise ValidationError(
            {
                "version": [
                    _(
                        "The other participant changed the notes since you opened them. "
                        "Reload to see their changes, then add yours."
                    )
                ]
            }
        )
    if locked.shared_notes != text:
        locked.shared_notes = text
        locked.notes_version += 1
        locked.save(update_fields=["shared_notes", "notes_version"])
    return locked


@transaction.atomic
def private_note_save(*, actor: Actor | None, meeting: Meeting, text: str) -> PrivateNote:
    me = writer(actor)
    if len(text) > limits.LONG_TEXT:
        raise ValidationError({"private_note": [_("Private note: at most 10,000 characters.")]})
    note, _created = PrivateNote.objects.update_or_create(
        meeting=meeting, author=me, defaults={"text": text, "updated_at": timezone.now()}
    )
    return note


# --- action items -----------------------------------------------------------------------


@transaction.atomic
def action_add(
    *,
    actor: Actor | None,
    meeting: Meeting,
    owner: Person,
    text: str,
    due_on: datetime.date | None,
    author: Person | None = None,
) -> ActionItem:
    """An action item for one of the two participants; the owner is told."""
    me = author or writer(actor)
    series = meeting.one_on_one
    text = " ".join((text or "").split())
    errors: dict[str, list[str]] = {}
    if owner.pk not in (series.manager_id, series.report_id):
        errors["owner"] = [_("Owner: one of the two of you.")]
    if not text:
        errors["text"] = [_("Action: write what is to be done.")]
    elif len(text) > POINT_MAX:
        errors["text"] = [_("Action: at most 500 characters.")]
    if meeting.state == State.CANCELLED:
        errors["meeting"] = [_("This meeting was cancelled.")]
    if errors:
        raise ValidationError(errors)
    item = ActionItem.objects.create(
        meeting=meeting, owner=owner, text=text, due_on=due_on, created_by=me
    )
    notifications.action_assigned(item, actor=me)
    return item


@transaction.atomic
def action_done(*, actor: Actor | None, item: ActionItem, done: bool) -> ActionItem:
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    return item
