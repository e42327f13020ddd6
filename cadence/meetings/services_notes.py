"""Writes of coaching notes and calendar feeds (docs/meetings.md).

A coaching note's text never reaches the audit log: HR reads the log, and a note is the
manager's alone unless shared. Sharing and unsharing are recorded (who, which report,
when), not what the note says.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core import limits
from cadence.core.audit import audit
from cadence.meetings.models import CalendarFeed, CoachingNote
from cadence.people.models import Person


def _check_note(text: str, written_on: datetime.date | None) -> tuple[str, datetime.date]:
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Note: write something.")]
    elif len(text) > limits.LONG_TEXT:
        errors["text"] = [_("Note: at most 10,000 characters.")]
    if written_on is None:
        errors["written_on"] = [_("Date: enter a date.")]
    elif written_on > timezone.localdate() + datetime.timedelta(days=1):
        errors["written_on"] = [_("Date: a journal entry cannot be dated in the future.")]
    if errors or written_on is None:
        raise ValidationError(errors)
    return text, written_on


@transaction.atomic
def coaching_note_add(
    *,
    actor: Actor | None,
    manager: Person,
    report: Person,
    text: str,
    written_on: datetime.date | None,
) -> CoachingNote:
    """A dated note of ``manager`` about ``report`` (the caller checked the report is
    theirs)."""
    text, written_on = _check_note(text, written_on)
    if manager.pk == report.pk:
        raise ValidationError({"report": [_("Report: a note is about someone else.")]})
    return CoachingNote.objects.create(
        manager=manager, report=report, text=text, written_on=written_on
    )


@transaction.atomic
def coaching_note_change(
    *, actor: Actor | None, note: CoachingNote, text: str, written_on: datetime.date | None
) -> CoachingNote:
    text, written_on = _check_note(text, written_on)
    note.text, note.written_on, note.updated_at = text, written_on, timezone.now()
    note.save(update_fields=["text", "written_on", "updated_at"])
    return note


@transaction.atomic
def coaching_note_delete(*, actor: Actor | None, note: CoachingNote) -> None:
    if note.shared_with_hr_at is not None:
        audit(
            actor=actor,
            action="meetings.coaching.delete_shared",
            target=note.report,
            summary=f"A coaching note shared with HR about {note.report.full_name} deleted",
        )
    note.delete()


@transaction.atomic
def coaching_note_share(*, actor: Actor | None, note: CoachingNote, shared: bool) -> CoachingNote:
    """Share one note with HR admins, or stop sharing it (HR no longer read it)."""
    if shared == (note.shared_with_hr_at is not None):
        return note
    note.shared_with_hr_at = timezone.now() if shared else None
    note.save(update_fields=["shared_with_hr_at"])
    audit(
        actor=actor,
        action="meetings.coaching.share" if shared else "meetings.coaching.unshare",
        target=note.report,
        summary=(
            f"Coaching note of {note.written_on:%Y-%m-%d} about {note.report.full_name} "
            + ("shared with HR" if shared else "no longer shared with HR")
        ),
    )
    return note


# --- calendar feeds ---------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_create(*, actor: Actor | None, person: Person) -> tuple[CalendarFeed, str]:
    """A new secret feed URL for ``person``, revoking the one they had. Returns the feed
    and its token — shown once; only its SHA-256 is kept."""
    now = timezone.now()
    CalendarFeed.objects.select_for_update().filter(person=person, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(person=person, token_hash=token_hash(token), created_at=now)
    audit(
        actor=actor,
        action="meetings.calendar_feed.create",
        target=person,
        summary=f"Calendar feed created for {person.full_name}",
    )
    return feed, token


@transaction.atomic
def feed_revoke(*, actor: Actor | None, person: Person) -> int:
    revoked = CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit(
            actor=actor,
            action="meetings.calendar_feed.revoke",
            target=person,
            summary=f"Calendar feed revoked for {person.full_name}",
        )
    return revoked


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed of a token (no login: the token is the key); None otherwise."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or feed.person.status != Person.Status.ACTIVE:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > datetime.timedelta(minutes=10):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed
