"""Every write to KPIs and their measurements (docs/kpis.md).

Access is checked by the caller through ``cadence.kpis.access`` — except in
``measurements_import``, which checks each row itself so that a file reports every
row the actor may not record as an error, with all the others.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cadence.core.audit import audit
from cadence.kpis import access
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.people.importing import (
    RowError,
    TableError,
    guess_day_first,
    normalise_header,
    parse_date,
    read_table,
)
from cadence.people.models import Department, Person

# DecimalField(max_digits=18, decimal_places=4): 14 digits before the point.
MAX_ABS_VALUE = Decimal("1e14")


# --- periods ----------------------------------------------------------------------------


def period_start_of(frequency: str, day: datetime.date) -> datetime.date:
    """The first day of the period holding ``day``: Monday, the 1st, or a quarter's 1st."""
    if frequency == Kpi.Frequency.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if frequency == Kpi.Frequency.QUARTERLY:
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def period_label(frequency: str, start: datetime.date) -> str:
    if frequency == Kpi.Frequency.WEEKLY:
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == Kpi.Frequency.QUARTERLY:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"


_MONTH_RE = re.compile(r"(\d{4})[-/.](\d{1,2})")
_QUARTER_RE = re.compile(r"(\d{4})[- ]?q([1-4])|q([1-4])[- ]?(\d{4})")
_WEEK_RE = re.compile(r"(\d{4})-?w(\d{1,2})")


def parse_period(text: str, *, day_first: bool = False) -> datetime.date | None:
    """A date, or a period written as 2026-03, 2026-Q1 / Q1 2026, or 2026-W07."""
    value = text.strip().lower()
    if m := _MONTH_RE.fullmatch(value):
        month = int(m[2])
        return datetime.date(int(m[1]), month, 1) if 1 <= month <= 12 else None
    if m := _QUARTER_RE.fullmatch(value):
        year, quarter = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
        return datetime.date(year, 3 * (quarter - 1) + 1, 1)
    if m := _WEEK_RE.fullmatch(value):
        try:
            return datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
    return parse_date(text.strip(), day_first=day_first)


# --- KPIs -------------------------------------------------------------------------------


def _clean_kpi(kpi: Kpi) -> None:
    errors: dict[str, list[str]] = {}
    if not kpi.name.strip():
        errors["name"] = [_("Name: enter a name.")]
    if kpi.target is None:
        errors["target"] = [_("Target: enter a number (at most 14 digits before the point).")]
    if kpi.direction not in Kpi.Direction.values:
        errors["direction"] = [_("Direction: choose higher or lower is better.")]
    if kpi.frequency not in Kpi.Frequency.values:
        errors["frequency"] = [_("Frequency: choose weekly, monthly or quarterly.")]
    if kpi.scope == Kpi.Scope.ROLE:
        if not kpi.job_title.strip():
            errors["job_title"] = [_("Job title: a role KPI needs the job title it is for.")]
    elif kpi.scope == Kpi.Scope.TEAM:
        if kpi.department_id is None:
            errors["department"] = [_("Department: a team KPI needs its department.")]
    elif kpi.scope == Kpi.Scope.PERSON:
        if kpi.person_id is None:
            errors["person"] = [_("Person: a person KPI needs the person it is for.")]
    else:
        errors["scope"] = [_("Scope: choose role, team or person.")]
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", kpi.code or ""):
        errors["code"] = [_("Code: use letters, digits, dashes and underscores only.")]
    elif Kpi.objects.filter(code=kpi.code).exclude(pk=kpi.pk).exists():
        errors["code"] = [
            _("Code: another KPI already uses the code %(code)s.") % {"code": kpi.code}
        ]
    if errors:
        raise ValidationError(errors)


def _unique_code(name: str) -> str:
    base = (slugify(name) or "kpi")[:90]
    code, n = base, 1
    while Kpi.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _scope_fields(
    scope: str, job_title: str, department: Department | None, person: Person | None
) -> dict[str, Any]:
    # Only the field of the chosen scope is kept, as the table's constraint requires.
    return {
        "job_title": job_title.strip() if scope == Kpi.Scope.ROLE else "",
        "department": department if scope == Kpi.Scope.TEAM else None,
        "person": person if scope == Kpi.Scope.PERSON else None,
    }


