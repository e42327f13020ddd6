"""The development pages' stacked bars (``cadence.home.charts.stacked_bar``: SVG, no
script, each segment a link with a title; the table beside it is the accessible
version)."""

from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cadence.development.models import DevelopmentItem
from cadence.development.queries import CoverageRow, TeamRow
from cadence.home.charts import Segment, stacked_bar
from cadence.people.models import Department

Status = DevelopmentItem.Status


def status_counts(items: list[DevelopmentItem]) -> dict[str, int]:
    counts = Counter(i.status for i in items)
    return {s: counts.get(s, 0) for s in Status.values}


def team_bar(row: TeamRow) -> SafeString:
    url = reverse("development:person", args=[row.person.pk])
    name = row.person.full_name
    return stacked_bar(
        [
            Segment(row.done, "ok", url, _("%(name)s: %(n)s done") % {"name": name, "n": row.done}),
            Segment(
                row.open_on_time,
                "brand",
                url,
                _("%(name)s: %(n)s open, on time") % {"name": name, "n": row.open_on_time},
            ),
            Segment(
                row.overdue,
                "bad",
                url,
                _("%(name)s: %(n)s overdue") % {"name": name, "n": row.overdue},
            ),
        ]
    )


@dataclass
class TeamTotals:
    people: int
    with_items: int
    done: int
    open: int
    overdue: int


def team_totals(rows: list[TeamRow]) -> TeamTotals:
    return TeamTotals(
        people=len(rows),
        with_items=sum(1 for r in rows if r.total - r.dropped > 0),
        done=sum(r.done for r in rows),
        open=sum(r.planned + r.in_progress for r in rows),
        overdue=sum(r.overdue for r in rows),
    )


def coverage_bar(row: CoverageRow, department: Department | None) -> SafeString:
    url = reverse("development:coverage")
    if department is not None:
        url += f"?department={department.pk}"
    name = row.competency.name
    return stacked_bar(
        [
            Segment(
                row.done,
                "ok",
                url,
                _("%(name)s: %(n)s people done") % {"name": name, "n": row.done},
            ),
            Segment(
                row.in_progress,
                "brand",
                url,
                _("%(name)s: %(n)s people working on it") % {"name": name, "n": row.in_progress},
            ),
            Segment(
                row.without,
                "none",
                url,
                _("%(name)s: %(n)s people without an item") % {"name": name, "n": row.without},
            ),
        ]
    )
