"""Reads of KPIs and their series, shared by the pages and the API. Every list starts
from ``access.kpis_visible_to`` and loads what its template shows in a fixed number of
queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery

from cadence.accounts.types import Actor
from cadence.kpis import access
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.kpis.services import period_name
from cadence.people.access import acting_person, has_reports, own_department_ids, reports_of
from cadence.people.models import Person

SERIES_LIMIT = 200  # people per role KPI shown at once


def on_target(kpi: Kpi, value: Decimal | None) -> bool | None:
    if value is None:
        return None
    if kpi.direction == Kpi.Direction.LOWER_IS_BETTER:
        return value <= kpi.target
    return value >= kpi.target


@dataclass(frozen=True)
class KpiRow:
    """A KPI as the list shows it: with the latest value of its single series (team and
    person KPIs; role KPIs have one series per holder and show none)."""

    kpi: Kpi
    latest_value: Decimal | None
    latest_label: str
    on_target: bool | None


@dataclass(frozen=True)
class HolderRow:
    """A holder of a role KPI's job title with the latest value of their series."""

    person: Person
    latest_value: Decimal | None
    latest_label: str
    on_target: bool | None


def _latest_value(series: QuerySet[KpiMeasurement]) -> Subquery:
    """The latest value of ``series`` (one series, through an ``OuterRef``)."""
    return Subquery(
        series.order_by("-period_start").values("value")[:1],
        output_field=DecimalField(max_digits=18, decimal_places=4),
    )


def _latest_period(series: QuerySet[KpiMeasurement]) -> Subquery:
    return Subquery(series.order_by("-period_start").values("period_start")[:1])


def _label(kpi: Kpi, period: datetime.date | None) -> str:
    return period_name(kpi.frequency, period) if period else ""


def kpi_rows(kpis: QuerySet[Kpi]) -> list[KpiRow]:
    """The KPIs with the latest value of their single series, in the queryset's order,
    in one query."""
    series = KpiMeasurement.objects.filter(kpi=OuterRef("pk"), person__isnull=True)
    annotated = kpis.select_related("department", "person").annotate(
        latest_value=_latest_value(series), latest_period=_latest_period(series)
    )
    return [
        KpiRow(
            kpi,
            kpi.latest_value,
            _label(kpi, kpi.latest_period),
            on_target(kpi, kpi.latest_value),
        )
        for kpi in annotated
    ]


@dataclass
class KpiGroups:
    mine: list[KpiRow] = field(default_factory=list)
    team: list[KpiRow] = field(default_factory=list)
    organisation: list[KpiRow] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.mine or self.team or self.organisation)


def kpi_groups(user: Actor, *, include_inactive: bool = False) -> KpiGroups:
    """The KPIs the user may read: mine (about me, my role, my department and those above
    it), my team's (my line: my reports, their roles and departments), and for HR admins
    and executives the rest of the organisation."""
    kpis = access.kpis_visible_to(user)
    if not include_inactive:
        kpis = kpis.filter(is_active=True)
    rows = kpi_rows(kpis.order_by("name", "id"))
    me = acting_person(user)
    groups = KpiGroups()
    if me is None:
        groups.organisation = rows
        return groups
    my_departments = own_department_ids(user)
    line_departments = access.related_department_ids(user)
    title = me.job_title.strip().lower()
    report_titles = (
        {
            t.strip().lower()
            for t in reports_of(me)
            .filter(status=Person.Status.ACTIVE)
            .exclude(job_title="")
            .order_by()
            .values_list("job_title", flat=True)
            .distinct()
        }
        if has_reports(me)
        else set()
    )
    for row in rows:
        kpi = row.kpi
        if (
            (kpi.scope == Kpi.Scope.PERSON and kpi.person_id == me.pk)
            or (kpi.scope == Kpi.Scope.TEAM and kpi.department_id in my_departments)
            or (kpi.scope == Kpi.Scope.ROLE and title and kpi.job_title.lower() == title)
        ):
            groups.mine.append(row)
        elif (
            (
                kpi.scope == Kpi.Scope.PERSON
                and kpi.person is not None
                and access.is_in_line_of(me, kpi.person)
            )
            or (kpi.scope == Kpi.Scope.TEAM and kpi.department_id in line_departments)
            or (kpi.scope == Kpi.Scope.ROLE and kpi.job_title.lower() in report_titles)
        ):
            groups.team.append(row)
        else:
            groups.organisation.append(row)
    return groups


@dataclass
class Series:
    person: Person | None
    measurements: list[KpiMeasurement]
    latest: KpiMeasurement | None
    on_target: bool | None

    @property
    def points(self) -> list[tuple[datetime.date, float]]:
        return [(m.period_start, float(m.value)) for m in self.measurements]


