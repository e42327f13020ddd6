"""Reading HRIS exports and working out what importing one would change.

Two steps, neither of which writes anything:

* ``read_table`` turns the bytes of a CSV or XLSX export into rows that remember
  their line in the file (encoding, delimiter and line endings are sniffed);
* ``plan_import`` checks every row, collects *all* the errors (``line N: field:
  reason``) and compares the file with the database: who would be created, updated
  (field by field), deactivated, or left unchanged.

``cadence.people.services.people_import`` applies a plan; the command line
(``cadence import-people``), the web import and ``cadence demo`` share both steps.
Planning reads the organisation with a handful of queries and works in Python, so a
100,000-row file is checked in about a second (see docs/import.md).
"""

import codecs
import csv
import datetime
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.people.models import CustomAttribute, Department, Person

# --- the columns Cadence understands --------------------------------------------------

# Header aliases, matched ignoring case, spaces, "_", "-" and ".". Exports often carry
# near-duplicates ("Preferred First Name", "Original Hire Date", "Team"); those are left
# out on purpose so that they become custom attributes instead of clashing with the
# real column. Anything else can be named with --map 'Header=field'.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": (
        "Employee ID",
        "Employee #",
        "Employee Number",
        "Employee No",
        "Emp ID",
        "Employee Code",
        "Worker ID",
        "Staff ID",
        "Personnel Number",
    ),
    "work_email": (
        "Work Email",
        "Email",
        "Email Address",
        "Work Email Address",
        "Business Email",
        "Company Email",
        "E-mail",
    ),
    "first_name": ("First Name", "Given Name", "Firstname", "Forename"),
    "last_name": ("Last Name", "Surname", "Family Name", "Lastname"),
    "name": ("Name", "Full Name", "Employee Name", "Display Name"),
    "job_title": ("Job Title", "Title", "Position", "Position Title", "Role"),
    "level": ("Level", "Job Level", "Grade", "Job Grade", "Career Level"),
    "department": ("Department", "Department Name", "Dept", "Department Path"),
    "location": ("Location", "Office", "Work Location", "Office Location", "Site"),
    "start_date": (
        "Hire Date",
        "Start Date",
        "Date Hired",
        "Hired On",
        "Employment Start Date",
        "Joining Date",
        "Date of Joining",
    ),
    "manager_employee_id": (
        "Manager ID",
        "Manager Employee ID",
        "Manager #",
        "Manager Employee Number",
        "Supervisor ID",
        "Supervisor Employee ID",
        "Reports To ID",
        "Line Manager ID",
    ),
    "manager_email": (
        "Manager Email",
        "Manager Work Email",
        "Supervisor Email",
        "Reports To Email",
        "Line Manager Email",
    ),
    # "Reports To" holds an employee id, an email or a full name: tried in that order.
    "manager": (
        "Reports To",
        "Manager",
        "Manager Name",
        "Supervisor",
        "Supervisor Name",
        "Line Manager",
    ),
    "status": ("Employment Status", "Status", "Employee Status", "Worker Status"),
}
FIELDS = tuple(HEADER_ALIASES)
MANAGER_FIELDS = ("manager_employee_id", "manager_email", "manager")
IGNORE = "ignore"
CUSTOM_PREFIX = "custom:"

# Statuses are compared lower-cased with everything but letters and digits removed.
ACTIVE_STATUSES = frozenset(
    {
        "active",
        "employed",
        "current",
        "onleave",
        "leave",
        "leaveofabsence",
        "parentalleave",
        "maternityleave",
        "paternityleave",
        "sickleave",
        "sabbatical",
        "probation",
        "hired",
        "fulltime",
        "parttime",
        "contractor",
        "pending",
        "onboarding",
        "yes",
        "true",
        "1",
        "a",
    }
)
INACTIVE_STATUSES = frozenset(
    {
        "terminated",
        "inactive",
        "left",
        "former",
        "formeremployee",
        "exemployee",
        "resigned",
        "retired",
        "deceased",
        "separated",
        "dismissed",
        "laidoff",
        "offboarded",
        "departed",
        "deactivated",
        "no",
        "false",
        "0",
        "t",
        "i",
    }
)

_MAX_LENGTHS = {
    "first_name": 150,
    "last_name": 150,
    "job_title": 200,
    "level": 50,
    "location": 200,
    "employee_id": 64,
    "work_email": 254,
}
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HEADER_NOISE_RE = re.compile(r"[\s_.\-]+")


