"""Streamed CSV downloads, the same for every area: a header row, rows written as they
are read (any number in constant memory), UTF-8 with a BOM so Excel reads the names
right, a dated file name, and no copy kept by a shared cache. The caller has checked
who may download."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

CONTENT_TYPE = "text/csv; charset=utf-8"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: str) -> str:
    """``value`` as text a spreadsheet shows rather than runs."""
    return "'" + value if value[:1] in _FORMULA_STARTS else value


class _Echo:
    """A file-like that hands back what the csv writer writes: one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the BOM: Excel reads UTF-8
    for row in rows:
        yield writer.writerow(row)


def dated_file_name(name: str, extension: str) -> str:
    return f"{name}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_download(
    name: str, header: list[str], rows: Iterable[list[object]]
) -> StreamingHttpResponse:
    """``rows`` under ``header`` as ``<name>-<today>.csv``."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{dated_file_name(name, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response
