"""What the notifications app puts on the home page: how many are unread, and the latest
few as sentences written for the reader (``rendering.render``), each leading to its
object through the "open" link that also marks it read."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.home.registry import HomeItem, HomeSection, register_section
from cadence.notifications.access import notifications_of
from cadence.notifications.rendering import render
from cadence.people.models import Person

LATEST = 5


def _list_url() -> str | None:
    try:
        return reverse("notifications:list")
    except NoReverseMatch:  # the notification centre's page is not mounted
        return None


def items(user: Actor, me: Person | None) -> list[HomeItem]:
    if me is None:
        return []
    unread = notifications_of(user).filter(read_at__isnull=True)
    count = unread.count()
    if not count:
        return []
    # One group without a title: the section's own title says what they are.
    out = [
        HomeItem(item.text, item.open_url)
        for item in render(user, list(unread.order_by("-created_at", "-id")[:LATEST]))
    ]
    list_url = _list_url()
    if list_url is not None:
        if count > len(out):
            text = _("See all %(count)s unread notifications") % {"count": count}
        else:
            text = _("Open the notification list")
        out.append(HomeItem(text, list_url, count=count))
    return out


def register() -> None:
    register_section(
        HomeSection(
            key="notifications", title=gettext_lazy("Unread notifications"), order=10, items=items
        )
    )
