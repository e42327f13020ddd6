"""Overdue KPI values: a reminder to whoever records the value (docs/kpis.md).

A KPI's value for a period is overdue when nothing is recorded
``CADENCE_KPI_OVERDUE_GRACE_DAYS`` days after the period ended. The sweep looks at the
latest period of each frequency that is that far behind — never further back: a KPI
nobody filled in for a year is one reminder per period as each falls due, not a dozen at
once — and only at active KPIs that existed before the period ended.

Who is reminded, by the recording rule of ``kpis.access.can_record``:

* a person KPI: the person (they may record their own figures);
* a role KPI: each holder's series, the holder's manager (a holder may not record their
  own value; their manager chain may), one reminder per holder naming them;
* a team KPI: the lowest manager who manages the department (``manages_department``),
  usually its head; a department nobody manages alone (people in two branches) reminds
  nobody — HR records it.

Reminders reach people during their day (``CADENCE_REMINDER_HOURS`` in their own time
zone); the sweep runs hourly. Keyed ``kpi-overdue:<kpi>:<holder or 0>:<period start>``:
once per series and period.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.kpis import access
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.kpis.services import period_name, period_start_of
from cadence.notifications import kinds, schedule, services, sweeps
from cadence.notifications.models import Channel
from cadence.people.models import Department, Person

OVERDUE = "kpi.value_overdue"
HOLDER_OVERDUE = "kpi.holder_value_overdue"
TARGET_TYPE = "kpis.kpi"


def due_period(frequency: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(start, day after the end) of the latest period of ``frequency`` whose value is
    overdue on ``today``: it ended more than the grace days ago."""
    grace = datetime.timedelta(days=settings.CADENCE_KPI_OVERDUE_GRACE_DAYS)
    following = period_start_of(frequency, today - grace)
    return period_start_of(frequency, following - datetime.timedelta(days=1)), following


def overdue_key(kpi_id: int, holder_id: int | None, start: datetime.date) -> str:
    return f"kpi-overdue:{kpi_id}:{holder_id or 0}:{start.isoformat()}"


def kpi_overdue_reminders(now: datetime.datetime) -> int:
    """Remind whoever records each overdue value; returns how many reminders were new."""
    today = timezone.localdate(now)
    asleep = sweeps.asleep_time_zones(now)
    created = 0
    for frequency in Kpi.Frequency.values:
        start, following = due_period(frequency, today)
        # Existed before the period ended, in the organisation's time.
        ended = timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))
        # Stored with the notification and read by a person: the period's name (in the
        # organisation's language: the sweep runs outside any request).
        params = {"period": period_name(frequency, start)}
        kpis = """
            FROM kpis_kpi k
            {join}
            WHERE k.is_active AND k.scope = %s AND k.frequency = %s AND k.created_at < %s
              AND NOT EXISTS (
                  SELECT 1 FROM kpis_kpimeasurement v
                  WHERE v.kpi_id = k.id AND v.period_start = %s AND {series})
        """
        common = [frequency, sweeps.db_datetime(ended), sweeps.db_date(start)]
        key = f"':' || '{start.isoformat()}'"
        person_kpis = f"""
            SELECT k.person_id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
                   k.id AS target_id, 'kpi-overdue:' || CAST(k.id AS TEXT) || ':0' || {key}
                       AS dedup_key
            {kpis.format(join="", series="v.person_id IS NULL")}
        """  # noqa: S608 - constant SQL and an ISO date
        created += sweeps.notify_selected(
            OVERDUE,
            person_kpis,
            [Kpi.Scope.PERSON.value, *common],
            now=now,
            target_type=TARGET_TYPE,
            params=params,
            asleep=asleep,
        )
        holders = kpis.format(
            join="JOIN people_person h ON h.status = 'active'"
            " AND lower(trim(h.job_title)) = lower(trim(k.job_title))",
            series="v.person_id = h.id",
        )
        role_kpis = f"""
            SELECT h.manager_id AS recipient_id, h.id AS actor_id, k.id AS target_id,
                   'kpi-overdue:' || CAST(k.id AS TEXT) || ':' || CAST(h.id AS TEXT) || {key}
                       AS dedup_key
            {holders}
              AND h.manager_id IS NOT NULL
        """  # noqa: S608 - constant SQL and an ISO date
        created += sweeps.notify_selected(
            HOLDER_OVERDUE,
            role_kpis,
            [Kpi.Scope.ROLE.value, *common],
            now=now,
            target_type=TARGET_TYPE,
            params=params,
            asleep=asleep,
        )
        created += _team_reminders(frequency, start, ended, params, set(asleep or ()))
    return created


def _team_reminders(
    frequency: str,
    start: datetime.date,
    ended: datetime.datetime,
    params: dict[str, str],
    asleep: set[str],
) -> int:
    """Team KPIs, a handful per organisation: one ``notify`` each, to the department's
    head, found by the access rule itself rather than a SQL copy of it."""
    recorded = KpiMeasurement.objects.filter(period_start=start, person__isnull=True)
    overdue = (
        Kpi.objects.filter(
            is_active=True, scope=Kpi.Scope.TEAM, frequency=frequency, created_at__lt=ended
        )
        .exclude(pk__in=recorded.values("kpi_id"))
        .select_related("department")
    )
    created = 0
    heads: dict[int, Person | None] = {}
    for kpi in overdue:
        department = kpi.department
        if department is None:
            continue
        if department.pk not in heads:
            heads[department.pk] = department_head(department)
        head = heads[department.pk]
        if head is not None and head.time_zone not in asleep:
            created += len(
                services.notify(
                    OVERDUE,
                    [head],
                    target=kpi,
                    params=params,
                    dedup_key=overdue_key(kpi.pk, None, start),
                )
            )
    return created


def department_head(department: Department) -> Person | None:
    """The lowest manager who manages ``department`` (``access.manages_department``):
    found among the managers common to everyone in it, from the deepest up."""
    # The department's people as ``manages_department`` counts them (sub-departments too).
    paths = (
        Person.objects.filter(
            Q(department=department)
            | Q(department__full_name__startswith=department.full_name + "/"),
            status=Person.Status.ACTIVE,
        )
        .order_by()
        .values_list("reporting_path", flat=True)
    )
    common: list[str] | None = None
    for path in paths.iterator():
        ids = path.strip("/").split("/")
        if common is None:
            common = ids
        else:
            n = 0
            while n < min(len(common), len(ids)) and common[n] == ids[n]:
                n += 1
            common = common[:n]
        if not common:
            return None
    for person_id in reversed(common or []):
        person = Person.objects.filter(pk=int(person_id), status=Person.Status.ACTIVE).first()
        if person is not None and access.manages_department(person, department):
            return person
    return None


def register() -> None:
    kinds.register_kinds(
        [
            kinds.Kind(
                key=OVERDUE,
                group=str(_("KPIs")),
                label=str(_("A KPI value I record is overdue")),
                sentence=str(_("The value of {target} for {period} is overdue.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=HOLDER_OVERDUE,
                group=str(_("KPIs")),
                label=str(_("A KPI value I record for someone in my team is overdue")),
                sentence=str(_("{actor}'s value of {target} for {period} is overdue.")),
                default=Channel.EMAIL,
            ),
        ]
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="kpi-overdue",
            run=kpi_overdue_reminders,
            cron="15 * * * *",
            description="Remind whoever records a KPI value that is overdue.",
        )
    )
