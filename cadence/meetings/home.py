"""What 1:1s put on the home page: open action items of my 1:1s — mine and the other
participant's — until they are done (both people see them), the next meeting's agenda
to prepare. Two queries."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.home.registry import HomeItem, HomeSection, register_section
from cadence.meetings import queries
from cadence.people.display import name_shown
from cadence.people.models import Person

SHOWN = 10


def items(user: Actor, me: Person | None) -> list[HomeItem]:
    if me is None:
        return []
    today = timezone.localdate()
    out: list[HomeItem] = []
    mine, theirs = _("Your 1:1 action items"), _("Action items of the people you meet")
    actions = list(queries.open_actions_for(me)[: SHOWN * 2])
    # Yours first, then theirs, each soonest due first.
    actions.sort(key=lambda item: item.owner_id != me.pk)
    for item in actions:
        url = reverse("meetings:meeting", args=[item.meeting_id])
        due = formats.date_format(item.due_on, "DATE_FORMAT") if item.due_on else ""
        if item.owner_id == me.pk:
            if item.due_on and item.due_on < today:
                text = _("%(action)s (overdue since %(date)s)") % {"action": item.text, "date": due}
            elif due:
                text = _("%(action)s (due %(date)s)") % {"action": item.text, "date": due}
            else:
                text = item.text
            out.append(HomeItem(text, url, group=mine))
        else:
            text = _("%(name)s: %(action)s") % {
                "name": name_shown(user, item.owner),
                "action": item.text,
            }
            if due:
                text += " " + _("(due %(date)s)") % {"date": due}
            out.append(HomeItem(text, url, group=theirs))
    return out[:SHOWN]


def register() -> None:
    register_section(HomeSection(key="meetings", title=gettext_lazy("1:1s"), order=45, items=items))
