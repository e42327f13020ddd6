"""The CSV/XLSX import of KPI values (docs/kpis.md, "Import"): the page's check →
confirm and ``cadence import-kpis``.

All or nothing, like the people import: the whole file is checked first and every
problem reported as ``line N: field: reason``; then every row is written in one
transaction. Files are read by ``cadence.core.tabular``, shared with the people import.

Each row is checked against the uploader's access here, row by row, so that a file
reports every row they may not record with all the other errors. KPIs and people are
looked up only among those the uploader may see (``cadence.kpis.access``): a code or an
employee ID outside their reach reads exactly like one that does not exist.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.core.tabular import RowError, TableError, guess_day_first, normalise_header, read_table
from cadence.kpis import access
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.kpis.services import (
    check_measurement,
    parse_period,
    period_label,
    period_name,
    period_start_of,
    to_decimal,
)
from cadence.people.models import Person

IMPORT_COLUMNS = {
    "kpi": ("KPI", ("kpi", "kpi code", "code", "kpicode", "measure")),
    "period": ("Period", ("period", "date", "period start", "month", "week", "quarter")),
    "value": ("Value", ("value", "amount", "actual", "result")),
    "person": (
        "Person",
        ("person", "employee", "employee id", "email", "work email", "employeeid"),
    ),
    "note": ("Note", ("note", "notes", "comment", "comments")),
}
REQUIRED_COLUMNS = ("kpi", "period", "value")
_COLUMN_LOOKUP = {
    normalise_header(alias): key
    for key, (_label, aliases) in IMPORT_COLUMNS.items()
    for alias in aliases
}


def unknown_person(key: str) -> str:
    """The one answer for a person the uploader may not name, whatever the reason."""
    return _("no person you may record values for has the employee ID or email %(key)s") % {
        "key": key
    }


@dataclass
class MeasurementImportSummary:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    dry_run: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"created {self.created}, replaced {self.replaced}, unchanged {self.unchanged}"

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "replaced": self.replaced, "unchanged": self.unchanged}


class MeasurementImportErrors(ValidationError):
    """The file has errors; nothing was written. ``errors`` lists every one."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            _("The file has %(n)d error(s); nothing was imported.") % {"n": len(errors)}
        )


@dataclass
class _Row:
    line: int
    kpi: Kpi
    person: Person | None
    start: datetime.date
    value: Decimal
    note: str


