"""Who may see and change 1:1s and coaching notes — the only place it is decided
(docs/meetings.md).

1:1s
* A series, its meetings, agenda, shared notes and action items: the two participants
  only. Not HR, not the manager's own manager, not executives: people must be able to
  speak freely. A participant who left reads nothing (they cannot sign in); what they
  wrote stays for the other participant.
* The agenda's order: either participant moves points up or down until the meeting is
  held (or cancelled); after that it stays as it was.
* A private note: its author only, always.
* Setting up a series: a manager with a current direct report, or a report with their
  current manager — one series per pair.

Coaching notes
* A manager's journal about a direct report: that manager only. They write about their
  current direct reports and keep reading (and correcting) their notes of former ones.
* A note the manager shares with HR is readable by HR admins while it stays shared.

Refusals answer 404 for objects the actor may not know exist, and 403 (``Refused``)
with a sentence for an action they may not take on something they see.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.meetings.models import (
    ActionItem,
    CalendarFeed,
    CoachingNote,
    Meeting,
    OneOnOne,
    TalkingPoint,
)
from cadence.people.access import Refused, acting_person, is_hr_admin, require_member
from cadence.people.models import Person

__all__ = [
    "Refused",
    "action_item_for_edit",
    "can_reorder_agenda",
    "coaching_note_for_edit",
    "coaching_note_for_read",
    "coaching_notes_visible_to",
    "coaching_report_for_read",
    "coaching_report_for_write",
    "meeting_for_read",
    "meeting_for_write",
    "meetings_visible_to",
    "one_on_one_for_read",
    "one_on_ones_of",
    "partner_for_setup",
    "setup_partners",
    "talking_point_for_edit",
    "talking_point_for_move",
]


def _me(user: Actor) -> Person | None:
    return acting_person(user)


def _id(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


# --- series and meetings ----------------------------------------------------------------


def participant_filter(me: Person, *, through: str = "") -> Q:
    return Q(**{f"{through}manager": me}) | Q(**{f"{through}report": me})


def one_on_ones_of(user: Actor) -> QuerySet[OneOnOne]:
    """The series the user takes part in (as manager or report); none for anyone else."""
    me = _me(user)
    if me is None:
        return OneOnOne.objects.none()
    return OneOnOne.objects.filter(participant_filter(me)).select_related("manager", "report")


def is_participant(user: Actor, one_on_one: OneOnOne) -> bool:
    me = _me(user)
    return me is not None and me.pk in (one_on_one.manager_id, one_on_one.report_id)


def one_on_one_for_read(user: Actor, one_on_one_id: object) -> OneOnOne:
    pk = _id(one_on_one_id)
    series = one_on_ones_of(user).filter(pk=pk).first() if pk else None
    if series is None:
        raise Http404
    return series


def meetings_visible_to(user: Actor) -> QuerySet[Meeting]:
    me = _me(user)
    if me is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(participant_filter(me, through="one_on_one__")).select_related(
        "one_on_one__manager", "one_on_one__report"
    )


def meeting_for_read(user: Actor, meeting_id: object) -> Meeting:
    pk = _id(meeting_id)
    meeting = meetings_visible_to(user).filter(pk=pk).first() if pk else None
    if meeting is None:
        raise Http404
    return meeting


def meeting_for_write(user: Actor, meeting_id: object) -> Meeting:
    """A meeting a participant may add to: not a cancelled one."""
    meeting = meeting_for_read(user, meeting_id)
    if meeting.state == Meeting.State.CANCELLED:
        raise Refused(_("This meeting was cancelled: it can no longer be changed."))
    return meeting


def talking_point_for_edit(user: Actor, point_id: object) -> TalkingPoint:
    """Either participant may resolve, reopen or remove a point of their meeting."""
    me = _me(user)
    pk = _id(point_id)
    point = (
        TalkingPoint.objects.filter(participant_filter(me, through="meeting__one_on_one__"), pk=pk)
        .select_related("meeting__one_on_one")
        .first()
        if me is not None and pk
        else None
    )
    if point is None:
        raise Http404
    return point


def can_reorder_agenda(meeting: Meeting) -> bool:
    """Whether a participant may still change the order of the meeting's agenda: only
    before it is held. A held agenda is the record of what was talked about; a
    cancelled one is read-only like the rest of the meeting."""
    return meeting.state == Meeting.State.SCHEDULED


def talking_point_for_move(user: Actor, point_id: object) -> TalkingPoint:
    """Either participant may move a point up or down the agenda of a meeting that is
    not held yet (``can_reorder_agenda``); anyone else: 404."""
    point = talking_point_for_edit(user, point_id)
    if not can_reorder_agenda(point.meeting):
        raise Refused(_("This meeting is no longer coming up: its agenda keeps its order."))
    return point


def action_item_for_edit(user: Actor, item_id: object) -> ActionItem:
    """Either participant may mark an action item of their meetings done or not done."""
    me = _me(user)
    pk = _id(item_id)
    item = (
        ActionItem.objects.filter(participant_filter(me, through="meeting__one_on_one__"), pk=pk)
        .select_related("meeting__one_on_one", "owner")
        .first()
        if me is not None and pk
        else None
    )
    if item is None:
        raise Http404
    return item


# --- setting up a series ----------------------------------------------------------------


def setup_partners(user: Actor) -> list[tuple[Person, Person]]:
    """(manager, report) pairs the user may set up a 1:1 for: each current direct report,
    and their own manager. A pair that already has a series is left out."""
    me = _me(user)
    if me is None:
        return []
    reports = list(
        me.direct_reports.filter(status=Person.Status.ACTIVE).order_by("last_name", "first_name")
    )
    pairs = [(me, r) for r in reports]
    manager = me.manager
    if manager is not None and manager.status == Person.Status.ACTIVE:
        pairs.append((manager, me))
    taken = set(
        OneOnOne.objects.filter(participant_filter(me)).values_list("manager_id", "report_id")
    )
    return [(m, r) for m, r in pairs if (m.pk, r.pk) not in taken]


def partner_for_setup(user: Actor, person_id: object) -> tuple[Person, Person]:
    """(manager, report) for a new series of the user with ``person_id``: their current
    direct report or their manager. Anyone else (unknown, left, not theirs) reads alike."""
    require_member(user)
    pk = _id(person_id)
    me = _me(user)
    if me is None:
        raise Refused(_("Only people of the organisation can set up 1:1s."))
    for manager, report in setup_partners(user):
        if pk in (manager.pk, report.pk) and me.pk != pk:
            return manager, report
    if (
        pk is not None
        and OneOnOne.objects.filter(participant_filter(me))
        .filter(Q(manager_id=pk) | Q(report_id=pk))
        .exists()
    ):
        raise Refused(_("You already have a 1:1 with this person."))
    raise Refused(_("You can set up a 1:1 with your direct reports and with your manager."))


# --- coaching notes ---------------------------------------------------------------------


def coaching_notes_visible_to(user: Actor) -> QuerySet[CoachingNote]:
    """The user's own notes, and for HR admins the notes shared with HR."""
    me = _me(user)
    visible = Q(manager=me) if me is not None else Q(pk__in=[])
    if is_hr_admin(user):
        visible |= Q(shared_with_hr_at__isnull=False)
    return CoachingNote.objects.filter(visible).select_related("manager", "report")


