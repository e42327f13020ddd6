"""Reads shared by the notification pages and the API: the bell's count, the list, the
preferences as the page shows them, and the delivery page's outbox."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet

from cadence.accounts.types import Actor
from cadence.notifications import access, kinds
from cadence.notifications.models import Channel, Notification, NotificationPreference, OutboundMail
from cadence.notifications.rendering import Item, render
from cadence.people.models import Person

LIST_PAGE_SIZE = 30
DELIVERY_PAGE_SIZE = 50


def unread_count(person: Person) -> int:
    """The bell's number: one COUNT on the partial index of unread notifications."""
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def notifications_listed(user: Actor, *, unread_only: bool) -> QuerySet[Notification]:
    """The user's own notifications, newest first (the list index's order, ending with
    the id so that cursor pages never skip or repeat one)."""
    listed = access.notifications_of(user)
    if unread_only:
        listed = listed.filter(read_at__isnull=True)
    return listed.order_by("-created_at", "-id")


@dataclass(frozen=True)
class ListPage:
    """One page of the list: the rendered items and the paginator's page around them."""

    items: list[Item]
    page: Page


def notification_page(user: Actor, *, unread_only: bool, number: Any) -> ListPage:
    """A page of the list, rendered for ``user``: a COUNT, the page's rows (with their
    actors) and one load per target type — the same queries for 1 item or 30."""
    page = Paginator(notifications_listed(user, unread_only=unread_only), LIST_PAGE_SIZE).get_page(
        number
    )
    return ListPage(items=render(user, list(page.object_list)), page=page)


@dataclass(frozen=True)
class PreferenceRow:
    kind: kinds.Kind
    channel: Channel  # the person's choice, else the kind's default
    choices: list[Channel]  # kinds.channels_for: OFF only where it may be off


@dataclass(frozen=True)
class PreferenceGroup:
    name: str
    rows: list[PreferenceRow]


def preferences_of(person: Person) -> dict[str, Channel]:
    """{kind: channel} for every registered kind: the person's choice, else the kind's
    default (a mandatory kind is never OFF, whatever an old row says). One query."""
    chosen = dict(
        NotificationPreference.objects.filter(person=person).values_list("kind", "channel")
    )
    result = {}
    for registered in kinds.all_kinds():
        channel = Channel(chosen.get(registered.key, registered.default))
        if channel == Channel.OFF and registered.mandatory:
            channel = registered.default
        result[registered.key] = channel
    return result


def preference_groups(user: Actor, person: Person) -> list[PreferenceGroup]:
    """Every kind ``user`` can receive under its group's heading, in registration order."""
    current = preferences_of(person)
    groups: dict[str, list[PreferenceRow]] = {}
    for registered in kinds.kinds_for(user):
        groups.setdefault(registered.group, []).append(
            PreferenceRow(registered, current[registered.key], kinds.channels_for(registered))
        )
    return [PreferenceGroup(name, rows) for name, rows in groups.items()]


# --- the delivery page (HR) ------------------------------------------------------------


def delivery_counts(user: Actor) -> list[tuple[OutboundMail.State, int]]:
    """How many mails are in each state, every state listed (zeros too). One query."""
    found = dict(
        access.deliveries_visible_to(user)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return [(state, found.get(state.value, 0)) for state in OutboundMail.State]


def delivery_page(user: Actor, *, state: str, number: Any) -> Page:
    """A page of the outbox, newest first, with the recipients (names) joined."""
    mails = access.deliveries_visible_to(user)
    if state:
        mails = mails.filter(state=state)
    return Paginator(mails.order_by("-created_at", "-id"), DELIVERY_PAGE_SIZE).get_page(number)


def api_items(user: Actor, notifications: Sequence[Notification]) -> list[dict[str, Any]]:
    """A page of notifications as the API's ``NotificationOut`` writes them."""
    return [
        {
            "id": item.id,
            "kind": item.kind,
            "text": item.text,
            "url": item.url,
            "created_at": item.created_at,
            "read": item.is_read,
        }
        for item in render(user, notifications)
    ]
