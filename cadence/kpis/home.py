"""What the KPIs area puts on the home page: values due from me.

A value is due once its period is over: on 1 December, November's value of a monthly
KPI (and last week's of a weekly one, last quarter's of a quarterly one) — for KPIs that
existed before that period ended. Due from me: my own person KPIs (people record their
own figures; docs/kpis.md) and the role KPIs my direct reports hold, whose values their
manager chain records (the holder may not). Team KPIs are left to the KPIs page: who
manages a department is a rule per department, too dear for every home page.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cadence.accounts.types import Actor
from cadence.home.registry import HomeItem, HomeSection, register_section
from cadence.kpis import access
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.kpis.services import period_name, period_start_of
from cadence.people.access import has_reports
from cadence.people.models import Person


def due_period(frequency: str, today: datetime.date) -> datetime.date:
    """The start of the last period of ``frequency`` that is over by ``today``."""
    current = period_start_of(frequency, today)
    return period_start_of(frequency, current - datetime.timedelta(days=1))


def values_due(user: Actor, me: Person, today: datetime.date | None = None) -> list[HomeItem]:
    """Three queries whatever the team's size: my direct reports' job titles, the KPIs,
    and the values already recorded for the due periods."""
    today = today or timezone.localdate()
    due = {f: due_period(f, today) for f in Kpi.Frequency.values}
    # A KPI defined during a period owes no value for it.
    defined_before = Q()
    for frequency in due:
        defined_before |= Q(
            frequency=frequency, created_at__date__lt=period_start_of(frequency, today)
        )
    holders: dict[str, list[Person]] = defaultdict(list)
    if has_reports(me):
        # Unordered: with Person's default ordering SQLite walks the directory index
        # of every active person (120 ms at 100,000) instead of the manager's index.
        reports = me.direct_reports.filter(status=Person.Status.ACTIVE).exclude(job_title="")
        for report in reports.order_by():
            holders[report.job_title.strip().lower()].append(report)
    wanted = Q(scope=Kpi.Scope.PERSON, person=me)
    if holders:
        wanted |= Q(scope=Kpi.Scope.ROLE)
    kpis = [
        kpi
        for kpi in access.kpis_visible_to(user)
        .filter(wanted, defined_before, is_active=True)
        .order_by("name", "id")
        if kpi.scope == Kpi.Scope.PERSON or kpi.job_title.strip().lower() in holders
    ]
    if not kpis:
        return []
    recorded = set(
        KpiMeasurement.objects.filter(
            kpi__in=[k.pk for k in kpis], period_start__in=set(due.values())
        ).values_list("kpi_id", "person_id", "period_start")
    )
    out = []
    group = _("KPI values due")
    for kpi in kpis:
        start = due[kpi.frequency]
        label = period_name(kpi.frequency, start)
        url = reverse("kpis:kpi", args=[kpi.pk])
        if kpi.scope == Kpi.Scope.PERSON:
            if (kpi.pk, None, start) not in recorded:
                text = _("Record %(kpi)s for %(period)s") % {"kpi": kpi.name, "period": label}
                out.append(HomeItem(text, url, group=group))
            continue
        missing = [
            p
            for p in holders[kpi.job_title.strip().lower()]
            if (kpi.pk, p.pk, start) not in recorded
        ]
        if missing:
            text = ngettext(
                "Record %(kpi)s for %(period)s: %(count)s of your reports",
                "Record %(kpi)s for %(period)s: %(count)s of your reports",
                len(missing),
            ) % {"kpi": kpi.name, "period": label, "count": len(missing)}
            if len(missing) == 1:
                text = _("Record %(kpi)s for %(period)s: %(person)s") % {
                    "kpi": kpi.name,
                    "period": label,
                    "person": missing[0].full_name,
                }
                url += f"?person={missing[0].pk}"
            out.append(HomeItem(text, url, group=group))
    return out


def items(user: Actor, me: Person | None) -> list[HomeItem]:
    if me is None:
        return []
    return values_due(user, me)


def register() -> None:
    register_section(HomeSection(key="kpis", title=gettext_lazy("KPIs"), order=40, items=items))
