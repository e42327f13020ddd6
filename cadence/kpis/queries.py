"""Reads of KPIs and their series, shared by the pages and the API. Every list starts
from ``access.kpis_visible_to`` and loads what its template shows in a fixed number of
queries."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery

from cadence.kpis import access
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.kpis.services import period_label
from cadence.people.access import acting_person, has_reports, own_department_ids, reports_of
from cadence.people.models import Person

SERIES_LIMIT = 200  # people per role KPI shown at once


def on_target(kpi: Kpi, value: Decimal | None) -> bool | None:
    if value is None:
        return None
    if kpi.direction == Kpi.Direction.LOWER_IS_BETTER:
        return value <= kpi.target
    return value >= kpi.target


def with_latest(kpis: QuerySet[Kpi]) -> QuerySet[Kpi]:
    """Annotate the latest value and its period of the KPI's single series (team and
    person KPIs; role KPIs have one series per holder and get None)."""
    latest = KpiMeasurement.objects.filter(kpi=OuterRef("pk"), person__isnull=True).order_by(
        "-period_start"
    )
    return kpis.select_related("department", "person").annotate(
        latest_value=Subquery(
            latest.values("value")[:1],
            output_field=DecimalField(max_digits=18, decimal_places=4),
        ),
        latest_period=Subquery(latest.values("period_start")[:1]),
    )


def _flag(kpis: list[Kpi]) -> list[Kpi]:
    for kpi in kpis:
        kpi.on_target = on_target(kpi, kpi.latest_value)
        kpi.latest_label = (
            period_label(kpi.frequency, kpi.latest_period) if kpi.latest_period else ""
        )
    return kpis


@dataclass
class KpiGroups:
    mine: list[Kpi] = field(default_factory=list)
    team: list[Kpi] = field(default_factory=list)
    organisation: list[Kpi] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.mine or self.team or self.organisation)


def kpi_groups(user: Any, *, include_inactive: bool = False) -> KpiGroups:
    """The KPIs the user may read: mine (about me, my role, my department and those above
    it), my team's (my line: my reports, their roles and departments), and for HR admins
    and executives the rest of the organisation."""
    kpis = access.kpis_visible_to(user)
    if not include_inactive:
        kpis = kpis.filter(is_active=True)
    rows = _flag(list(with_latest(kpis).order_by("name", "id")))
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
    for kpi in rows:
        if (
            (kpi.scope == Kpi.Scope.PERSON and kpi.person_id == me.pk)
            or (kpi.scope == Kpi.Scope.TEAM and kpi.department_id in my_departments)
            or (kpi.scope == Kpi.Scope.ROLE and title and kpi.job_title.lower() == title)
        ):
            groups.mine.append(kpi)
        elif (
            (kpi.scope == Kpi.Scope.PERSON and access.is_in_line_of(me, kpi.person))
            or (kpi.scope == Kpi.Scope.TEAM and kpi.department_id in line_departments)
            or (kpi.scope == Kpi.Scope.ROLE and kpi.job_title.lower() in report_titles)
        ):
            groups.team.append(kpi)
        else:
            groups.organisation.append(kpi)
    return groups


@dataclass
class Series:
    person: Person | None
    measurements: list[KpiMeasurement]
    latest: KpiMeasurement | None
    on_target: bool | None

    @property
    def points(self) -> list[tuple[Any, float]]:
        return [(m.period_start, float(m.value)) for m in self.measurements]


def series_for(user: Any, kpi: Kpi, *, person: Person | None = None) -> list[Series]:
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
    by_person = {p.pk: Series(p, [], None, None) for p in people}
    for m in measurements.filter(person__in=list(by_person)):
        by_person[m.person_id].measurements.append(m)
    for series in by_person.values():
        series.latest = series.measurements[-1] if series.measurements else None
        series.on_target = on_target(kpi, series.latest.value if series.latest else None)
    return list(by_person.values())


def role_holders(user: Any, kpi: Kpi) -> tuple[list[Person], int]:
    """The visible current holders of a role KPI's job title with their latest value
    (first ``SERIES_LIMIT`` by name), and how many there are in all."""
    holders = access.holders_of(kpi.job_title)
    people_filter = access.series_people_filter(user)
    if people_filter is not None:
        holders = holders.filter(people_filter)
    latest = KpiMeasurement.objects.filter(kpi=kpi, person=OuterRef("pk")).order_by("-period_start")
    rows = list(
        holders.select_related("department")
        .annotate(
            latest_value=Subquery(
                latest.values("value")[:1],
                output_field=DecimalField(max_digits=18, decimal_places=4),
            ),
            latest_period=Subquery(latest.values("period_start")[:1]),
        )
        .order_by("last_name", "first_name", "id")[:SERIES_LIMIT]
    )
    for holder in rows:
        holder.on_target = on_target(kpi, holder.latest_value)
        holder.latest_label = (
            period_label(kpi.frequency, holder.latest_period) if holder.latest_period else ""
        )
    count = len(rows) if len(rows) < SERIES_LIMIT else holders.count()
    return rows, count


def measurements_for(
    user: Any, kpi: Kpi, *, person: Person | None = None
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