def normalise_header(header: str) -> str:
    return _HEADER_NOISE_RE.sub("", header.replace("\ufeff", "").lower())


_ALIAS_LOOKUP = {
    normalise_header(alias): name
    for name, aliases in HEADER_ALIASES.items()
    for alias in (*aliases, name)
}


# --- results ---------------------------------------------------------------------------


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


class ImportBlocked(Exception):  # noqa: N818 - reads better at the raise site
    """``people_import`` refused to write anything."""


class ImportHasErrors(ImportBlocked):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            _("The file has %(n)d error(s); nothing was imported.") % {"n": len(errors)}
        )


class MassDeactivationRefused(ImportBlocked):
    def __init__(self, count: int, share: float) -> None:
        self.count, self.share = count, share
        super().__init__(
            _(
                "This import would deactivate %(n)d people (%(share)s of the organisation), "
                "more than the %(limit)s allowed without confirmation. Check that the file "
                "is complete, then confirm."
            )
            % {
                "n": count,
                "share": f"{share:.0%}",
                "limit": f"{settings.CADENCE_IMPORT_MAX_DEACTIVATE_SHARE:.0%}",
            }
        )


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


@dataclass(frozen=True)
class ImportSummary:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"deactivated {self.deactivated}, unchanged {self.unchanged}"
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deactivated": self.deactivated,
            "unchanged": self.unchanged,
        }


FIELD_LABELS = {
    "employee_id": "employee ID",
    "work_email": "work email",
    "first_name": "first name",
    "last_name": "last name",
    "job_title": "job title",
    "level": "level",
    "department": "department",
    "location": "location",
    "start_date": "start date",
    "manager": "manager",
    "status": "status",
}


@dataclass
class Change:
    """What importing does to one person. ``fields`` maps a field (or ``custom:Label``)
    to its (before, after) text; for a new person ``before`` is empty."""

    kind: str  # "create", "update" or "deactivate"
    line: int | None  # None: a person missing from a --full file
    person_id: int | None
    name: str
    email: str
    fields: dict[str, tuple[str, str]]

    @property
    def field_list(self) -> list[tuple[str, str, str]]:
        return [
            (FIELD_LABELS.get(name, name.removeprefix(CUSTOM_PREFIX)), before, after)
            for name, (before, after) in self.fields.items()
        ]

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "not in file"
        diffs = "; ".join(f"{k}: {b!r} → {a!r}" for k, (b, a) in self.fields.items())
        return f"{self.kind} {where}: {self.name} <{self.email}>" + (f" ({diffs})" if diffs else "")


class LazyChanges(Sequence[Change]):
    """Changes described on demand: a first import of 100,000 rows creates 100,000
    people, of which a preview shows a page."""

    def __init__(self, items: list, describe: Callable[[Any], Change]) -> None:
        self._items, self._describe = items, describe

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._describe(item) for item in self._items[index]]
        return self._describe(self._items[index])


class Record:
    """The state a person will have once the file is imported (a row, resolved).

    ``key`` identifies the person across the plan: the database id of an existing
    person, or a negative number for someone the import creates.
    """

    __slots__ = (
        "line",
        "key",
        "person_id",
        "user_id",
        "kind",
        "first_name",
        "last_name",
        "work_email",
        "employee_id",
        "job_title",
        "level",
        "department",
        "location",
        "start_date",
        "status",
        "left_on",
        "custom_attributes",
        "manager_ref",
        "manager_key",
        "renamed",
        "moved",
    )

    def __init__(
        self,
        *,
        line: int,
        key: int,
        person_id: int | None,
        user_id: int | None,
        work_email: str,
        employee_id: str | None,
    ) -> None:
        self.line, self.key, self.person_id, self.user_id = line, key, person_id, user_id
        self.work_email, self.employee_id = work_email, employee_id
        self.kind = ""
        self.first_name = self.last_name = self.job_title = self.level = ""
        self.department = self.location = self.status = ""
        self.start_date = self.left_on = None
        self.custom_attributes: dict = {}
        self.manager_ref: tuple[str, str] | None = None
        self.manager_key: int | None = None
        self.renamed = False
        self.moved = False  # an existing person whose manager changes

    @property
    def full_name(self) -> str:
        return _full_name(self.first_name, self.last_name, self.work_email)

    # Person.build_search_text reads only plain attributes, so it runs on a Record too:
    # one definition of what the directory search sees.
    build_search_text = Person.build_search_text


