"""Materialised paths ("/1/7/42/": ids from the root down to the node), used by the
manager chain (``Person.reporting_path``) and the alignment tree
(``Goal.alignment_path``). Subtrees are index range scans; see docs/people.md."""

from typing import Any

from django.db.models import Value
from django.db.models.functions import Concat, Substr


def subtree_bounds(path: str) -> tuple[str, str]:
    """Range [low, high) holding every path strictly below ``path``.

    '0' is the character after '/', so every string that starts with ``path``
    sorts before ``path[:-1] + '0'``; a B-tree index serves the range on both
    SQLite and PostgreSQL (the column compares byte by byte), unlike LIKE 'prefix%'.
    """
    return path, path[:-1] + "0"


def path_under(parent_path: str | None, node_id: int) -> str:
    return f"{parent_path or '/'}{node_id}/"


def move_subtree(node: Any, field: str, new_path: str) -> None:
    """Give ``node`` the path ``new_path`` and rewrite the paths of everything below it
    in one UPDATE. Call inside the service's transaction, after the cycle check."""
    model = type(node)
    old_path = getattr(node, field)
    if old_path == new_path:
        return
    if old_path:
        low, high = subtree_bounds(old_path)
        model.objects.filter(**{f"{field}__gt": low, f"{field}__lt": high}).update(
            **{field: Concat(Value(new_path), Substr(field, len(old_path) + 1))}
        )
    setattr(node, field, new_path)
    model.objects.filter(pk=node.pk).update(**{field: new_path})
