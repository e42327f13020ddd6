"""Keyset ("cursor") pagination for the API's lists.

Offset pagination reads and throws away every row before the page it answers, and
counts the whole list on every request: page 100 of the directory cost three times
page 1. Here a page starts where the previous one ended — ``WHERE (key) > (last row's
key) ORDER BY key LIMIT n`` — an indexed seek that costs the same on any page, and
nothing is counted.

The key is the queryset's own ``order_by``, which must end with a unique field
(``id``) so that no two rows share a position. The cursor handed to the client is
that key of the page's last row, base64-encoded JSON: opaque to clients, checked
field by field when it comes back (a forged cursor only moves the start of the
page; the access filters are the queryset's and still apply).

The long lists (``/people``, ``/goals``, …) use ``paginate_rows`` instead of ninja's
``paginate``: their operation returns ``Rows`` — a ``values()`` queryset and a function
shaping a page of those dicts into the documented items — and the page is written as
JSON straight away. Through ``paginate`` every row became model instances, then a
schema object whose resolvers and validators ran per field: ~20 ms of a 200-row page
that the database answers in 2. The operation is documented exactly as ``paginate``
documents it (same parameters, same ``Paged…`` schema), and tests/test_openapi.py
checks the answers against that document.
"""

import base64
import binascii
import datetime
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase, make_response_paginated
from ninja.utils import contribute_operation_args, contribute_operation_callback

MAX_PAGE_SIZE = 200
# Beyond these a database raises an overflow error (a 500) instead of finding nothing.
_SMALLEST_INT, _LARGEST_INT = -(2**63), 2**63 - 1


class KeysetPagination(PaginationBase):
    """``?cursor=…&page_size=…`` → ``{"items": [...], "next": "…" | null}``."""

    class Input(Schema):
        cursor: str | None = Field(
            None, description="The `next` of the previous page; none for the first page."
        )
        page_size: int | None = Field(
            None, ge=1, description=f"Rows per page (at most {MAX_PAGE_SIZE})."
        )

    class Output(Schema):
        items: list[Any]
        next: str | None = Field(
            description="Pass as `cursor` for the following page; null on the last page."
        )

    def __init__(self, page_size: int = 50, max_page_size: int = MAX_PAGE_SIZE, **kwargs: Any):
        self.page_size = page_size
        self.max_page_size = max_page_size
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = min(pagination.page_size or self.page_size, self.max_page_size)
        if queryset.query.is_empty():  # .none(): nothing to order, nothing to fetch
            return {"items": [], "next": None}
        keys = ordering(queryset)
        if pagination.cursor:
            queryset = queryset.filter(after(keys, decode(queryset.model, keys, pagination.cursor)))
        # One row more than the page says whether there is a next page, without a count.
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        last = rows[-1] if more else None
        return {
            "items": rows,
            "next": encode([_value(last, name) for name, _desc in keys]) if last else None,
        }


@dataclass(frozen=True)
class Rows:
    """What an operation under ``paginate_rows`` returns: the rows to page through, as
    a ``values()`` queryset ordered by its key (``ordering``), and how to turn one page
    of them into the items the operation documents."""

    queryset: QuerySet[Any, dict[str, Any]]
    shape: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


# Dates, times and decimals written as ninja's renderer writes them (its encoder hands
# them to this one); shaped rows hold nothing else that JSON does not know.
_json_value = DjangoJSONEncoder().default