@dataclass
class ImportPlan:
    table: Table
    mapping: dict[str, str]
    full: bool
    columns: list[tuple[str, str]]  # (header, what it is read as)
    errors: list[RowError]
    created: Sequence[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    deactivated: list[Change] = field(default_factory=list)
    unchanged: int = 0
    active_before: int = 0
    snapshot: tuple = ()
    records: list[Record] = field(default_factory=list)
    missing_ids: list[int] = field(default_factory=list)  # --full: active, not in the file
    department_paths: set[str] = field(default_factory=set)
    custom_labels: list[str] = field(default_factory=list)
    custom_keys: dict[str, str] = field(default_factory=dict)  # label -> attribute key
    manager_of: dict[int, int | None] = field(default_factory=dict)  # key -> manager key

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)

    @property
    def deactivation_share(self) -> float:
        if not self.active_before:
            return 0.0
        return len(self.deactivated) / self.active_before

    @property
    def needs_confirmation(self) -> bool:
        """Deactivating this many people needs an explicit yes (a truncated export must
        not wipe the organisation)."""
        return bool(self.deactivated) and (
            self.deactivation_share > settings.CADENCE_IMPORT_MAX_DEACTIVATE_SHARE
        )

    def summary(self) -> ImportSummary:
        return ImportSummary(
            created=len(self.created),
            updated=len(self.updated),
            deactivated=len(self.deactivated),
            unchanged=self.unchanged,
        )


# --- reading files -----------------------------------------------------------------------

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


# --- --map ---------------------------------------------------------------------------------


def parse_mapping(lines: Iterable[str]) -> dict[str, str]:
    """``['Source Header=field', ...]`` → ``{'Source Header': 'field'}``.
    Raises ValueError with a sentence for the user on a malformed entry."""
    mapping: dict[str, str] = {}
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        header, sep, target = line.rpartition("=")
        if not sep or not header.strip() or not target.strip():
            raise ValueError(
                _("“%(line)s” is not of the form 'Source Header=field'.") % {"line": line}
            )
        mapping[header.strip()] = target.strip()
    return mapping


def _mapping_target(target: str) -> str | None:
    """The canonical spelling of a --map target, or None when it is not one."""
    if target.lower().startswith(CUSTOM_PREFIX):
        label = target[len(CUSTOM_PREFIX) :].strip()
        return f"{CUSTOM_PREFIX}{label}" if label else None
    lowered = target.strip().lower()
    if lowered == IGNORE or lowered in FIELDS:
        return lowered
    return None


# --- dates and statuses -----------------------------------------------------------------

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
        month = _MONTHS.get(m[2].lower())
        return _make_date(int(m[3]), month, int(m[1])) if month else None
    if m := _MONTH_DAY_RE.fullmatch(value):
        month = _MONTHS.get(m[1].lower())
        return _make_date(int(m[3]), month, int(m[2])) if month else None
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


def parse_status(value: str) -> str | None:
    """``Person.Status`` for an HRIS status, None when unknown."""
    key = "".join(ch for ch in value.lower() if ch.isalnum())
    if key in ACTIVE_STATUSES:
        return Person.Status.ACTIVE
    if key in INACTIVE_STATUSES:
        return Person.Status.LEFT
    return None


def split_name(full: str) -> tuple[str, str]:
    """ "Ada Lovelace" → (Ada, Lovelace); "Lovelace, Ada" → (Ada, Lovelace)."""
    if "," in full:
        last, _sep, first = full.partition(",")
        return first.strip(), last.strip()
    first, _sep, last = full.strip().partition(" ")
    return first, last.strip()


def department_path(value: str) -> str:
    """ "Engineering / Platform", "Engineering > Platform" → "Engineering/Platform"."""
    parts = re.split(r"\s*(?:/|\\|>)\s*", value.strip())
    return "/".join(p for p in parts if p)


# --- the database, as the plan sees it --------------------------------------------------


class Existing(NamedTuple):
    id: int
    first_name: str
    last_name: str
    work_email: str
    employee_id: str | None
    job_title: str
    level: str
    department: str
    location: str
    start_date: datetime.date | None
    status: str
    left_on: datetime.date | None
    manager_id: int | None
    custom_attributes: dict
    user_id: int | None

    @property
    def full_name(self) -> str:
        return _full_name(self.first_name, self.last_name, self.work_email)


def _full_name(first: str, last: str, email: str) -> str:
    # Person.full_name, for rows that are not model instances (called 100,000s of times).
    if first and last:
        return f"{first} {last}"
    return first or last or email


