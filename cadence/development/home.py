"""What the development area puts on the home page: open development items of mine —
for me, or owned by me for someone in my team — that are overdue or due within 14 days.
Two queries whatever the team's size: the first items, and how many there are."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.development.models import DevelopmentItem
from cadence.home.registry import HomeItem, HomeSection, register_section
from cadence.people.display import name_shown
from cadence.people.models import Person

SOON_DAYS = 14
SHOWN = 5


def due_items(user: Actor, me: Person, today: datetime.date | None = None) -> list[HomeItem]:
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=SOON_DAYS)
    # Mine, or owned by me: an owner is the person or one of their managers, so every
    # row here is one I may read.
    rows = (
        DevelopmentItem.objects.filter(
            Q(person=me) | Q(owner=me),
            status__in=DevelopmentItem.OPEN,
            due_on__lte=soon,
            person__status=Person.Status.ACTIVE,
        )
        .select_related("person", "competency")
        .order_by("due_on", "id")
    )
    first = list(rows[: SHOWN + 1])
    overdue, due = _("Development items overdue"), _("Development items due soon")
    out = []
    for item in first[:SHOWN]:
        late = item.due_on is not None and item.due_on < today
        when = date_format(item.due_on) if item.due_on else ""
        if item.person_id == me.pk:
            text = (_("%(item)s was due %(date)s") if late else _("%(item)s is due %(date)s")) % {
                "item": item.title,
                "date": when,
            }
        else:
            text = (
                _("%(item)s for %(person)s was due %(date)s")
                if late
                else _("%(item)s for %(person)s is due %(date)s")
            ) % {"item": item.title, "person": name_shown(user, item.person), "date": when}
        out.append(
            HomeItem(
                text, reverse("development:item", args=[item.pk]), group=overdue if late else due
            )
        )
    if len(first) > SHOWN:
        total = rows.count()
        out.append(
            HomeItem(
                _("All %(count)s development items due") % {"count": total},
                reverse("development:mine"),
                count=total,
                group=due,
            )
        )
    return out


def items(user: Actor, me: Person | None) -> list[HomeItem]:
    if me is None:
        return []
    return due_items(user, me)


def register() -> None:
    register_section(
        HomeSection(key="development", title=gettext_lazy("Development"), order=45, items=items)
    )