@transaction.atomic
def kpi_define(
    *,
    actor: Any,
    name: str,
    code: str | None = None,
    unit: str = "",
    target: Decimal | float | int,
    direction: str = Kpi.Direction.HIGHER_IS_BETTER,
    frequency: str = Kpi.Frequency.MONTHLY,
    scope: str,
    job_title: str = "",
    department: Department | None = None,
    person: Person | None = None,
    description: str = "",
) -> Kpi:
    kpi = Kpi(
        name=name.strip(),
        code=(code or "").strip() or _unique_code(name),
        unit=unit.strip(),
        target=_to_decimal(target) if target is not None else None,
        direction=direction,
        frequency=frequency,
        scope=scope,
        description=description.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **_scope_fields(scope, job_title, department, person),
    )
    _clean_kpi(kpi)
    kpi.save()
    audit(
        actor=actor,
        action="kpi.define",
        target=kpi,
        summary=f"Defined KPI {kpi.name} ({kpi.code}) for {describe_scope(kpi)}",
    )
    return kpi


KPI_FIELDS = (
    "name",
    "code",
    "unit",
    "target",
    "direction",
    "frequency",
    "description",
    "scope",
    "job_title",
    "department",
    "person",
)


@transaction.atomic
def kpi_update(*, actor: Any, kpi: Kpi, **changes: Any) -> Kpi:
    """Change a KPI's definition. Its measurements stay: they belong to its periods."""
    unknown = set(changes) - set(KPI_FIELDS)
    if unknown:
        raise TypeError(f"kpi_update got unknown fields: {', '.join(sorted(unknown))}")
    before = {f: str(getattr(kpi, f)) for f in changes}
    scope_change = {"scope", "job_title", "department", "person"} & set(changes)
    for name, value in changes.items():
        if name == "target" and value is not None:
            value = _to_decimal(value)
        if isinstance(value, str) and name != "description":
            value = value.strip()
        setattr(kpi, name, value)
    if scope_change:
        for name, value in _scope_fields(
            kpi.scope, kpi.job_title, kpi.department, kpi.person
        ).items():
            setattr(kpi, name, value)
    _clean_kpi(kpi)
    changed = {f: str(getattr(kpi, f)) for f in changes if str(getattr(kpi, f)) != before[f]}
    if changed:
        if scope_change and kpi.measurements.exists():
            # A series only means something for one scope: a team's values are not a
            # person's. Refuse rather than relabel history.
            old = Kpi.objects.get(pk=kpi.pk)
            if (old.scope, old.job_title, old.department_id, old.person_id) != (
                kpi.scope,
                kpi.job_title,
                kpi.department_id,
                kpi.person_id,
            ):
                raise ValidationError(
                    {
                        "scope": [
                            _(
                                "Scope: this KPI already has values; "
                                "define a new KPI for another scope."
                            )
                        ]
                    }
                )
        kpi.save()
        audit(
            actor=actor,
            action="kpi.update",
            target=kpi,
            summary=f"Changed KPI {kpi.name}: {', '.join(sorted(changed))}",
            data={"changed": sorted(changed)},
        )
    return kpi


@transaction.atomic
def kpi_deactivate(*, actor: Any, kpi: Kpi) -> Kpi:
    """Stop collecting values; the KPI and its history stay readable."""
    if kpi.is_active:
        kpi.is_active = False
        kpi.save(update_fields=["is_active"])
        audit(
            actor=actor, action="kpi.deactivate", target=kpi, summary=f"Deactivated KPI {kpi.name}"
        )
    return kpi


@transaction.atomic
def kpi_reactivate(*, actor: Any, kpi: Kpi) -> Kpi:
    if not kpi.is_active:
        kpi.is_active = True
        kpi.save(update_fields=["is_active"])
        audit(
            actor=actor, action="kpi.reactivate", target=kpi, summary=f"Reactivated KPI {kpi.name}"
        )
    return kpi


def describe_scope(kpi: Kpi) -> str:
    if kpi.scope == Kpi.Scope.ROLE:
        return _("everyone with the job title %(title)s") % {"title": kpi.job_title}
    if kpi.scope == Kpi.Scope.TEAM:
        return kpi.department.full_name if kpi.department_id else ""
    return kpi.person.full_name if kpi.person_id else ""


