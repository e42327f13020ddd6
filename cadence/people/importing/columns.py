"""Which column of an HRIS export is which field: header aliases and ``--map``."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cadence.core.tabular import RowError, Table, normalise_header

# Header aliases, matched on letters and digits only (``normalise_header``: case, spaces
# and punctuation are ignored, so "Reports To (Email)" is "Reports To Email"). Exports
# often carry near-duplicates ("Preferred First Name", "Original Hire Date", "Team");
# those are left out on purpose so that they become custom attributes instead of
# clashing with the real column. Anything else can be named with --map 'Header=field'.
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
    # An IANA name ("Europe/Berlin"): reminders and digests reach the person at their hour.
    "time_zone": ("Time Zone", "Timezone", "TZ", "Time Zone Name", "Local Time Zone"),
}
FIELDS = tuple(HEADER_ALIASES)
MANAGER_FIELDS = ("manager_employee_id", "manager_email", "manager")
NAME_FIELDS = ("first_name", "last_name", "name")
IGNORE = "ignore"
CUSTOM_PREFIX = "custom:"

ALIAS_LOOKUP = {
    normalise_header(alias): name
    for name, aliases in HEADER_ALIASES.items()
    for alias in (*aliases, name)
}


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


@dataclass(frozen=True)
class CustomColumn:
    index: int
    label: str
    key: str  # the key in Person.custom_attributes


@dataclass
class Columns:
    """How the columns of one file are read."""

    index_of: dict[str, int] = field(default_factory=dict)  # field -> column index
    header_of: dict[str, str] = field(default_factory=dict)  # field -> header in the file
    custom: list[CustomColumn] = field(default_factory=list)
    listing: list[tuple[str, str]] = field(default_factory=list)  # (header, read as)
    errors: list[RowError] = field(default_factory=list)

    @property
    def has_manager(self) -> bool:
        return any(f in self.index_of for f in MANAGER_FIELDS)

    @property
    def has_names(self) -> bool:
        return any(f in self.index_of for f in NAME_FIELDS)

    @property
    def kept_as_custom(self) -> list[str]:
        """Headers that matched no field and are kept as custom attributes."""
        return [h for h, target in self.listing if target.startswith(CUSTOM_PREFIX)]


def resolve_columns(table: Table, mapping: dict[str, str]) -> Columns:
    """Read each header as a field, a custom attribute or nothing (``--map`` first, then
    the aliases, then a custom attribute under the header's own name). Problems with the
    header line go to ``Columns.errors``."""
    from cadence.people.services import attribute_key

    columns = Columns()
    errors = columns.errors
    line = table.header_line
    wanted = {normalise_header(k): (k, v) for k, v in mapping.items()}
    seen_headers: dict[str, str] = {}
    used_keys: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        norm = normalise_header(header)
        if not norm:
            if any(row[index].strip() for row in table.rows):
                errors.append(
                    RowError(
                        line,
                        f"column {index + 1}",
                        _("this column has values but no header; give it one or remove it"),
                    )
                )
            continue
        if norm in seen_headers:
            errors.append(
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
                errors.append(
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
            target = ALIAS_LOOKUP.get(norm) or f"{CUSTOM_PREFIX}{header}"
        columns.listing.append((header, target))
        if target == IGNORE:
            continue
        if target.startswith(CUSTOM_PREFIX):
            label = target[len(CUSTOM_PREFIX) :]
            key = attribute_key(label)
            if key in used_keys:
                errors.append(
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
            columns.custom.append(CustomColumn(index, label, key))
            continue
        if target in columns.index_of:
            errors.append(
                RowError(
                    line,
                    header,
                    _(
                        "both “%(other)s” and “%(header)s” would be read as %(field)s; "
                        "say which to use with --map (e.g. --map '%(header)s=ignore')"
                    )
                    % {"other": columns.header_of[target], "header": header, "field": target},
                )
            )
            continue
        columns.index_of[target] = index
        columns.header_of[target] = header
    for source, _target in wanted.values():
        errors.append(RowError(line, source, _("--map names a column that is not in the file")))
    if "work_email" not in columns.index_of:
        errors.append(
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
    return columns
