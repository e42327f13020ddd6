"""Reading spreadsheet exports (CSV or XLSX) into rows of text that remember their line.

Shared by every import (people, KPI measurements, …): each one reads its file with
``read_table``, matches headers with ``normalise_header`` and reports problems as
``RowError`` (``line N: column: reason``). Dates are read with ``parse_date`` the way
HR and finance exports write them. Nothing here knows what the columns mean.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """One problem, pinned to a line of the file (the header is line 1)."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


class TableError(ValueError):
    """The file cannot be read as a table at all (not CSV, not XLSX, empty)."""


@dataclass
class Table:
    """A sheet of text cells. ``lines[i]`` is the file line where ``rows[i]`` starts."""

    file_name: str
    headers: list[str]
    rows: list[list[str]]
    lines: list[int]
    header_line: int = 1
    description: str = ""
    problems: list[RowError] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


# --- headers --------------------------------------------------------------------------------

# Exports decorate headers freely: "Reports To (Email)", "Manager: Email", "E-mail",
# "employee_number". Only letters and digits take part in matching; "#" is read as
# "number" so that "Employee #" and "Manager #" keep a meaning once punctuation goes.
_HEADER_NOISE_RE = re.compile(r"[\W_]+")


def normalise_header(header: str) -> str:
    """The matching key of a header: lower case, letters and digits only."""
    return _HEADER_NOISE_RE.sub("", header.replace("#", "number").lower())


# --- files ------------------------------------------------------------------------------------

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


def read_table(data: bytes, file_name: str) -> Table:
    """The first sheet of an XLSX workbook, or a CSV file in any common encoding
    (UTF-8 with or without BOM, UTF-16, Windows-1252, Latin-1) with ``,`` ``;`` or tab
    between cells and any line endings. Raises ``TableError`` when it cannot be read."""
    lowered = file_name.lower()
    if data.startswith(_OLE_MAGIC) or lowered.endswith(".xls"):
        raise TableError(_("Old Excel (.xls) files are not supported: save it as XLSX or CSV."))
    if data.startswith(_XLSX_MAGIC) or lowered.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, file_name)
    return _read_csv(data, file_name)


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    head = data[:2000]
    if head.count(0) > len(head) // 4:
        # UTF-16 without a BOM: ASCII text has a zero byte in every other position.
        encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


_QUOTED_RE = re.compile(r'"[^"]*"')


def _sniff_delimiter(first_line: str) -> str:
    bare = _QUOTED_RE.sub("", first_line)
    counts = {d: bare.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, file_name: str) -> Table:
    text, encoding = _decode(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise TableError(_("The file is empty."))
    first_line, _newline, _rest = text.partition("\n")
    first_line = first_line.rstrip("\r")
    line_offset = 0
    # Excel writes "sep=;" on the first line when asked to keep the delimiter.
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        delimiter = first_line[4]
        text = text[len(first_line) :].lstrip("\r").removeprefix("\n")
        line_offset = 1
    else:
        delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[RowError] = []
    previous = 0
    try:
        for cells in reader:
            start = previous + 1 + line_offset
            previous = reader.line_num
            if not any(cells) or not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers = [c.strip().lstrip("\ufeff") for c in cells]
                header_line = start
                width = len(headers)
                continue
            if len(cells) != width:
                if len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                elif any(c.strip() for c in cells[width:]):
                    problems.append(
                        RowError(
                            start,
                            "row",
                            _(
                                "%(n)d cells but the header has %(width)d columns "
                                "(a stray delimiter or quote?)"
                            )
                            % {"n": len(cells), "width": width},
                        )
                    )
                    cells = cells[:width]
                else:
                    cells = cells[:width]
            rows.append(cells)
            lines.append(start)
    except csv.Error as exc:
        raise TableError(
            _("Line %(line)d cannot be read as CSV: %(error)s")
            % {"line": previous + 1 + line_offset, "error": exc}
        ) from exc
    if headers is None:
        raise TableError(_("The file is empty."))
    name = {",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter, repr(delimiter))
    return Table(
        file_name=file_name,
        headers=headers,
        rows=rows,
        lines=lines,
        header_line=header_line,
        description=f"CSV, {encoding}, {name}-separated",
        problems=problems,
    )


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store employee numbers as floats: 1042.0 must stay "1042".
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, file_name: str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError(_("This is not a readable XLSX file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        headers: list[str] | None = None
        header_line = 1
        rows: list[list[str]] = []
        lines: list[int] = []
        width = 0
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [_xlsx_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                while cells and not cells[-1].strip():
                    cells.pop()
                headers = [c.strip() for c in cells]
                header_line = number
                width = len(headers)
                continue
            cells = (cells + [""] * width)[:width]
            rows.append(cells)
            lines.append(number)
    finally:
        workbook.close()
    if headers is None:
        raise TableError(_("The first sheet of the workbook is empty."))
    return Table(
        file_name=file_name,
        headers=headers,
        rows=rows,
        lines=lines,
        header_line=header_line,
        description=f"XLSX, sheet “{sheet.title}”",
    )


# --- dates --------------------------------------------------------------------------------------

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_ISO_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?")
_DOTTED_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
_SLASHED_RE = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?: .*)?")
_DAY_MONTH_RE = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -,]+(\d{4})")
_MONTH_DAY_RE = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})")


def _year(text: str) -> int:
    year = int(text)
    if year >= 100:
        return year
    # Two-digit years: a start date is never more than a year or so in the future.
    pivot = timezone.localdate().year % 100 + 1
    return 2000 + year if year <= pivot else 1900 + year


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    if not 1900 <= year <= 2200:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_date(value: str, *, day_first: bool = False) -> datetime.date | None:
    """A date as HRIS exports write them, or None. ``day_first`` settles 03/04/2021."""
    if m := _ISO_RE.fullmatch(value):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DOTTED_RE.fullmatch(value):
        return _make_date(_year(m[3]), int(m[2]), int(m[1]))
    if m := _SLASHED_RE.fullmatch(value):
        a, b = int(m[1]), int(m[2])
        day, month = (a, b) if day_first else (b, a)
        return _make_date(_year(m[3]), month, day)
    if m := _DAY_MONTH_RE.fullmatch(value):
        named = _MONTHS.get(m[2].lower())
        return _make_date(int(m[3]), named, int(m[1])) if named else None
    if m := _MONTH_DAY_RE.fullmatch(value):
        named = _MONTHS.get(m[1].lower())
        return _make_date(int(m[3]), named, int(m[2])) if named else None
    return None


def guess_day_first(values: Iterable[str]) -> bool:
    """Whether a column of a/b/yyyy dates is day-first: decided by the values that can
    only be read one way (a first number above 12 is a day). Month-first otherwise."""
    day_first = month_first = 0
    for value in values:
        if m := _SLASHED_RE.fullmatch(value):
            day_first += int(m[1]) > 12
            month_first += int(m[2]) > 12
    return day_first > month_first