# --- measurements -----------------------------------------------------------------------


def _to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
    if not number.is_finite() or abs(number) >= MAX_ABS_VALUE:
        return None
    return number.quantize(Decimal("0.0001"))


def _check_measurement(
    kpi: Kpi, person: Person | None, start: datetime.date
) -> tuple[Person | None, dict[str, str]]:
    """The person the value is stored under (None for team and person KPIs) and the
    problems, by field."""
    errors: dict[str, str] = {}
    if not kpi.is_active:
        errors["kpi"] = _("this KPI is no longer active")
    if start > timezone.localdate():
        errors["period"] = _("%(period)s has not started yet") % {
            "period": period_label(kpi.frequency, start)
        }
    if kpi.scope == Kpi.Scope.ROLE:
        if person is None:
            errors["person"] = _("a role KPI needs the person the value is for")
        elif not access.holds_role(person, kpi):
            errors["person"] = _("%(name)s does not hold the job title %(title)s") % {
                "name": person.full_name,
                "title": kpi.job_title,
            }
        return person, errors
    if person is not None and not (kpi.scope == Kpi.Scope.PERSON and person.pk == kpi.person_id):
        errors["person"] = (
            _("a team KPI has one series for the team; leave the person empty")
            if kpi.scope == Kpi.Scope.TEAM
            else _("this KPI is for %(name)s only") % {"name": kpi.person.full_name}
        )
    return None, errors


@transaction.atomic
def measurement_record(
    *,
    actor: Any,
    kpi: Kpi,
    value: Any,
    period_start: datetime.date,
    person: Person | None = None,
    note: str = "",
    source: str = KpiMeasurement.Source.FORM,
) -> tuple[KpiMeasurement, str]:
    """Record the value of ``kpi`` for the period holding ``period_start``; a value for
    the same KPI, person and period replaces the earlier one. Returns the measurement
    and "created", "replaced" or "unchanged"."""
    start = period_start_of(kpi.frequency, period_start)
    number = _to_decimal(value)
    stored_person, problems = _check_measurement(kpi, person, start)
    errors: dict[str, list[str]] = {
        name: [f"{name.capitalize()}: {reason}."] for name, reason in problems.items()
    }
    if number is None:
        errors["value"] = [_("Value: enter a number (at most 14 digits before the point).")]
    if len(note) > 500:
        errors["note"] = [_("Note: at most 500 characters.")]
    if errors:
        raise ValidationError(errors)
    measurement, outcome = _write(actor, kpi, stored_person, start, number, note.strip(), source)
    if outcome != "unchanged":
        who = f" for {stored_person.full_name}" if stored_person else ""
        audit(
            actor=actor,
            action=f"kpi.measurement.{outcome}",
            target=kpi,
            summary=f"{kpi.name}{who}, {period_label(kpi.frequency, start)}: {number}",
            data={
                "period_start": start.isoformat(),
                "value": str(number),
                "person": stored_person.pk if stored_person else None,
                "source": source,
            },
        )
    return measurement, outcome


def _write(
    actor: Any,
    kpi: Kpi,
    person: Person | None,
    start: datetime.date,
    value: Decimal,
    note: str,
    source: str,
) -> tuple[KpiMeasurement, str]:
    existing = (
        KpiMeasurement.objects.select_for_update()
        .filter(kpi=kpi, person=person, period_start=start)
        .first()
    )
    recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    if existing is None:
        try:
            with transaction.atomic():
                return KpiMeasurement.objects.create(
                    kpi=kpi,
                    person=person,
                    period_start=start,
                    value=value,
                    note=note,
                    source=source,
                    recorded_by=recorded_by,
                ), "created"
        except IntegrityError:  # a concurrent writer created it first: replace theirs
            existing = (
                KpiMeasurement.objects.select_for_update()
                .filter(kpi=kpi, person=person, period_start=start)
                .first()
            )
            if existing is None:
                raise
    if existing.value == value and existing.note == note:
        return existing, "unchanged"
    existing.value, existing.note, existing.source = value, note, source
    existing.recorded_by, existing.recorded_at = recorded_by, timezone.now()
    existing.save(update_fields=["value", "note", "source", "recorded_by", "recorded_at"])
    return existing, "replaced"


