"""Reading HRIS exports and working out what importing one would change.

Two steps, neither of which writes anything:

* ``read_table`` (``cadence.core.tabular``) turns the bytes of a CSV or XLSX export
  into rows that remember their line in the file;
* ``plan_import`` checks every row, collects *all* the errors (``line N: field:
  reason``) and compares the file with the database: who would be created, updated
  (field by field), deactivated, or left unchanged, and what deserves a second look.

The modules, in the order a file goes through them:

* ``columns`` — which header is which field (aliases, ``--map``);
* ``values`` — what a cell means (statuses, names, department paths) and how values
  are shown back to people;
* ``organisation`` — the people already in Cadence, read once;
* ``rows`` — each row checked and matched to a person (a blank cell keeps the value);
* ``managers`` — manager references resolved, cycles refused;
* ``plan`` — the comparison, flags and warnings (``plan_import``);
* ``preview`` — what the web preview stores and the import page lists.

``cadence.people.services.people_import`` applies a plan; the command line
(``cadence import-people``), the web import and ``cadence demo`` share both steps.
Planning reads the organisation with a handful of queries and works in Python, so a
100,000-row file is checked in about a second (see docs/import.md).
"""

from cadence.core.tabular import (
    RowError,
    Table,
    TableError,
    guess_day_first,
    normalise_header,
    parse_date,
    read_table,
)
from cadence.people.importing.columns import (
    CUSTOM_PREFIX,
    FIELDS,
    HEADER_ALIASES,
    IGNORE,
    MANAGER_FIELDS,
    Columns,
    parse_mapping,
    resolve_columns,
)
from cadence.people.importing.errors import (
    ImportBlocked,
    ImportHasErrors,
    MassDeactivationRefused,
)
from cadence.people.importing.organisation import database_snapshot
from cadence.people.importing.plan import Change, ImportPlan, ImportSummary, plan_import
from cadence.people.importing.rows import Record
from cadence.people.importing.values import (
    ACTIVE_STATUSES,
    FIELD_LABELS,
    INACTIVE_STATUSES,
    department_path,
    parse_status,
    split_name,
)

__all__ = [
    "ACTIVE_STATUSES",
    "CUSTOM_PREFIX",
    "FIELDS",
    "FIELD_LABELS",
    "HEADER_ALIASES",
    "IGNORE",
    "INACTIVE_STATUSES",
    "MANAGER_FIELDS",
    "Change",
    "Columns",
    "ImportBlocked",
    "ImportHasErrors",
    "ImportPlan",
    "ImportSummary",
    "MassDeactivationRefused",
    "Record",
    "RowError",
    "Table",
    "TableError",
    "database_snapshot",
    "department_path",
    "guess_day_first",
    "normalise_header",
    "parse_date",
    "parse_mapping",
    "parse_status",
    "plan_import",
    "read_table",
    "resolve_columns",
    "split_name",
]
