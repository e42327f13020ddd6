"""The team and coverage tables as CSV, streamed (rows written as they are read). The
caller has checked access (``require_team_viewer``, ``require_coverage_viewer``).

Same columns as the pages, plus what a spreadsheet joins on (work email, employee ID,
department); dates in ISO (YYYY-MM-DD); a cell a spreadsheet would run as a formula is
written as text by the certifications export's guard, the one the project has. The
team's CSV holds everyone of the chosen scope: the page stops at ``TEAM_LIMIT`` people
to stay readable, a download need not.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.certifications.exports import _safe as formula_safe
from cadence.development import queries
from cadence.people.models import Department, Person

CONTENT_TYPE = "text/csv; charset=utf-8"


class _Echo:
    """A file-like that hands back what the csv writer writes: one line at a time."""

    def write(self, value: str) -> str:
        return value


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the BOM: Excel reads UTF-8
    for row in rows:
        yield writer.writerow(row)


def _response(lines: Iterator[str], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type=CONTENT_TYPE)
    file_name = f"{name}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


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
    return _response(_lines(team_header(), _team_cells(rows)), name)


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
    return _response(
        _lines(coverage_header(), _coverage_cells(rows, department)), "competency-coverage"
    )
