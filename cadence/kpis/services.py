"""Every write to KPIs and their measurements (docs/kpis.md); the CSV/XLSX import of
values is ``cadence.kpis.importing``.

Access is checked by the caller through ``cadence.kpis.access``.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.core.tabular import parse_date
from cadence.kpis import access
from cadence.kpis.display import value_text
from cadence.kpis.models import Kpi, KpiMeasurement
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
    """The period as machines name it — "2026-12", "2026-Q4", "2026-W49" — for the API
    and anything parsed again (``parse_period`` reads it back). People read
    ``period_name``."""
    if frequency == Kpi.Frequency.WEEKLY:
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == Kpi.Frequency.QUARTERLY:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"


def period_name(frequency: str, start: datetime.date) -> str:
    """The period as people name it, in the pages' language and date format: "Dec 2026",
    "Q4 2026", "Week of 30 Nov 2026".

    A week is named by its Monday rather than its ISO number: the number needs a calendar
    to decode, is little used outside Northern Europe, and around New Year it misleads
    ("Week 1, 2026" starts on 29 Dec 2025); the Monday's date reads like every other date.
    """
    start = period_start_of(frequency, start)
    if frequency == Kpi.Frequency.WEEKLY:
        return _("Week of %(date)s") % {"date": date_format(start)}
    if frequency == Kpi.Frequency.QUARTERLY:
        return _("Q%(quarter)d %(year)d") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    # The language's own month-and-year form: "Dec 2026" here, "Dezember 2026" in German.
    return date_format(start, "YEAR_MONTH_FORMAT")


_MONTH_RE = re.compile(r"(\d{4})[-/.](\d{1,2})")
_QUARTER_RE = re.compile(r"(\d{4})[- ]?q([1-4])|q([1-4])[- ]?(\d{4})")
_WEEK_RE = re.compile(r"(\d{4})-?w(\d{1,2})|week (\d{1,2}),? (\d{4})")
_NAMED_MONTH_RE = re.compile(r"([a-z]{3,9})\.? (\d{4})")
_WEEK_OF_RE = re.compile(r"week of (.+)")


def parse_period(text: str, *, day_first: bool = False) -> datetime.date | None:
    """A date, or a period written as 2026-03 / Mar 2026 / March 2026, 2026-Q1 / Q1 2026,
    2026-W07 / Week 7, 2026, or as ``period_name`` writes it (English month names)."""
    value = " ".join(text.lower().split())
    if m := _MONTH_RE.fullmatch(value):
        month = int(m[2])
        return datetime.date(int(m[1]), month, 1) if 1 <= month <= 12 else None
    if m := _QUARTER_RE.fullmatch(value):
        year, quarter = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
        return datetime.date(year, 3 * (quarter - 1) + 1, 1)
    if m := _WEEK_RE.fullmatch(value):
        year, week = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
        try:
            return datetime.date.fromisocalendar(year, week, 1)
        except ValueError:
            return None
    if m := _NAMED_MONTH_RE.fullmatch(value):
        # The month's 1st, read by the import's own date rules (their month names).
        return parse_date(f"1 {m[1]} {m[2]}")
    if m := _WEEK_OF_RE.fullmatch(value):
        return parse_date(m[1], day_first=day_first)
    return parse_date(text.strip(), day_first=day_first)


# --- KPIs -------------------------------------------------------------------------------


def _clean_kpi(kpi: Kpi, *, bad_target: bool = False) -> None:
    errors: dict[str, list[str]] = {}
    if not kpi.name.strip():
        errors["name"] = [_("Name: enter a name.")]
    if bad_target or kpi.target is None:
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
    actor: Actor | None,
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
    number = to_decimal(target)
    kpi = Kpi(
        name=name.strip(),
        code=(code or "").strip() or _unique_code(name),
        unit=unit.strip(),
        # A target that is no number is reported with the other problems, below.
        target=number if number is not None else Decimal(0),
        direction=direction,
        frequency=frequency,
        scope=scope,
        description=description.strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **_scope_fields(scope, job_title, department, person),
    )
    _clean_kpi(kpi, bad_target=number is None)
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
def kpi_update(*, actor: Actor | None, kpi: Kpi, **changes: Any) -> Kpi:
    """Change a KPI's definition. Its measurements stay: they belong to its periods."""
    unknown = set(changes) - set(KPI_FIELDS)
    if unknown:
        raise TypeError(f"kpi_update got unknown fields: {', '.join(sorted(unknown))}")
    before = {f: str(getattr(kpi, f)) for f in changes}
    scope_change = {"scope", "job_title", "department", "person"} & set(changes)
    for name, value in changes.items():
        if name == "target" and value is not None:
            value = to_decimal(value)
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
def kpi_deactivate(*, actor: Actor | None, kpi: Kpi) -> Kpi:
    """Stop collecting values; the KPI and its history stay readable."""
    if kpi.is_active:
        kpi.is_active = False
        kpi.save(update_fields=["is_active"])
        audit(
            actor=actor, action="kpi.deactivate", target=kpi, summary=f"Deactivated KPI {kpi.name}"
        )
    return kpi


@transaction.atomic
def kpi_reactivate(*, actor: Actor | None, kpi: Kpi) -> Kpi:
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
        return kpi.department.full_name if kpi.department else ""
    return kpi.person.full_name if kpi.person else ""


# --- measurements -----------------------------------------------------------------------


def to_decimal(value: Any) -> Decimal | None:
    """``value`` as the column stores it (4 decimal places); None when it is not a
    number or does not fit (at most 14 digits before the point)."""
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


def check_measurement(
    kpi: Kpi, person: Person | None, start: datetime.date
) -> tuple[Person | None, dict[str, str]]:
    """The person the value is stored under (None for team and person KPIs) and the
    problems, by field."""
    errors: dict[str, str] = {}
    if not kpi.is_active:
        errors["kpi"] = _("this KPI is no longer active")
    if start > timezone.localdate():
        errors["period"] = _("%(period)s has not started yet") % {
            "period": period_name(kpi.frequency, start)
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
            else _("this KPI is for %(name)s only")
            % {"name": kpi.person.full_name if kpi.person else ""}
        )
    return None, errors


@transaction.atomic
def measurement_record(
    *,
    actor: Actor | None,
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
    number = to_decimal(value)
    stored_person, problems = check_measurement(kpi, person, start)
    errors: dict[str, list[str]] = {
        name: [f"{name.capitalize()}: {reason}."] for name, reason in problems.items()
    }
    if number is None:
        errors["value"] = [_("Value: enter a number (at most 14 digits before the point).")]
    if len(note) > 500:
        errors["note"] = [_("Note: at most 500 characters.")]
    if errors or number is None:
        raise ValidationError(errors)
    measurement, outcome = _write(actor, kpi, stored_person, start, number, note.strip(), source)
    if outcome != "unchanged":
        who = f" for {stored_person.full_name}" if stored_person else ""
        audit(
            actor=actor,
            action=f"kpi.measurement.{outcome}",
            target=kpi,
            summary=(
                f"{kpi.name}{who}, {period_name(kpi.frequency, start)}: {value_text(kpi, number)}"
            ),
            data={
                "period_start": start.isoformat(),
                "value": str(number),
                "person": stored_person.pk if stored_person else None,
                "source": source,
            },
        )
    return measurement, outcome


def _write(
    actor: Actor | None,
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
    recorded_by = actor if actor is not None and actor.is_authenticated else None
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