def database_snapshot() -> tuple:
    """Cheap fingerprint of what a plan depends on: when it is unchanged at apply time,
    the plan is still right and need not be computed again."""
    user_model = get_user_model()
    people = Person.objects.aggregate(n=Count("id"), top=Max("id"), touched=Max("updated_at"))
    users = user_model.objects.aggregate(n=Count("id"), top=Max("id"))
    return (
        people["n"],
        people["top"],
        people["touched"],
        users["n"],
        users["top"],
        Department.objects.count(),
        CustomAttribute.objects.count(),
    )


def _load_people() -> list[Existing]:
    # Custom attributes come as JSON text, decoded once per distinct value: a big
    # organisation has only a few combinations (department code, location, …).
    rows = Person.objects.order_by().values_list(
        "id",
        "first_name",
        "last_name",
        "work_email",
        "employee_id",
        "job_title",
        "level",
        "department__full_name",
        "location",
        "start_date",
        "status",
        "left_on",
        "manager_id",
        Cast("custom_attributes", TextField()),
        "user_id",
    )
    decoded: dict[str, dict] = {}
    people = []
    for (
        pk,
        first,
        last,
        email,
        eid,
        title,
        level,
        dept,
        location,
        start,
        status,
        left_on,
        manager_id,
        attrs_json,
        user_id,
    ) in rows:
        attrs = decoded.get(attrs_json)
        if attrs is None:
            value = json.loads(attrs_json) if attrs_json else {}
            attrs = decoded[attrs_json] = value if isinstance(value, dict) else {}
        people.append(
            Existing(
                pk,
                first,
                last,
                email,
                eid,
                title,
                level,
                dept or "",
                location,
                start,
                status,
                left_on,
                manager_id,
                attrs,
                user_id,
            )
        )
    return people


# --- planning ------------------------------------------------------------------------------


def plan_import(
    table: Table, *, mapping: dict[str, str] | None = None, full: bool = False
) -> ImportPlan:
    """Check every row of ``table`` and compare it with the database. Writes nothing.

    Rows are matched to people by employee id, then by work email. Every problem is
    reported (``plan.errors``), each as ``line N: column: reason``; a plan with errors
    must not be applied. ``full`` means the file is the whole roster: active people
    missing from it are deactivated.
    """
    return _Planner(table, mapping or {}, full).plan()


