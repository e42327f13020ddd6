"""The 1:1 agenda's writes (docs/meetings.md): adding, resolving, removing and moving
talking points. Carrying points over to the next meeting belongs to marking a meeting
held and stays in ``cadence.meetings.services``, which also re-exports these names.

Access is checked by the caller through ``cadence.meetings.access``. A point's text
never reaches the audit log or a notification's params: only the two participants
ever read it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.goals.models import Goal
from cadence.meetings import notifications
from cadence.meetings.models import Meeting, TalkingPoint
from cadence.people.access import acting_person
from cadence.people.models import Person

State = Meeting.State
POINT_MAX = 500

# Good questions for a 1:1, offered on every agenda (docs/meetings.md).
PROMPTS = (
    gettext_lazy("What went well since we last met?"),
    gettext_lazy("What is getting in your way right now?"),
    gettext_lazy("Is there anything you need from me?"),
    gettext_lazy("How are you feeling about your workload?"),
    gettext_lazy("What would you like to learn or try next?"),
    gettext_lazy("Which feedback would help you most at the moment?"),
    gettext_lazy("Is there anything you would change about how our team works?"),
)


def _next_order(meeting: Meeting) -> int:
    top = TalkingPoint.objects.filter(meeting=meeting).aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


def writer(actor: Actor | None) -> Person:
    """The participant writing (the caller read the meeting through access); also used
    by ``services`` for notes and action items."""
    me = acting_person(actor)
    if me is None:
        raise ValidationError({"author": [_("Only a participant can write here.")]})
    return me


def _other(meeting: Meeting, me: Person) -> Person:
    series = meeting.one_on_one
    return series.report if me.pk == series.manager_id else series.manager


@transaction.atomic
def point_add(
    *,
    actor: Actor | None,
    meeting: Meeting,
    text: str,
    goal: Goal | None = None,
    author: Person | None = None,
) -> TalkingPoint:
    """Add a talking point; the other participant is told (once a day per meeting)."""
    me = author or writer(actor)
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": [_("Talking point: write something.")]})
    if len(text) > POINT_MAX:
        raise ValidationError({"text": [_("Talking point: at most 500 characters.")]})
    if meeting.state == State.CANCELLED:
        raise ValidationError({"meeting": [_("This meeting was cancelled.")]})
    if goal is not None and TalkingPoint.objects.filter(meeting=meeting, goal=goal).exists():
        raise ValidationError({"goal": [_("Goal: already on this agenda.")]})
    point = TalkingPoint.objects.create(
        meeting=meeting, author=me, text=text, order=_next_order(meeting), goal=goal
    )
    if meeting.scheduled_at > timezone.now():  # before the meeting: worth telling
        today = timezone.localdate().isoformat()
        notifications.point_added(meeting, actor=me, to=_other(meeting, me), day=today)
    return point


@transaction.atomic
def point_resolve(*, actor: Actor | None, point: TalkingPoint, resolved: bool) -> TalkingPoint:
    point.resolved_at = timezone.now() if resolved else None
    point.save(update_fields=["resolved_at"])
    return point


@transaction.atomic
def point_remove(*, actor: Actor | None, point: TalkingPoint) -> None:
    """Only its author removes a point, and not one already carried on."""
    me = writer(actor)
    if point.author_id != me.pk:
        raise ValidationError({"point": [_("Only who added a talking point can remove it.")]})
    if TalkingPoint.objects.filter(carried_from=point).exists():
        raise ValidationError({"point": [_("This point continues on a later agenda.")]})
    point.delete()


def renumber(points: list[TalkingPoint], *, start: int = 0) -> None:
    """Number ``points`` ``start``, ``start + 1``, … in the list's order, writing only
    those whose number changes (one query)."""
    changed = []
    for position, point in enumerate(points, start=start):
        if point.order != position:
            point.order = position
            changed.append(point)
    TalkingPoint.objects.bulk_update(changed, ["order"])


@transaction.atomic
def talking_point_move(*, actor: Actor | None, point: TalkingPoint, direction: str) -> TalkingPoint:
    """Move a point one place ``"up"`` or ``"down"`` its meeting's agenda and number the
    agenda 0, 1, 2 … again; the first point moved up (the last moved down) stays put.

    The caller read the point through ``access.talking_point_for_move`` (a participant,
    a meeting not held yet). The meeting row is locked before the agenda is read, so
    two people moving points at once take turns: each move starts from the order the
    other left, and the orders stay unique. The state is checked again under the lock,
    in case the meeting was marked held in between."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": [_("Direction: up or down.")]})
    meeting = Meeting.objects.select_for_update().get(pk=point.meeting_id)
    if meeting.state != State.SCHEDULED:
        raise ValidationError(
            {"meeting": [_("This meeting is no longer coming up: its agenda keeps its order.")]}
        )
    agenda = list(TalkingPoint.objects.filter(meeting=meeting).order_by("order", "id"))
    index = next((i for i, p in enumerate(agenda) if p.pk == point.pk), None)
    if index is None:
        raise ValidationError({"point": [_("This talking point was removed.")]})
    moved = agenda[index]
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(agenda):
        agenda[index], agenda[target] = agenda[target], moved
    renumber(agenda)
    return moved
