"""The compliance rows as CSV (streamed: any number of rows in constant memory) and
XLSX (openpyxl's write-only mode into a temporary file, at most ``XLSX_MAX_ROWS`` rows
with a last line saying when more were left out — the CSV has them all).

Both read ``queries.compliance_rows`` in chunks; the caller has checked access. A cell
a spreadsheet would run as a formula (starting with = + - @) is written as text.
"""

import datetime
import tempfile
from collections.abc import Iterator
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from cadence.certifications import queries
from cadence.core.csv_export import csv_download, dated_file_name, formula_safe
from cadence.people.queries import full_name

XLSX_MAX_ROWS = 200_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shape(row: dict[str, Any], names: dict[int, str], day: datetime.date) -> dict[str, Any]:
    """A ``compliance_rows`` row as the page, the API and the exports show it."""
    status = queries.status_of(row["latest"], day)
    return {
        "person_id": row["pk"],
        "person_name": full_name(row["first_name"], row["last_name"], row["work_email"]),
        "work_email": row["work_email"],
        "employee_id": row["employee_id"] or "",
        "department": row["department__full_name"] or "",
        "location": row["location"],
        "job_title": row["job_title"],
        "type_id": row["type_id"],
        "type_name": names.get(row["type_id"], ""),
        "status": status,
        "status_label": str(queries.STATUS_LABELS[status]),
        "expires_on": row["latest"],
    }


def headers() -> list[str]:
    return [
        _("Person"),
        _("Work email"),
        _("Employee ID"),
        _("Department"),
        _("Location"),
        _("Job title"),
        _("Certification"),
        _("Status"),
        _("Expiry date"),
    ]


def _cells(item: dict[str, Any]) -> list[Any]:
    return [
        formula_safe(item["person_name"]),
        formula_safe(item["work_email"]),
        formula_safe(item["employee_id"]),
        formula_safe(item["department"]),
        formula_safe(item["location"]),
        formula_safe(item["job_title"]),
        formula_safe(item["type_name"]),
        item["status_label"],
        item["expires_on"],
    ]


def _items(where: queries.ComplianceFilter) -> Iterator[dict[str, Any]]:
    day = queries.today()
    names = queries.type_names()
    for row in queries.iterate_rows(queries.compliance_rows(where, day=day)):
        yield shape(row, names, day)


NAME = "certification-compliance"


def _csv_rows(where: queries.ComplianceFilter) -> Iterator[list[Any]]:
    for item in _items(where):
        cells = _cells(item)
        cells[-1] = cells[-1].isoformat() if cells[-1] else ""
        yield cells


def csv_response(where: queries.ComplianceFilter) -> StreamingHttpResponse:
    return csv_download(NAME, headers(), _csv_rows(where))


def xlsx_response(where: queries.ComplianceFilter) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Compliance"))
    sheet.append(headers())
    more = False
    for written, item in enumerate(_items(where)):
        if written >= XLSX_MAX_ROWS:
            more = True
            break
        cells = _cells(item)
        if cells[-1] is not None:
            day = WriteOnlyCell(sheet, value=cells[-1])
            day.number_format = "yyyy-mm-dd"
            cells[-1] = day
        sheet.append(cells)
    if more:
        sheet.append(
            [
                _("Only the first %(n)d rows are here: download the CSV for all of them.")
                % {"n": XLSX_MAX_ROWS}
            ]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(
        handle, as_attachment=True, filename=dated_file_name(NAME, "xlsx"), content_type=XLSX_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response