def coaching_note_for_read(user: Actor, note_id: object) -> CoachingNote:
    pk = _id(note_id)
    note = coaching_notes_visible_to(user).filter(pk=pk).first() if pk else None
    if note is None:
        raise Http404
    return note


def coaching_note_for_edit(user: Actor, note_id: object) -> CoachingNote:
    """Only the manager who wrote it changes, shares or deletes a note (HR reads)."""
    note = coaching_note_for_read(user, note_id)
    me = _me(user)
    if me is None or note.manager_id != me.pk:
        raise Refused(_("Only the manager who wrote this note can change it."))
    return note


def coaching_reports(me: Person) -> QuerySet[Person]:
    """People the manager keeps a journal about: current direct reports and anyone they
    already wrote about (former reports keep their notes)."""
    written = CoachingNote.objects.filter(manager=me).values("report_id")
    return Person.objects.filter(
        Q(manager=me, status=Person.Status.ACTIVE) | Q(pk__in=written)
    ).select_related("department")


def coaching_report_for_read(user: Actor, person_id: object) -> Person:
    """The person whose journal the user reads: a current direct report or someone they
    wrote notes about. Anyone else: 404."""
    me = _me(user)
    pk = _id(person_id)
    person = coaching_reports(me).filter(pk=pk).first() if me is not None and pk else None
    if person is None:
        raise Http404
    return person


def may_write_coaching(me: Person, person: Person) -> bool:
    return person.manager_id == me.pk and person.status == Person.Status.ACTIVE


def coaching_report_for_write(user: Actor, person_id: object) -> Person:
    person = coaching_report_for_read(user, person_id)
    me = _me(user)
    if me is None or not may_write_coaching(me, person):
        raise Refused(_("You can add coaching notes only about your current direct reports."))
    return person


def can_coach(user: Actor) -> bool:
    """Whether to offer the coaching journal: managers, and anyone with notes."""
    me = _me(user)
    if me is None:
        return False
    return (
        me.direct_reports.filter(status=Person.Status.ACTIVE).exists()
        or CoachingNote.objects.filter(manager=me).exists()
    )


# --- calendar feeds ---------------------------------------------------------------------


def live_feed_of(user: Actor) -> CalendarFeed | None:
    me = _me(user)
    if me is None:
        return None
    return CalendarFeed.objects.filter(person=me, revoked_at__isnull=True).first()
