"""KPIs and their measurements over the API, with the same rules as the pages
(``cadence.kpis.access``) and the same writes (``cadence.kpis.services``).

Recording is idempotent per period: posting a value for a KPI, person and period that
already has one replaces it (200), a new one answers 201.
"""

import datetime
import functools
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cadence.core.api_types import LONG_TEXT, Amount, Day, Id, Text
from cadence.core.pagination import Rows, paginate_rows, url_of
from cadence.kpis import access, queries, services
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.people import access as people_access
from cadence.people.queries import full_name

router = Router(tags=["kpis"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
RECENT_VALUES = 24  # per series in GET /kpis/{id}; all of them through /measurements


# --- output ------------------------------------------------------------------------------


class KpiOut(Schema):
    id: int
    name: str
    code: str
    description: str
    unit: str
    target: Decimal
    direction: Kpi.Direction
    frequency: Kpi.Frequency
    scope: Kpi.Scope
    job_title: str = Field(description="For role KPIs: the job title it applies to.")
    department_id: int | None
    department_name: str | None
    person_id: int | None
    person_name: str | None
    is_active: bool
    url: str

    @staticmethod
    def resolve_department_name(obj: Kpi) -> str | None:
        return obj.department.full_name if obj.department else None

    @staticmethod
    def resolve_person_name(obj: Kpi) -> str | None:
        return obj.person.full_name if obj.person else None

    @staticmethod
    def resolve_url(obj: Kpi) -> str:
        return reverse("kpis:kpi", args=[obj.pk])


class _MeasurementFields(Schema):
    id: int
    kpi_id: int
    person_id: int | None = Field(description="Set for role KPIs (one series per holder).")
    person_name: str | None
    period_start: datetime.date
    period: str = Field(description="2026-03, 2026-Q1 or 2026-W09.")
    value: Decimal
    on_target: bool
    note: str
    source: KpiMeasurement.Source
    recorded_at: datetime.datetime


class MeasurementOut(_MeasurementFields):
    @staticmethod
    def resolve_person_name(obj: KpiMeasurement) -> str | None:
        return obj.person.full_name if obj.person else None

    @staticmethod
    def resolve_period(obj: KpiMeasurement) -> str:
        return services.period_label(obj.kpi.frequency, obj.period_start)

    @staticmethod
    def resolve_on_target(obj: KpiMeasurement) -> bool:
        return bool(queries.on_target(obj.kpi, obj.value))


class SeriesOut(Schema):
    person_id: int | None
    person_name: str | None
    latest: MeasurementOut | None
    on_target: bool | None
    measurements: list[MeasurementOut]


class KpiDetailOut(KpiOut):
    series: list[SeriesOut] = Field(
        description=(
            "One series for team and person KPIs; one per visible holder for role KPIs "
            "(the first 200 by name). Each with its latest 24 values, oldest first; every "
            "value through /kpis/{id}/measurements."
        )
    )

    @staticmethod
    def resolve_series(obj: Kpi, context: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "person_id": s.person.pk if s.person else None,
                "person_name": s.person.full_name if s.person else None,
                "latest": _with_kpi([s.latest], obj)[0] if s.latest else None,
                "on_target": s.on_target,
                "measurements": _with_kpi(s.measurements[-RECENT_VALUES:], obj),
            }
            for s in queries.series_for(context["request"].user, obj)
        ]


class RecordedOut(_MeasurementFields):
    """A value as ``MeasurementOut`` writes it, and what recording did. Built from a
    ``MeasurementOut`` rather than read from the measurement: the outcome belongs to
    the request, not to the row."""

    outcome: str = Field(description="created, replaced or unchanged.")


# --- input -------------------------------------------------------------------------------


class KpiIn(Schema):
    name: Text = Field(min_length=1, max_length=200)
    code: Text | None = Field(None, max_length=100)
    description: Text = Field("", max_length=LONG_TEXT)
    unit: Text = Field("", max_length=30)
    target: Amount
    direction: Kpi.Direction = Kpi.Direction.HIGHER_IS_BETTER
    frequency: Kpi.Frequency = Kpi.Frequency.MONTHLY
    scope: Kpi.Scope
    job_title: Text = Field("", max_length=200)
    department_id: Id | None = None
    person_id: Id | None = None


class MeasurementIn(Schema):
    period_start: Day = Field(
        description="Any day in the period; stored as the period's first day."
    )
    value: Amount
    person_id: Id | None = Field(None, description="Required for role KPIs.")
    note: Text = Field("", max_length=500)


# --- helpers -----------------------------------------------------------------------------


def _with_kpi(measurements: list[KpiMeasurement], kpi: Kpi) -> list[KpiMeasurement]:
    for m in measurements:
        m.kpi = kpi
    return measurements


def kpi_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``queries.kpi_api_rows`` rows as ``KpiOut`` shows them, field for field, with no
    model instance or schema validation per row (tests/kpis/test_api.py compares them)."""
    url = url_of("kpis:kpi")
    return [
        {
            **{name: row[name] for name in _KPI_OWN_FIELDS},
            "department_id": row["department_id"],
            "department_name": row["department__full_name"],
            "person_id": row["person_id"],
            "person_name": _person_name(row),
            "is_active": row["is_active"],
            "url": url(row["id"]),
        }
        for row in rows
    ]


_KPI_OWN_FIELDS = (
    *("id", "name", "code", "description", "unit", "target", "direction", "frequency"),
    *("scope", "job_title"),
)


def _person_name(row: dict[str, Any]) -> str | None:
    if row["person_id"] is None:
        return None
    return full_name(row["person__first_name"], row["person__last_name"], row["person__work_email"])


def measurement_items(kpi: Kpi, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``queries.measurement_api_rows`` rows of ``kpi`` as ``MeasurementOut`` shows
    them, field for field (tests/kpis/test_api.py compares them)."""
    return [
        {
            "id": row["id"],
            "kpi_id": row["kpi_id"],
            "person_id": row["person_id"],
            "person_name": _person_name(row),
            "period_start": row["period_start"],
            "period": services.period_label(kpi.frequency, row["period_start"]),
            "value": row["value"],
            "on_target": bool(queries.on_target(kpi, row["value"])),
            "note": row["note"],
            "source": row["source"],
            "recorded_at": row["recorded_at"],
        }
        for row in rows
    ]


# --- endpoints ---------------------------------------------------------------------------


@router.get("/kpis", response=list[KpiOut], summary="List KPIs the caller may see")
@paginate_rows(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_kpis(
    request: HttpRequest,
    scope: Kpi.Scope | None = Query(None, description="role, team or person."),  # noqa: B008
    active: bool | None = Query(True, description="Only active KPIs (default), or inactive."),
) -> Rows:
    people_access.require_member(request.user)
    kpis = access.kpis_visible_to(request.user)
    if scope is not None:
        kpis = kpis.filter(scope=scope)
    if active is not None:
        kpis = kpis.filter(is_active=active)
    return Rows(queries.kpi_api_rows(kpis.order_by("name", "id")), kpi_items)


@router.get(
    "/kpis/{kpi_id}", response=KpiDetailOut, summary="One KPI with the series the caller may see"
)
def get_kpi(request: HttpRequest, kpi_id: Id) -> Kpi:
    return access.kpi_for_read(request.user, kpi_id)


@router.post("/kpis", response={201: KpiOut}, summary="Define a KPI")
def create_kpi(request: HttpRequest, payload: KpiIn) -> Status:
    people_access.require_member(request.user)
    if not access.can_define_any(request.user):
        raise people_access.Refused(_("Only HR admins and managers can define KPIs."))
    department = person = None
    if payload.department_id is not None:
        department = people_access.department_for_read(request.user, payload.department_id)
    if payload.person_id is not None:
        # Unknown, outside the caller's line and left answer alike.
        person = access.person_for_definition(request.user, person_id=payload.person_id)
        if person is None:
            raise ValidationError(
                {"person_id": _("no active person you may define KPIs for has this id.")}
            )
    if not access.can_define(
        request.user, scope=payload.scope, department=department, person=person
    ):
        raise people_access.Refused(
            _(
                "You may define KPIs for people in your line and for departments whose people "
                "all report to you; role KPIs are for HR admins."
            )
        )
    data = payload.dict(exclude={"department_id", "person_id"})
    kpi = services.kpi_define(actor=request.user, department=department, person=person, **data)
    return Status(201, kpi)


@router.get(
    "/kpis/{kpi_id}/measurements",
    response=list[MeasurementOut],
    summary="A KPI's values the caller may see, newest first",
)
@paginate_rows(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_measurements(
    request: HttpRequest,
    kpi_id: Id,
    person: Id | None = Query(None, description="For role KPIs: one holder's series."),
) -> Rows:
    kpi = access.kpi_for_read(request.user, kpi_id)
    who = None
    if person is not None:
        who = access.series_person_for_read(request.user, kpi, person)
    # Newest first, then by id: the cursor's key needs a unique, non-null last field.
    measurements = queries.measurements_for(request.user, kpi, person=who).order_by(
        "-period_start", "-id"
    )
    return Rows(
        queries.measurement_api_rows(measurements), functools.partial(measurement_items, kpi)
    )


@router.post(
    "/kpis/{kpi_id}/measurements",
    response={200: RecordedOut, 201: RecordedOut},
    summary="Record a value (replaces the value of the same period)",
)
@transaction.atomic
def record_measurement(request: HttpRequest, kpi_id: Id, payload: MeasurementIn) -> Status:
    kpi = access.kpi_for_record(request.user, kpi_id)
    person = None
    if payload.person_id is not None:
        person = access.series_person(request.user, kpi, payload.person_id)
        if person is None:
            raise ValidationError(
                {"person": _("Person: no such person among this KPI's holders you see.")}
            )
    if not access.can_record(request.user, kpi, person):
        raise people_access.Refused(_("You may not record values of this KPI for this person."))
    measurement, outcome = services.measurement_record(
        actor=request.user,
        kpi=kpi,
        value=payload.value,
        period_start=payload.period_start,
        person=person,
        note=payload.note,
        source=KpiMeasurement.Source.API,
    )
    measurement.kpi = kpi
    recorded = RecordedOut(**MeasurementOut.from_orm(measurement).dict(), outcome=outcome)
    return Status(201 if outcome == "created" else 200, recorded)