def paginate_rows(
    page_size: int = 50, max_page_size: int = MAX_PAGE_SIZE
) -> Callable[[Callable[..., Rows]], Callable[..., HttpResponse]]:
    """``@paginate(KeysetPagination, …)`` for an operation returning ``Rows``: the same
    parameters and documented ``Paged…`` response, but the page's items are the shaped
    dicts, written as JSON without a schema validating them again.
    The shapes are the response schema's promise: tests compare them with it."""
    paginator = KeysetPagination(page_size=page_size, max_page_size=max_page_size)

    def decorate(operation: Callable[..., Rows]) -> Callable[..., HttpResponse]:
        @functools.wraps(operation)
        def paginated(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            pagination = kwargs.pop("ninja_pagination", None) or paginator.Input(
                cursor=None, page_size=None
            )
            rows = operation(request, **kwargs)
            page = paginator.paginate_queryset(rows.queryset, pagination, request)
            body = {"items": rows.shape(page["items"]), "next": page["next"]}
            return HttpResponse(
                json.dumps(body, default=_json_value, separators=(",", ":")),
                content_type="application/json; charset=utf-8",
            )

        contribute_operation_args(
            paginated, "ninja_pagination", paginator.Input, paginator.InputSource
        )
        contribute_operation_callback(
            paginated, functools.partial(make_response_paginated, paginator)
        )
        paginated._ninja_is_paginated = True  # type: ignore[attr-defined]
        return paginated

    return decorate


def url_of(viewname: str) -> Callable[[int], str]:
    """``reverse(viewname, args=[pk])`` for many rows at the cost of one ``reverse``:
    the URL is the same around the id (a resolver walk per row was 3 ms a page)."""
    sentinel = 918273645
    before, found, after = reverse(viewname, args=[sentinel]).rpartition(str(sentinel))
    if not found:
        raise ValueError(f"{viewname} does not take one id")
    return lambda pk: f"{before}{pk}{after}"


def ordering(queryset: QuerySet) -> list[tuple[str, bool]]:
    """``[(field name, descending), …]`` of the queryset's explicit order, which must
    end with the primary key (what makes a position unique)."""
    keys = []
    for term in queryset.query.order_by:
        if not isinstance(term, str):
            raise TypeError(f"Keyset pagination orders by field names only, not {term!r}.")
        keys.append((term.lstrip("-"), term.startswith("-")))
    if not keys or keys[-1][0] not in ("id", "pk"):
        raise TypeError("Keyset pagination needs an order_by ending with the id.")
    return keys


def after(keys: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the order ``keys``.

    Written as ``a >= x AND (a > x OR (a = x AND (b > y OR …)))``: the leading
    ``a >= x`` is a range both SQLite and PostgreSQL seek to in the ordering index,
    where the OR alone would make them scan from the start of the index.
    """
    (first, first_desc), first_value = keys[0], values[0]
    condition = Q()
    for (name, desc), value in reversed(list(zip(keys, values, strict=True))):
        beyond = Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
        condition = beyond if not condition else beyond | (Q(**{name: value}) & condition)
    return Q(**{f"{first}__{'lte' if first_desc else 'gte'}": first_value}) & condition


def encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime.date) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(model: type[models.Model], keys: list[tuple[str, bool]], cursor: str) -> list[Any]:
    """The key values in ``cursor``, each checked against its field; a 422 naming the
    parameter for anything that is not a cursor of this list."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        raise _invalid_cursor() from None
    if not isinstance(values, list) or len(values) != len(keys):
        raise _invalid_cursor()
    return [_checked(model, name, value) for (name, _desc), value in zip(keys, values, strict=True)]


def _checked(model: type[models.Model], name: str, value: Any) -> Any:
    try:
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    except FieldDoesNotExist:
        raise TypeError(f"Keyset pagination orders by model fields only, not {name!r}.") from None
    if value is None or isinstance(value, bool | dict | list):
        raise _invalid_cursor()
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if not isinstance(field, models.Field):  # a reverse relation holds no value to seek to
        raise TypeError(f"Keyset pagination orders by model fields only, not {name!r}.")
    try:
        value = field.to_python(value)
    except (DjangoValidationError, TypeError, ValueError, OverflowError):
        raise _invalid_cursor() from None
    if isinstance(value, int) and not _SMALLEST_INT <= value <= _LARGEST_INT:
        raise _invalid_cursor()
    return value


def _value(row: Any, name: str) -> Any:
    if isinstance(row, dict):
        return row["pk" if name == "pk" else name]
    return getattr(row, name)


def _invalid_cursor() -> ValidationError:
    return ValidationError(
        [
            {
                "type": "value_error",
                "loc": ["query", "cursor"],
                "msg": _("cursor: this is not a cursor of this list; start again without it."),
            }
        ]
    )