def _number_cell(text: str) -> tuple[Decimal | None, str]:
    """A number as spreadsheets write it: 1234.5, 1,234.5, 1.234,5 or 1234,5.
    "1,234" is refused: it is 1234 in one locale and 1.234 in another."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("'", "")
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        other = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(other, "").replace(decimal_mark, ".")
    elif cleaned.count(",") > 1:
        cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        if len(cleaned) - cleaned.index(",") - 1 == 3:
            return None, _("“%(value)s” is ambiguous: write 1234 or 1.234") % {"value": text}
        cleaned = cleaned.replace(",", ".")
    number = to_decimal(cleaned)
    if number is None:
        return None, _("“%(value)s” is not a number") % {"value": text}
    return number, ""


def _plan_import(actor: Actor | None, data: bytes, file_name: str) -> list[_Row]:
    try:
        table = read_table(data, file_name)
    except TableError as exc:
        raise MeasurementImportErrors([RowError(1, "file", str(exc))]) from exc
    errors: list[RowError] = list(table.problems)
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = _COLUMN_LOOKUP.get(normalise_header(header))
        if key is None:
            if header.strip():
                errors.append(
                    RowError(
                        table.header_line,
                        header,
                        _("unknown column (expected KPI, Period, Value, Person, Note)"),
                    )
                )
        elif key in columns:
            errors.append(RowError(table.header_line, header, _("the column appears twice")))
        else:
            columns[key] = index
    errors.extend(
        RowError(table.header_line, IMPORT_COLUMNS[key][0], _("the column is missing"))
        for key in REQUIRED_COLUMNS
        if key not in columns
    )
    if any(e.line == table.header_line for e in errors) or not table.rows:
        if not table.rows and not errors:
            errors.append(RowError(table.header_line + 1, "file", _("there are no rows")))
        raise MeasurementImportErrors(errors)

    def cell(row: list[str], key: str) -> str:
        return row[columns[key]].strip() if key in columns else ""

    # Codes are matched whatever their case; KPIs number in the hundreds, so all of
    # them are loaded once rather than one query per row.
    kpis = {k.code.lower(): k for k in Kpi.objects.select_related("person", "department")}
    people = access.people_for_import(
        actor, {cell(r, "person") for r in table.rows if cell(r, "person")}
    )
    day_first = guess_day_first(cell(r, "period") for r in table.rows)
    readable: dict[int, bool] = {}
    recordable: dict[tuple[int, int | None], bool] = {}

    def _may_read(reader: Actor, kpi: Kpi) -> bool:
        if kpi.pk not in readable:
            readable[kpi.pk] = access.can_read_kpi(reader, kpi)
        return readable[kpi.pk]

    def _may_record(recorder: Actor, kpi: Kpi, person: Person | None) -> bool:
        # Once per KPI (and holder): the team rule costs queries, files have many rows.
        key = (kpi.pk, person.pk if person else None)
        if key not in recordable:
            recordable[key] = access.can_record(recorder, kpi, person)
        return recordable[key]

    seen: dict[tuple[int, int | None, datetime.date], int] = {}
    rows: list[_Row] = []
    for line, row in zip(table.lines, table.rows, strict=True):
        row_errors = len(errors)
        code = cell(row, "kpi")
        kpi = kpis.get(code.lower()) if code else None
        if not code:
            errors.append(RowError(line, "KPI", _("missing")))
        elif kpi is None or (actor is not None and not _may_read(actor, kpi)):
            # A KPI the actor may not read is reported as unknown: no existence leak.
            errors.append(
                RowError(line, "KPI", _("no KPI with the code %(code)s") % {"code": code})
            )
            kpi = None
        period_text = cell(row, "period")
        start = parse_period(period_text, day_first=day_first) if period_text else None
        if not period_text:
            errors.append(RowError(line, "Period", _("missing")))
        elif start is None:
            errors.append(
                RowError(
                    line,
                    "Period",
                    _(
                        "“%(value)s” is not a date or a period "
                        "(2026-03-31, 2026-03 or Mar 2026, Q1 2026, 2026-W09 or Week 9 2026)"
                    )
                    % {"value": period_text},
                )
            )
        value_text = cell(row, "value")
        value, value_problem = _number_cell(value_text)
        if not value_text:
            errors.append(RowError(line, "Value", _("missing")))
        elif value is None:
            errors.append(RowError(line, "Value", value_problem))
        person_key = cell(row, "person")
        person = None
        if person_key:
            person = people.get(person_key) or people.get(person_key.lower())
            if person is None:
                # Unknown, outside the uploader's line and left read the same.
                errors.append(RowError(line, "Person", unknown_person(person_key)))
        note = cell(row, "note")
        if len(note) > 500:
            errors.append(RowError(line, "Note", _("longer than 500 characters")))
        if kpi is None or start is None or (person_key and person is None):
            continue
        start = period_start_of(kpi.frequency, start)
        stored, problems = check_measurement(kpi, person, start)
        for name, reason in problems.items():
            errors.append(
                RowError(
                    line,
                    IMPORT_COLUMNS.get(name, (name.capitalize(),))[0] if name != "kpi" else "KPI",
                    reason,
                )
            )
        if actor is not None and not problems and not _may_record(actor, kpi, stored):
            errors.append(
                RowError(
                    line,
                    "KPI",
                    _("you may not record values of %(code)s%(for)s")
                    % {"code": kpi.code, "for": f" for {stored.full_name}" if stored else ""},
                )
            )
        series = (kpi.pk, stored.pk if stored else None, start)
        if series in seen:
            errors.append(
                RowError(
                    line,
                    "Period",
                    _("line %(other)d already has a value of %(code)s for %(period)s%(for)s")
                    % {
                        "other": seen[series],
                        "code": kpi.code,
                        "period": period_name(kpi.frequency, start),
                        "for": f" and {stored.full_name}" if stored else "",
                    },
                )
            )
        else:
            seen[series] = line
        if len(errors) == row_errors and value is not None:
            rows.append(_Row(line, kpi, stored, start, value, note))
    if errors:
        raise MeasurementImportErrors(errors)
    return rows


def _write_rows(actor: Actor | None, rows: list[_Row]) -> None:
    """Write the checked rows in bulk: new values inserted, changed ones updated, the
    rest left alone. The existing values are read again, locked, inside the transaction;
    a value another writer inserts meanwhile makes the insert fail and nothing is written."""
    existing = {
        (m.kpi_id, m.person_id, m.period_start): m
        for m in KpiMeasurement.objects.select_for_update().filter(
            kpi__in={r.kpi.pk for r in rows},
            period_start__in={r.start for r in rows},
        )
    }
    recorded_by = actor if actor is not None and actor.is_authenticated else None
    now = timezone.now()
    new, changed = [], []
    for row in rows:
        before = existing.get((row.kpi.pk, row.person.pk if row.person else None, row.start))
        if before is None:
            new.append(
                KpiMeasurement(
                    kpi=row.kpi,
                    person=row.person,
                    period_start=row.start,
                    value=row.value,
                    note=row.note,
                    source=KpiMeasurement.Source.CSV,
                    recorded_by=recorded_by,
                    recorded_at=now,
                )
            )
        elif before.value != row.value or before.note != row.note:
            before.value, before.note = row.value, row.note
            before.source, before.recorded_by, before.recorded_at = "csv", recorded_by, now
            changed.append(before)
    KpiMeasurement.objects.bulk_create(new, batch_size=1000)
    KpiMeasurement.objects.bulk_update(
        changed, ["value", "note", "source", "recorded_by", "recorded_at"], batch_size=1000
    )


def measurements_check(
    *, actor: Actor | None, data: bytes, file_name: str
) -> MeasurementImportSummary:
    """What importing the file would do, writing nothing (raises on errors)."""
    return measurements_import(actor=actor, data=data, file_name=file_name, dry_run=True)


def measurements_import(
    *, actor: Actor | None, data: bytes, file_name: str, dry_run: bool = False
) -> MeasurementImportSummary:
    """Import KPI values from CSV/XLSX (columns KPI, Period, Value, Person, Note).

    All or nothing: any invalid row raises ``MeasurementImportErrors`` listing every
    error as ``line N: field: reason``. ``actor`` None is the command line (no access
    checks); otherwise each row must be one the actor may record.
    """
    rows = _plan_import(actor, data, file_name)
    summary = MeasurementImportSummary(dry_run=dry_run)
    existing = {
        (m.kpi_id, m.person_id, m.period_start): m
        for m in KpiMeasurement.objects.filter(
            kpi__in={r.kpi.pk for r in rows},
            period_start__in={r.start for r in rows},
        )
    }
    for row in rows:
        before = existing.get((row.kpi.pk, row.person.pk if row.person else None, row.start))
        if before is None:
            outcome = "created"
        elif before.value == row.value and before.note == row.note:
            outcome = "unchanged"
        else:
            outcome = "replaced"
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        summary.rows.append(
            {
                "line": row.line,
                "kpi": row.kpi,
                "person": row.person,
                "value": row.value,
                # The page's preview shows the name; the command echoes the file's form.
                "period": period_name(row.kpi.frequency, row.start),
                "period_label": period_label(row.kpi.frequency, row.start),
                "outcome": outcome,
            }
        )
    if dry_run:
        return summary
    with transaction.atomic():
        _write_rows(actor, rows)
        audit(
            actor=actor,
            action="kpi.import",
            summary=f"Imported KPI values from {file_name}: {summary}",
            data={"file_name": file_name, **summary.as_dict()},
        )
    return summary