def series_for(user: Actor, kpi: Kpi, *, person: Person | None = None) -> list[Series]:
    """The KPI's series the user may read, oldest value first: one for team and person
    KPIs; for role KPIs one per visible current holder (the first ``SERIES_LIMIT`` by
    name), or only ``person``'s when given (a former holder's too: their values stay).
    The caller checks that the user may read ``person``'s series."""
    measurements = (
        KpiMeasurement.objects.filter(kpi=kpi)
        .select_related("person", "recorded_by")
        .order_by("period_start")
    )
    if kpi.scope != Kpi.Scope.ROLE:
        values = list(measurements.filter(person__isnull=True))
        latest = values[-1] if values else None
        return [Series(None, values, latest, on_target(kpi, latest.value if latest else None))]
    if person is not None:
        people = [person]
    else:
        holders = access.holders_of(kpi.job_title)
        people_filter = access.series_people_filter(user)
        if people_filter is not None:
            holders = holders.filter(people_filter)
        people = list(holders.order_by("last_name", "first_name", "id")[:SERIES_LIMIT])
    by_person: dict[int | None, Series] = {p.pk: Series(p, [], None, None) for p in people}
    for m in measurements.filter(person__in=list(by_person)):
        by_person[m.person_id].measurements.append(m)
    for series in by_person.values():
        series.latest = series.measurements[-1] if series.measurements else None
        series.on_target = on_target(kpi, series.latest.value if series.latest else None)
    return list(by_person.values())


def role_holders(user: Actor, kpi: Kpi) -> tuple[list[HolderRow], int]:
    """The visible current holders of a role KPI's job title with their latest value
    (first ``SERIES_LIMIT`` by name), and how many there are in all."""
    holders = access.holders_of(kpi.job_title)
    people_filter = access.series_people_filter(user)
    if people_filter is not None:
        holders = holders.filter(people_filter)
    series = KpiMeasurement.objects.filter(kpi=kpi, person=OuterRef("pk"))
    annotated = (
        holders.select_related("department")
        .annotate(latest_value=_latest_value(series), latest_period=_latest_period(series))
        .order_by("last_name", "first_name", "id")[:SERIES_LIMIT]
    )
    rows = [
        HolderRow(
            holder,
            holder.latest_value,
            _label(kpi, holder.latest_period),
            on_target(kpi, holder.latest_value),
        )
        for holder in annotated
    ]
    count = len(rows) if len(rows) < SERIES_LIMIT else holders.count()
    return rows, count


def measurements_for(
    user: Actor, kpi: Kpi, *, person: Person | None = None
) -> QuerySet[KpiMeasurement]:
    """The KPI's measurements the user may read, newest first (for the API)."""
    qs = (
        KpiMeasurement.objects.filter(kpi=kpi)
        .select_related("person")
        .order_by("-period_start", F("person_id").asc(nulls_first=True))
    )
    if kpi.scope == Kpi.Scope.ROLE:
        people_filter = access.series_people_filter(user)
        if people_filter is not None:
            qs = qs.filter(person__in=Person.objects.filter(people_filter))
    if person is not None:
        qs = qs.filter(person=person)
    return qs


# --- lists for the API -----------------------------------------------------------------
# What a row of the API's KPI and measurement lists reads (kpis.api.kpi_items,
# measurement_items), in one query: no model instances, the names joined.

KPI_API_FIELDS = (
    *("id", "name", "code", "description", "unit", "target", "direction", "frequency"),
    *("scope", "job_title", "department_id", "department__full_name", "person_id"),
    *("person__first_name", "person__last_name", "person__work_email", "is_active"),
)
MEASUREMENT_API_FIELDS = (
    *("id", "kpi_id", "person_id", "person__first_name", "person__last_name"),
    *("person__work_email", "period_start", "value", "note", "source", "recorded_at"),
)


def kpi_api_rows(kpis: QuerySet[Kpi]) -> QuerySet[Kpi, dict[str, Any]]:
    """``kpis`` (ordered, from ``kpis_visible_to``) as dicts of ``KPI_API_FIELDS``."""
    return kpis.values(*KPI_API_FIELDS)


def measurement_api_rows(
    measurements: QuerySet[KpiMeasurement],
) -> QuerySet[KpiMeasurement, dict[str, Any]]:
    """``measurements`` (ordered, from ``measurements_for``) as dicts of
    ``MEASUREMENT_API_FIELDS``."""
    return measurements.values(*MEASUREMENT_API_FIELDS)
