"""The caller's own notifications and preferences over the API, with the pages' rules
(``cadence.notifications.access``: only the recipient reads a notification) and writes
(``cadence.notifications.services``)."""

import datetime
import functools
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema

from cadence.core.api_types import Id, Text
from cadence.core.pagination import Rows, paginate_rows
from cadence.notifications import access, kinds, queries, services
from cadence.notifications.forms import checked_preferences
from cadence.notifications.models import Channel

router = Router(tags=["notifications"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="The kind's key, e.g. plan.signed.")
    text: str = Field(description="The sentence, written for the caller with their rights now.")
    url: str | None = Field(
        description="The object's page; null when the caller may no longer open it."
    )
    created_at: datetime.datetime
    read: bool


class NotificationsMarkedOut(Schema):
    marked: int = Field(description="How many unread notifications were marked as read.")


class NotificationPreferenceOut(Schema):
    kind: str
    group: str
    label: str
    channel: Channel
    channels: list[Channel] = Field(description="The channels this kind may have.")
    mandatory: bool = Field(description="Cannot be switched off.")


def _preferences(request: HttpRequest) -> list[dict[str, Any]]:
    me = access.recipient(request.user)
    current = queries.preferences_of(me)
    return [
        {
            "kind": k.key,
            "group": k.group,
            "label": k.label,
            "channel": current[k.key],
            "channels": kinds.channels_for(k),
            "mandatory": k.mandatory,
        }
        for k in kinds.kinds_for(request.user)
    ]


@router.get(
    "/notifications",
    response=list[NotificationOut],
    summary="The caller's notifications, newest first",
)
@paginate_rows(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_notifications(
    request: HttpRequest,
    unread: bool | None = Query(None, description="Only unread (true) or only read (false)."),  # noqa: B008
) -> Rows:
    access.recipient(request.user)
    listed = queries.notifications_listed(request.user, unread_only=bool(unread))
    if unread is False:
        listed = listed.filter(read_at__isnull=False)
    # The page is rendered as a whole (one load per target type), so the rows are the
    # notifications themselves rather than values(): the sentence needs the actor.
    return Rows(
        cast(QuerySet[Any, dict[str, Any]], listed),
        cast(Any, functools.partial(queries.api_items, request.user)),
    )


@router.post(
    "/notifications/read-all",
    response=NotificationsMarkedOut,
    summary="Mark every unread notification of the caller as read",
)
def read_all(request: HttpRequest) -> dict[str, int]:
    me = access.recipient(request.user)
    return {"marked": services.mark_all_read(me)}


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="Mark one of the caller's notifications as read",
)
def read_one(request: HttpRequest, notification_id: Id) -> dict[str, Any]:
    me = access.recipient(request.user)
    notification = access.notification_for_read(request.user, notification_id)
    services.mark_read(me, notification)
    [item] = queries.api_items(request.user, [notification])
    return item


@router.get(
    "/notifications/preferences",
    response=list[NotificationPreferenceOut],
    summary="The caller's channel for every kind of notification",
)
def get_preferences(request: HttpRequest) -> list[dict[str, Any]]:
    return _preferences(request)


@router.put(
    "/notifications/preferences",
    response=list[NotificationPreferenceOut],
    summary="Set channels: {kind: channel}; kinds left out keep theirs",
)
def put_preferences(
    request: HttpRequest,
    payload: dict[Text, Text] = Body(  # noqa: B008
        ...,
        description="in_app, email, digest or off per kind key; off is refused for "
        "kinds that cannot be switched off. Nothing is saved if one is refused.",
        examples=[{"plan.reopened": "email"}],
    ),
) -> list[dict[str, Any]]:
    me = access.recipient(request.user)
    services.preferences_set(me, dict(checked_preferences(request.user, payload)))
    return _preferences(request)
