"""HR's compliance figures, kept: counted ahead of HR and read from Django's cache.

Counting who is missing, expired or expiring per type and per department costs two
queries a type over every person who needs it — ~1 s at 100,000 people on SQLite — so
the figures are counted by the ``certificate-compliance`` sweep every two minutes (the
unfiltered view, the one HR opens) and by the first reader of a filtered view, then kept
``CACHE_SECONDS``. The key holds the day (a certificate expires at midnight without any
write), the filter, and the moment certifications last changed: a certificate recorded
or removed, or a type defined or changed, sets a new moment once its transaction
commits (``figures_changed``), so no later reader finds figures counted before it — it
counts afresh, or finds the sweep's new count. A person who joins, leaves or moves
(another area's write) shows within the sweep's two minutes.

The page says when its figures were counted. The table of people stays live (its
rows are read on the directory's name index, 50 at a time): a certificate just
recorded leaves it at once. Only its number of pages comes from the kept total — the
rows' count cost as much as the figures (~0.6 s at 100,000 people) and the total *is*
that count, for the same filter, as last counted.
"""

import datetime
import pickle
import time
import zlib
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.utils import timezone

from cadence.certifications import queries
from cadence.notifications import schedule

# Longer than the sweep's period, so the unfiltered view always finds figures.
CACHE_SECONDS = 300
_CHANGED = "certifications-compliance:changed"


def _key(where: queries.ComplianceFilter, day: datetime.date) -> str:
    """``v1``: the shape of the kept ``ComplianceSummary`` (change it when it changes)."""
    changed = cache.get(_CHANGED, 0)
    department = where.department.pk if where.department is not None else ""
    return (
        f"certifications-compliance:v1:{changed}:{day.isoformat()}:"
        f"{where.type_id or ''}:{department}:{where.status or ''}"
    )


def _keep(key: str, found: queries.ComplianceSummary) -> None:
    cache.set(key, zlib.compress(pickle.dumps(found, pickle.HIGHEST_PROTOCOL)), CACHE_SECONDS)


def summary(
    where: queries.ComplianceFilter | None = None, *, day: datetime.date | None = None
) -> queries.ComplianceSummary:
    """The figures as last counted for ``where`` (by the sweep, or here when nothing
    counted since the last change is kept)."""
    where = where or queries.ComplianceFilter()
    day = day or queries.today()
    key = _key(where, day)
    kept = cache.get(key)
    if kept is not None:
        found: queries.ComplianceSummary = pickle.loads(zlib.decompress(kept))  # noqa: S301 - our own bytes
        return found
    found = queries.compliance_summary(where, day=day)
    _keep(key, found)
    return found


def _mark_changed() -> None:
    # A moment no earlier key can hold; the stamp itself never expires.
    cache.set(_CHANGED, time.time_ns(), None)


def figures_changed() -> None:
    """Called by every write that moves the figures, inside its transaction: once it
    commits, the kept figures are no longer read (a rolled-back write changes nothing,
    and figures counted before the commit cannot be kept under the new moment)."""
    # Robust: a cache that fails must not undo the change for its writer, nor stop the
    # transaction's other hooks (a document kept, mail sent).
    transaction.on_commit(_mark_changed, robust=True)


def compliance_sweep(now: datetime.datetime) -> int:
    """The ``certificate-compliance`` sweep: count the unfiltered figures before HR asks.
    Run twice it counts twice and changes nothing else. Returns how many it counted."""
    where = queries.ComplianceFilter()
    day = timezone.localdate(now)
    _keep(_key(where, day), queries.compliance_summary(where, day=day))
    return 1


def register() -> None:
    schedule.register_sweep(
        schedule.Sweep(
            name="certificate-compliance",
            run=compliance_sweep,
            cron="*/2 * * * *",
            description="Count HR's certification compliance figures ahead of HR.",
            unit="figure set",
        )
    )


class KeptCountPaginator(Paginator):
    """Pages of the live rows numbered by the kept figures' total instead of a count.
    The total can lag the rows by the sweep's two minutes (a person who joined or left):
    a page is always the next ``per_page`` rows, never cut at the kept total, so at
    worst the last page is short, or a row or two wait for the next count to show."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._kept_count = count

    @cached_property
    def count(self) -> int:
        return self._kept_count

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return Page(self.object_list[bottom : bottom + self.per_page], number, self)
