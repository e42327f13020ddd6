"""What the feedback area puts on the home page: requests for feedback waiting for me
(the first five, then the count) and, for HR admins, reported feedback to review.
Two queries at most, whatever the size of the inbox."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.feedback import notifications, queries
from cadence.feedback.access import can_moderate
from cadence.home.registry import HomeItem, HomeSection, register_section
from cadence.people.display import name_shown
from cadence.people.models import Person

SHOWN = 5


def items(user: Actor, me: Person | None) -> list[HomeItem]:
    out: list[HomeItem] = []
    if me is not None:
        group = _("Requests for your feedback")
        asks = list(queries.pending_asks(user)[: SHOWN + 1])
        for ask in asks[:SHOWN]:
            text = _("%(name)s asks for %(what)s") % {
                "name": name_shown(user, ask.request.requester),
                "what": notifications.request_label(user, ask.request),
            }
            if ask.request.due_on:
                text += " " + _("(by %(date)s)") % {
                    "date": formats.date_format(ask.request.due_on, "DATE_FORMAT")
                }
            out.append(HomeItem(text, reverse("feedback:ask", args=[ask.pk]), group=group))
        if len(asks) > SHOWN:
            total = queries.pending_asks(user).count()
            out.append(
                HomeItem(
                    _("All %(n)d requests waiting for you") % {"n": total},
                    reverse("feedback:index") + "?tab=requests",
                    count=total,
                    group=group,
                )
            )
    if can_moderate(user):
        count = queries.open_report_count(user)
        if count:
            out.append(
                HomeItem(
                    _("%(n)d reported feedback to review") % {"n": count},
                    reverse("feedback:reports"),
                    count=count,
                    group=_("Reported feedback"),
                )
            )
    return out


def register() -> None:
    register_section(
        HomeSection(key="feedback", title=gettext_lazy("Feedback"), order=50, items=items)
    )
