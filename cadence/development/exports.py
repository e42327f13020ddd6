"""The team and coverage tables as CSV, streamed (rows written as they are read). The
caller has checked access (``require_team_viewer``, ``require_coverage_viewer``).

Same columns as the pages, plus what a spreadsheet joins on (work email, employee ID,
department); dates in ISO (YYYY-MM-DD); a cell a spreadsheet would run as a formula is
written as text (``cadence.core.csv_export``). The
team's CSV holds everyone of the chosen scope: the page stops at ``TEAM_LIMIT`` people
to stay readable, a download need not.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from cadence.core.csv_export import csv_download, formula_safe
from cadence.development import queries
from cadence.people.models import Department, Person


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


# --- the team ------------------------------------------------------------------------------


def team_header() -> list[str]:
    return [
        _("Person"),
        _("Work email"),
        _("Employee ID"),
        _("Department"),
        _("Job title"),
        _("Planned"),
        _("In progress"),
        _("Done"),
        _("Dropped"),
        _("Overdue"),
        _("Next due"),
    ]


def _team_cells(rows: Iterable[queries.TeamRow]) -> Iterator[list[object]]:
    for row in rows:
        p: Person = row.person
        yield [
            formula_safe(p.full_name),
            formula_safe(p.work_email),
            formula_safe(p.employee_id or ""),
            formula_safe(p.department.full_name if p.department else ""),
            formula_safe(p.job_title),
            row.planned,
            row.in_progress,
            row.done,
            row.dropped,
            row.overdue,
            _iso(row.next_due),
        ]


def team_csv_response(me: Person, *, whole_line: bool) -> StreamingHttpResponse:
    rows = queries.team_rows_all(me, whole_line=whole_line)
    name = "team-development-line" if whole_line else "team-development"
    return csv_download(name, team_header(), _team_cells(rows))


# --- the coverage --------------------------------------------------------------------------


def coverage_header() -> list[str]:
    return [
        _("Competency"),
        _("Group"),
        _("Period"),
        _("Department"),
        _("People with an item"),
        _("Done"),
        _("Without an item"),
        _("Active people"),
        _("Coverage %"),
    ]


def _coverage_cells(
    rows: list[queries.CoverageRow], department: Department | None
) -> Iterator[list[object]]:
    # The scope on every row: a sheet pasted beside another department's says whose it is.
    scope = department.full_name if department else _("The whole organisation")
    for row in rows:
        period = row.competency.group.framework.period
        yield [
            formula_safe(row.competency.name),
            formula_safe(row.competency.group.name),
            formula_safe(period.name if period else ""),
            formula_safe(scope),
            row.with_item,
            row.done,
            row.without,
            row.population,
            "" if row.percent is None else row.percent,
        ]


def coverage_csv_response(department: Department | None) -> StreamingHttpResponse:
    rows = queries.coverage(department)
    return csv_download("competency-coverage", coverage_header(), _coverage_cells(rows, department))
