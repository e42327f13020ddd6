"""What 1:1s tell people: a talking point the other participant added, an action item
assigned to you, an action item overdue (``reminders``).

Two target types, each loaded per reader through ``access``: a meeting and an action
item read only by the two participants, so anyone else (HR, a manager's manager) would
read the neutral words — and is never a recipient anyway. Params carry no text of an
agenda, notes or action: the sentence names the object only to those who may read it.
"""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.meetings import access
from cadence.meetings.models import ActionItem, Meeting
from cadence.notifications import kinds
from cadence.notifications.models import Channel
from cadence.notifications.services import notify
from cadence.people.access import acting_person
from cadence.people.display import name_shown
from cadence.people.models import Person

POINT_ADDED = "meetings.point_added"
ACTION_ASSIGNED = "meetings.action_assigned"
ACTION_OVERDUE = "meetings.action_overdue"

MEETING_TARGET = "meetings.meeting"
ACTION_TARGET = "meetings.actionitem"


def meeting_label(reader: Actor, meeting: Meeting) -> str:
    """ "your 1:1 with Oscar Singh on 4 Dec 2026" as the reader names the other side."""
    me = acting_person(reader)
    series = meeting.one_on_one
    other = series.report if me is not None and me.pk == series.manager_id else series.manager
    when = formats.date_format(timezone.localtime(meeting.scheduled_at), "DATE_FORMAT")
    return _("your 1:1 with %(name)s on %(date)s") % {
        "name": name_shown(reader, other),
        "date": when,
    }


def _load_meetings(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    rows = access.meetings_visible_to(reader).filter(pk__in=ids)
    return {
        m.pk: kinds.Target(meeting_label(reader, m), reverse("meetings:meeting", args=[m.pk]))
        for m in rows
    }


def _load_actions(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    me = acting_person(reader)
    if me is None:
        return {}
    rows = ActionItem.objects.filter(
        access.participant_filter(me, through="meeting__one_on_one__"), pk__in=ids
    ).values_list("pk", "text", "meeting_id")
    return {
        pk: kinds.Target(
            _("the action “%(text)s”") % {"text": text},
            reverse("meetings:meeting", args=[meeting_id]),
        )
        for pk, text, meeting_id in rows
    }


def point_added(meeting: Meeting, *, actor: Person, to: Person, day: str) -> None:
    notify(
        POINT_ADDED,
        [to],
        actor=actor,
        target=meeting,
        dedup_key=f"meeting-point:{meeting.pk}:{actor.pk}:{day}",
    )


def action_assigned(item: ActionItem, *, actor: Person) -> None:
    if item.owner_id == actor.pk:
        return
    notify(ACTION_ASSIGNED, [item.owner], actor=actor, target=item)


def register() -> None:
    kinds.register_target(
        kinds.TargetType(key=MEETING_TARGET, load=_load_meetings, hidden=_("a 1:1"))
    )
    kinds.register_target(
        kinds.TargetType(key=ACTION_TARGET, load=_load_actions, hidden=_("an action item"))
    )
    group = str(gettext_lazy("1:1s"))
    kinds.register_kinds(
        [
            kinds.Kind(
                key=POINT_ADDED,
                group=group,
                label=str(gettext_lazy("The other person adds a talking point to our 1:1")),
                sentence=str(gettext_lazy("{actor} added a talking point to {target}.")),
                default=Channel.IN_APP,
            ),
            kinds.Kind(
                key=ACTION_ASSIGNED,
                group=group,
                label=str(gettext_lazy("An action item from a 1:1 is assigned to me")),
                sentence=str(gettext_lazy("{actor} gave you {target}.")),
                default=Channel.IN_APP,
            ),
            kinds.Kind(
                key=ACTION_OVERDUE,
                group=group,
                label=str(gettext_lazy("An action item of mine is overdue")),
                sentence=str(gettext_lazy("{target} is overdue.")),
                default=Channel.EMAIL,
            ),
        ]
    )