class _Planner:
    def __init__(self, table: Table, mapping: dict[str, str], full: bool) -> None:
        self.table = table
        self.mapping = mapping
        self.full = full
        self.errors: list[RowError] = list(table.problems)
        self.column_of: dict[str, int] = {}  # field -> index
        self.header_of: dict[str, str] = {}  # field -> header in the file
        self.custom_columns: list[tuple[int, str, str]] = []  # (index, label, key)
        self.columns: list[tuple[str, str]] = []

    def error(self, line: int, field_name: str, reason: str) -> None:
        self.errors.append(RowError(line, self.header_of.get(field_name, field_name), reason))

    # -- columns

    def resolve_columns(self) -> None:
        from cadence.people.services import attribute_key

        line = self.table.header_line
        wanted = {normalise_header(k): (k, v) for k, v in self.mapping.items()}
        headers = self.table.headers
        seen_headers: dict[str, str] = {}
        used_keys: dict[str, str] = {}
        for index, header in enumerate(headers):
            norm = normalise_header(header)
            if not norm:
                if any(row[index].strip() for row in self.table.rows):
                    self.errors.append(
                        RowError(
                            line,
                            f"column {index + 1}",
                            _("this column has values but no header; give it one or remove it"),
                        )
                    )
                continue
            if norm in seen_headers:
                self.errors.append(
                    RowError(
                        line,
                        header,
                        _("two columns are called “%(header)s”") % {"header": seen_headers[norm]},
                    )
                )
                continue
            seen_headers[norm] = header
            if norm in wanted:
                _source, raw_target = wanted.pop(norm)
                target = _mapping_target(raw_target)
                if target is None:
                    self.errors.append(
                        RowError(
                            line,
                            header,
                            _(
                                "--map: unknown field “%(target)s” (use one of %(fields)s, "
                                "custom:<Label> or ignore)"
                            )
                            % {"target": raw_target, "fields": ", ".join(FIELDS)},
                        )
                    )
                    continue
            else:
                target = _ALIAS_LOOKUP.get(norm) or f"{CUSTOM_PREFIX}{header}"
            self.columns.append((header, target))
            if target == IGNORE:
                continue
            if target.startswith(CUSTOM_PREFIX):
                label = target[len(CUSTOM_PREFIX) :]
                key = attribute_key(label)
                if key in used_keys:
                    self.errors.append(
                        RowError(
                            line,
                            header,
                            _(
                                "kept as the same custom attribute as “%(other)s”; rename one or "
                                "use --map"
                            )
                            % {"other": used_keys[key]},
                        )
                    )
                    continue
                used_keys[key] = header
                self.custom_columns.append((index, label, key))
                continue
            if target in self.column_of:
                self.errors.append(
                    RowError(
                        line,
                        header,
                        _(
                            "both “%(other)s” and “%(header)s” would be read as %(field)s; "
                            "say which to use with --map (e.g. --map '%(header)s=ignore')"
                        )
                        % {"other": self.header_of[target], "header": header, "field": target},
                    )
                )
                continue
            self.column_of[target] = index
            self.header_of[target] = header
        for source, _target in wanted.values():
            self.errors.append(
                RowError(line, source, _("--map names a column that is not in the file"))
            )
        if "work_email" not in self.column_of:
            self.errors.append(
                RowError(
                    line,
                    "work_email",
                    _(
                        "the file has no work email column (looked for %(aliases)s); "
                        "name yours with --map 'Your Header=work_email'"
                    )
                    % {"aliases": ", ".join(HEADER_ALIASES["work_email"])},
                )
            )

    # -- the plan

    def plan(self) -> ImportPlan:
        plan = ImportPlan(
            table=self.table,
            mapping=dict(self.mapping),
            full=self.full,
            columns=[],
            errors=self.errors,
            snapshot=database_snapshot(),
        )
        self.resolve_columns()
        plan.columns = self.columns
        if "work_email" not in self.column_of:
            return plan
        existing = _load_people()
        plan.active_before = sum(p.status == Person.Status.ACTIVE for p in existing)
        records = self.read_rows(existing)
        self.resolve_managers(records, existing)
        self.find_cycles(records, existing)
        plan.custom_labels = [label for _i, label, _k in self.custom_columns]
        plan.custom_keys = {label: key for _i, label, key in self.custom_columns}
        if self.errors:
            # By line, then in the order of the columns, as someone fixing the file reads.
            order = {h: i for i, h in enumerate(self.table.headers)}
            self.errors.sort(key=lambda e: (e.line, order.get(e.field, len(order))))
            return plan
        self.compare(plan, records, existing)
        return plan

    def read_rows(self, existing: list[Existing]) -> list[Record]:
        """Parse and check each row on its own, then match it to a person."""
        col = self.column_of
        by_id = {p.id: p for p in existing}
        self.by_id = by_id
        db_by_eid = {p.employee_id: p.id for p in existing if p.employee_id}
        db_by_email = {p.work_email.lower(): p.id for p in existing}
        i_email = col["work_email"]
        i_eid = col.get("employee_id")
        i_first, i_last, i_name = col.get("first_name"), col.get("last_name"), col.get("name")
        i_title, i_level, i_location = col.get("job_title"), col.get("level"), col.get("location")
        # Only these can exceed their column; checked per row where they come from the file.
        long_fields = [f for f in ("job_title", "level", "location") if f in col]
        bad_departments: set[str] = set()
        manager_columns = [(f, col[f]) for f in MANAGER_FIELDS if f in col]
        i_dept, i_start, i_status = col.get("department"), col.get("start_date"), col.get("status")
        custom = self.custom_columns
        today = timezone.localdate()
        day_first = False
        if i_start is not None:
            day_first = guess_day_first(row[i_start].strip() for row in self.table.rows)
        dates: dict[str, datetime.date | None] = {}
        statuses: dict[str, str | None] = {}
        departments: dict[str, str] = {}
        has_names = i_first is not None or i_last is not None or i_name is not None
        error = self.error
        records: list[Record] = []
        first_line_of_email: dict[str, int] = {}
        first_line_of_eid: dict[str, int] = {}
        matched: dict[int, int] = {}  # person id -> line
        for index, (cells, line) in enumerate(zip(self.table.rows, self.table.lines, strict=True)):
            email = cells[i_email].strip().lower()
            eid = cells[i_eid].strip() if i_eid is not None else ""
            # Match first (employee id, then email) so that blank cells keep what is there.
            person_id = None
            matched_by = "employee_id"
            if eid and eid in db_by_eid:
                person_id = db_by_eid[eid]
            elif email and email in db_by_email:
                person_id = db_by_email[email]
                matched_by = "work_email"
            base = by_id.get(person_id) if person_id else None
            if person_id is not None:
                if person_id in matched:
                    error(
                        line,
                        matched_by,
                        _("this is the same person as line %(other)d")
                        % {"other": matched[person_id]},
                    )
                else:
                    matched[person_id] = line
            rec = Record(
                line=line,
                key=person_id if person_id else -(index + 1),
                person_id=person_id,
                user_id=base.user_id if base else None,
                work_email=email,
                employee_id=eid or (base.employee_id if base else None),
            )
            if not email:
                error(line, "work_email", _("missing"))
            elif len(email) > _MAX_LENGTHS["work_email"] or not _EMAIL_RE.fullmatch(email):
                error(
                    line, "work_email", _("“%(value)s” is not an email address") % {"value": email}
                )
            elif email in first_line_of_email:
                error(
                    line,
                    "work_email",
                    _("duplicate email %(value)s (also on line %(other)d)")
                    % {"value": email, "other": first_line_of_email[email]},
                )
            else:
                first_line_of_email[email] = line
            if eid:
                if len(eid) > _MAX_LENGTHS["employee_id"]:
                    error(line, "employee_id", _("longer than 64 characters"))
                elif eid in first_line_of_eid:
                    error(
                        line,
                        "employee_id",
                        _("duplicate employee ID %(value)s (also on line %(other)d)")
                        % {"value": eid, "other": first_line_of_eid[eid]},
                    )
                else:
                    first_line_of_eid[eid] = line
            # Names
            if has_names:
                first = cells[i_first].strip() if i_first is not None else ""
                last = cells[i_last].strip() if i_last is not None else ""
                if not first and not last and i_name is not None:
                    first, last = split_name(cells[i_name].strip())
                rec.first_name, rec.last_name = first, last
            else:
                rec.first_name = base.first_name if base else ""
                rec.last_name = base.last_name if base else ""
            if len(rec.first_name) > 150 or len(rec.last_name) > 150:
                error(
                    line,
                    "first_name" if len(rec.first_name) > 150 else "last_name",
                    _("longer than %(n)d characters") % {"n": 150},
                )
            # Plain text fields (unrolled: this loop runs once per row of the file)
            if i_title is not None:
                rec.job_title = cells[i_title].strip()
            elif base:
                rec.job_title = base.job_title
            if i_level is not None:
                rec.level = cells[i_level].strip()
            elif base:
                rec.level = base.level
            if i_location is not None:
                rec.location = cells[i_location].strip()
            elif base:
                rec.location = base.location
            for name in long_fields:
                if len(getattr(rec, name)) > _MAX_LENGTHS[name]:
                    error(line, name, _("longer than %(n)d characters") % {"n": _MAX_LENGTHS[name]})
            # Department
            if i_dept is not None:
                raw = cells[i_dept]
                path = departments.get(raw)
                if path is None:
                    path = departments[raw] = department_path(raw)
                    if len(path) > 1000 or any(len(p) > 200 for p in path.split("/")):
                        bad_departments.add(path)
                if path in bad_departments:
                    error(line, "department", _("too long"))
                rec.department = path
            elif base:
                rec.department = base.department
            # Start date
            if i_start is not None:
                raw = cells[i_start].strip()
                if raw:
                    if raw in dates:
                        value = dates[raw]
                    else:
                        value = dates[raw] = parse_date(raw, day_first=day_first)
                    if value is None:
                        error(
                            line,
                            "start_date",
                            _("“%(value)s” is not a date (use YYYY-MM-DD)") % {"value": raw},
                        )
                    rec.start_date = value
                else:
                    rec.start_date = None
            else:
                rec.start_date = base.start_date if base else None
            # Status
            status = None
            if i_status is not None:
                raw = cells[i_status].strip()
                if raw:
                    if raw in statuses:
                        status = statuses[raw]
                    else:
                        status = statuses[raw] = parse_status(raw)
                    if status is None:
                        error(
                            line,
                            "status",
                            _(
                                "unknown status “%(value)s” (use Active, or Terminated, "
                                "Inactive or Left for people who left)"
                            )
                            % {"value": raw},
                        )
            if status is None:  # not given: keep what is there
                status = base.status if base else Person.Status.ACTIVE
            rec.status = status
            if status == Person.Status.LEFT:
                rec.left_on = base.left_on if base and base.left_on else (today if base else None)
            else:
                rec.left_on = None
            # Custom attributes: the file's columns replace theirs; other keys are kept.
            attrs = dict(base.custom_attributes) if base else {}
            for i, _label, key in custom:
                value = cells[i].strip()
                if value:
                    attrs[key] = value
                else:
                    attrs.pop(key, None)
            rec.custom_attributes = attrs
            # Manager reference, resolved once every row is known (forward references).
            for name, i in manager_columns:
                if value := cells[i].strip():
                    rec.manager_ref = (name, value)
                    break
            records.append(rec)
        self.has_manager_column = any(name in col for name in MANAGER_FIELDS)
        # Final-state uniqueness against people who are not in the file.
        rows_by_person = matched
        for rec in records:
            owner = db_by_email.get(rec.work_email)
            if (
                rec.work_email
                and owner is not None
                and owner != rec.person_id
                and (owner not in rows_by_person)
            ):
                error(
                    rec.line,
                    "work_email",
                    _("%(value)s is already the email of %(name)s, who is not in this file")
                    % {"value": rec.work_email, "name": by_id[owner].full_name},
                )
            if rec.employee_id and rec.person_id is not None:
                owner = db_by_eid.get(rec.employee_id)
                if owner is not None and owner != rec.person_id and owner not in rows_by_person:
                    error(
                        rec.line,
                        "employee_id",
                        _(
                            "%(value)s is already the employee ID of %(name)s, who is not in "
                            "this file"
                        )
                        % {"value": rec.employee_id, "name": by_id[owner].full_name},
                    )
        self.matched = matched
        return records

    def resolve_managers(self, records: list[Record], existing: list[Existing]) -> None:
        """Turn each manager reference into a person key. References may point at rows
        further down the file, or at people already in Cadence."""
        matched = self.matched
        # Final identifiers: the file's rows win over what the database says.
        by_eid: dict[str, int] = {}
        by_email: dict[str, int] = {}
        for p in existing:
            if p.id not in matched:
                if p.employee_id:
                    by_eid[p.employee_id] = p.id
                by_email[p.work_email.lower()] = p.id
        for rec in records:
            if rec.employee_id:
                by_eid.setdefault(rec.employee_id, rec.key)
            if rec.work_email:
                by_email.setdefault(rec.work_email, rec.key)
        by_name: dict[str, list[int]] | None = None
        self.by_key = {rec.key: rec for rec in records}
        for rec in records:
            ref = rec.manager_ref
            base = self.by_id.get(rec.person_id) if rec.person_id else None
            if ref is None:
                # No manager column: keep the current manager; blank cell: top of the org.
                rec.manager_key = base.manager_id if base and not self.has_manager_column else None
                continue
            kind, value = ref
            key = None
            if kind == "manager_employee_id":
                key = by_eid.get(value)
            elif kind == "manager_email":
                key = by_email.get(value.lower())
            else:
                key = by_eid.get(value) or by_email.get(value.lower())
                if key is None:
                    if by_name is None:
                        by_name = self._names(records, existing)
                    candidates = by_name.get(" ".join(value.lower().split()), [])
                    if len(candidates) > 1:
                        self.error(
                            rec.line,
                            kind,
                            _(
                                "%(count)d people are called “%(value)s”: use an employee ID "
                                "or an email"
                            )
                            % {"count": len(candidates), "value": value},
                        )
                        rec.manager_key = None
                        continue
                    key = candidates[0] if candidates else None
            if key is None:
                what = {
                    "manager_employee_id": _("no person with employee ID %(value)s"),
                    "manager_email": _("no person with email %(value)s"),
                    "manager": _("no person with employee ID, email or name “%(value)s”"),
                }[kind]
                self.error(
                    rec.line, kind, (what + _(" in the file or in Cadence")) % {"value": value}
                )
            rec.manager_key = key

    def _names(self, records: list[Record], existing: list[Existing]) -> dict[str, list[int]]:
        names: dict[str, list[int]] = {}
        for p in existing:
            if p.id not in self.matched:
                names.setdefault(" ".join(p.full_name.lower().split()), []).append(p.id)
        for rec in records:
            names.setdefault(" ".join(rec.full_name.lower().split()), []).append(rec.key)
        return names

    def find_cycles(self, records: list[Record], existing: list[Existing]) -> None:
        """Report every row whose manager chain loops back to itself."""
        manager_of: dict[int, int | None] = {
            p.id: p.manager_id for p in existing if p.id not in self.matched
        }
        for rec in records:
            manager_of[rec.key] = rec.manager_key
        self.manager_of = manager_of
        state: dict[int, int] = {}  # 1: on the current walk, 2: known to reach the top
        in_cycle: set[int] = set()
        for rec in records:
            walk: list[int] = []
            key: int | None = rec.key
            while key is not None and key not in state:
                state[key] = 1
                walk.append(key)
                key = manager_of.get(key)
            if key is not None and state[key] == 1:
                cycle = walk[walk.index(key) :]
                in_cycle.update(cycle)
                labels = [self._label(k) for k in cycle]
                for k in cycle:
                    r = self.by_key.get(k)
                    if r is not None and r.manager_key is not None:
                        if len(cycle) == 1:
                            reason = _("a person cannot be their own manager")
                        else:
                            start = cycle.index(k)
                            loop = labels[start:] + labels[:start] + [labels[start]]
                            reason = _("manager cycle: %(loop)s") % {"loop": " → ".join(loop)}
                        self.error(r.line, self._manager_field(r), reason)
            for k in walk:
                state[k] = 2

    @staticmethod
    def _manager_field(rec: Record) -> str:
        return rec.manager_ref[0] if rec.manager_ref else "manager"

    def _label(self, key: int) -> str:
        rec = self.by_key.get(key)
        if rec is not None:
            return rec.employee_id or rec.work_email
        person = self.by_id[key]
        return person.employee_id or person.work_email

    def _display_manager(self, key: int | None) -> str:
        if key is None:
            return ""
        rec = self.by_key.get(key)
        if rec is not None:
            return rec.full_name
        return self.by_id[key].full_name

    # -- differences

    def compare(self, plan: ImportPlan, records: list[Record], existing: list[Existing]) -> None:
        has_names = any(f in self.column_of for f in ("first_name", "last_name", "name"))
        compared = [
            f
            for f in ("employee_id", "job_title", "level", "department", "location", "start_date")
            if f in self.column_of
        ]
        if has_names:
            compared[:0] = ["first_name", "last_name"]
        custom = [(key, f"{CUSTOM_PREFIX}{label}") for _i, label, key in self.custom_columns]
        with_manager = self.has_manager_column
        departments = plan.department_paths
        unchanged = 0
        created: list[Record] = []
        for rec in records:
            if rec.department:
                departments.add(rec.department)
            base = self.by_id.get(rec.person_id) if rec.person_id else None
            if base is None:
                rec.kind = "create"
                created.append(rec)
                continue
            fields = {}
            if base.work_email != rec.work_email:
                fields["work_email"] = (base.work_email, rec.work_email)
            for f in compared:
                before, after = getattr(base, f), getattr(rec, f)
                if (before or None) != (after or None):
                    fields[f] = (_text(before), _text(after))
            if with_manager and base.manager_id != rec.manager_key:
                rec.moved = True
                fields["manager"] = (
                    self._display_manager(base.manager_id) if base.manager_id else "",
                    self._display_manager(rec.manager_key),
                )
            for key, name in custom:
                before, after = base.custom_attributes.get(key), rec.custom_attributes.get(key)
                if before != after:
                    fields[name] = (_text(before), _text(after))
            if base.status != rec.status:
                fields["status"] = (base.status, rec.status)
            rec.renamed = "work_email" in fields or "employee_id" in fields
            if not fields:
                rec.kind = "unchanged"
                unchanged += 1
                continue
            deactivating = base.status == Person.Status.ACTIVE and rec.status != base.status
            rec.kind = "deactivate" if deactivating else "update"
            (plan.deactivated if deactivating else plan.updated).append(
                Change(rec.kind, rec.line, base.id, base.full_name, base.work_email, fields)
            )
        if self.full:
            for person in existing:
                if person.id not in self.matched and person.status == Person.Status.ACTIVE:
                    plan.missing_ids.append(person.id)
                    plan.deactivated.append(
                        Change(
                            "deactivate",
                            None,
                            person.id,
                            person.full_name,
                            person.work_email,
                            {"status": (person.status, Person.Status.LEFT)},
                        )
                    )
        plan.unchanged = unchanged
        plan.created = LazyChanges(created, self._describe_creation)
        plan.records = records
        plan.manager_of = self.manager_of

    def _describe_creation(self, rec: Record) -> Change:
        fields = {
            f: ("", _text(getattr(rec, f)))
            for f in ("employee_id", "job_title", "department")
            if getattr(rec, f)
        }
        if rec.manager_key is not None:
            fields["manager"] = ("", self._display_manager(rec.manager_key))
        if rec.status != Person.Status.ACTIVE:
            fields["status"] = ("", rec.status)
        return Change("create", rec.line, None, rec.full_name, rec.work_email, fields)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