# --- CSV / XLSX import ------------------------------------------------------------------

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
    number = _to_decimal(cleaned)
    if number is None:
        return None, _("“%(value)s” is not a number") % {"value": text}
    return number, ""


def _people_by_key(keys: set[str]) -> dict[str, Person]:
    lowered = {k.lower() for k in keys}
    people = Person.objects.filter(
        Q(employee_id__in=keys) | Q(work_email__in=lowered) | Q(work_email__in=keys)
    )
    found: dict[str, Person] = {}
    for person in people:
        if person.employee_id:
            found[person.employee_id] = person
        found[person.work_email.lower()] = person
    return found


def _plan_import(actor: Any, data: bytes, file_name: str) -> list[_Row]:
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
    people = _people_by_key({cell(r, "person") for r in table.rows if cell(r, "person")})
    day_first = guess_day_first(cell(r, "period") for r in table.rows)
    readable: dict[int, bool] = {}
    recordable: dict[tuple[int, int | None], bool] = {}

    def _may_read(kpi: Kpi) -> bool:
        if kpi.pk not in readable:
            readable[kpi.pk] = access.can_read_kpi(actor, kpi)
        return readable[kpi.pk]

    def _may_record(kpi: Kpi, person: Person | None) -> bool:
        # Once per KPI (and holder): the team rule costs queries, files have many rows.
        key = (kpi.pk, person.pk if person else None)
        if key not in recordable:
            recordable[key] = access.can_record(actor, kpi, person)
        return recordable[key]

    seen: dict[tuple[int, int | None, datetime.date], int] = {}
    rows: list[_Row] = []
    for line, row in zip(table.lines, table.rows, strict=True):
        row_errors = len(errors)
        code = cell(row, "kpi")
        kpi = kpis.get(code.lower()) if code else None
        if not code:
            errors.append(RowError(line, "KPI", _("missing")))
        elif kpi is None or (actor is not None and not _may_read(kpi)):
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
                        "(2026-03-31, 2026-03, 2026-Q1, 2026-W09)"
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
                errors.append(
                    RowError(
                        line,
                        "Person",
                        _("no person with the employee ID or email %(key)s") % {"key": person_key},
                    )
                )
        note = cell(row, "note")
        if len(note) > 500:
            errors.append(RowError(line, "Note", _("longer than 500 characters")))
        if kpi is None or start is None or (person_key and person is None):
            continue
        start = period_start_of(kpi.frequency, start)
        stored, problems = _check_measurement(kpi, person, start)
        for name, reason in problems.items():
            errors.append(
                RowError(
                    line,
                    IMPORT_COLUMNS.get(name, (name.capitalize(),))[0] if name != "kpi" else "KPI",
                    reason,
                )
            )
        if actor is not None and not problems and not _may_record(kpi, stored):
            errors.append(
                RowError(
                    line,
                    "KPI",
                    _("you may not record values of %(code)s%(for)s")
                    % {"code": kpi.code, "for": f" for {stored.full_name}" if stored else ""},
                )
            )
        key = (kpi.pk, stored.pk if stored else None, start)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    "Period",
                    _("line %(other)d already has a value of %(code)s for %(period)s%(for)s")
                    % {
                        "other": seen[key],
                        "code": kpi.code,
                        "period": period_label(kpi.frequency, start),
                        "for": f" and {stored.full_name}" if stored else "",
                    },
                )
            )
        else:
            seen[key] = line
        if len(errors) == row_errors and value is not None:
            rows.append(_Row(line, kpi, stored, start, value, note))
    if errors:
        raise MeasurementImportErrors(errors)
    return rows


def _write_rows(actor: Any, rows: list[_Row]) -> None:
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
    recorded_by = actor if getattr(actor, "is_authenticated", False) else None
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


def measurements_check(*, actor: Any, data: bytes, file_name: str) -> MeasurementImportSummary:
    """What importing the file would do, writing nothing (raises on errors)."""
    return measurements_import(actor=actor, data=data, file_name=file_name, dry_run=True)


def measurements_import(
    *, actor: Any, data: bytes, file_name: str, dry_run: bool = False
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
                "period": period_label(row.kpi.frequency, row.start),
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
