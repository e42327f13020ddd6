"""Notifications as sentences, written for one reader at the moment they read them."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from cadence.accounts.types import Actor
from cadence.notifications import kinds
from cadence.notifications.models import Notification
from cadence.people.display import name_shown


@dataclass(frozen=True)
class Item:
    id: int
    kind: str
    text: str
    url: str | None  # the object's page (None when the reader may not open it)
    open_url: str  # marks it read, then goes to ``url`` (or the list)
    created_at: datetime
    is_read: bool


def render(reader: Actor, notifications: Sequence[Notification]) -> list[Item]:
    """``notifications`` (with ``actor`` selected) as ``reader`` may read them: one load
    per target type, whatever the number of items."""
    ids_by_type: dict[str, list[int]] = defaultdict(list)
    for n in notifications:
        if n.target_type and n.target_id is not None:
            ids_by_type[n.target_type].append(n.target_id)
    loaded: dict[str, dict[int, kinds.Target]] = {}
    for type_key, ids in ids_by_type.items():
        target_type = kinds.target_type(type_key)
        loaded[type_key] = target_type.load(reader, sorted(set(ids))) if target_type else {}
    items = []
    for n in notifications:
        target = loaded.get(n.target_type, {}).get(n.target_id or 0)
        if target is not None:
            target_words = target.label
        elif n.target_type:
            target_type = kinds.target_type(n.target_type)
            target_words = target_type.hidden if target_type else ""
        else:
            target_words = ""
        if kinds.is_kind(n.kind):
            text = kinds.format_sentence(
                kinds.kind(n.kind),
                # No actor: the system did it (a sweep, the command line, the demo).
                actor=name_shown(reader, n.actor) if n.actor is not None else "Cadence",
                target=target_words,
                params=n.params,
            )
        else:  # a kind from a removed area: still readable, never a crash
            text = n.kind
        items.append(
            Item(
                id=n.pk,
                kind=n.kind,
                text=text,
                url=target.url if target is not None else None,
                open_url=reverse("notifications:open", args=[n.pk]),
                created_at=n.created_at,
                is_read=n.read_at is not None,
            )
        )
    return items
