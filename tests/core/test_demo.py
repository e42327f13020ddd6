import io
import re

import pytest
from django.core.management import call_command

from cadence.goals.models import CheckIn, Goal
from cadence.kpis.models import KpiMeasurement
from cadence.people.models import Person
from cadence.planning.models import PerformancePeriod, PerformancePlan

ROLES = "hr admin|executive|manager|employee"
LOGIN = re.compile(rf"^login: (\S+@\S+)  password: (\S+)  \(({ROLES})\)$")


@pytest.mark.django_db(transaction=True)
def test_demo_loads_a_living_organisation_once(client):
    out = io.StringIO()
    call_command("demo", people=60, stdout=out)
    logins = [m.groups() for line in out.getvalue().splitlines() if (m := LOGIN.match(line))]
    assert sorted(role for _, _, role in logins) == ["employee", "executive", "hr admin", "manager"]
    for email, password, _role in logins:
        assert client.login(email=email, password=password), email

    current = PerformancePeriod.objects.get(state="active", kind="year")
    assert PerformancePeriod.objects.filter(state="closed", kind="year").exists()
    assert Goal.objects.filter(period=current, owner_type="company").count() == 3
    assert Goal.objects.filter(period=current, owner_type="person", parent__isnull=False).exists()
    assert CheckIn.objects.filter(key_result__goal__period=current).count() > 50
    states = set(PerformancePlan.objects.filter(period=current).values_list("state", flat=True))
    assert states == {"draft", "proposed", "agreed"}
    assert KpiMeasurement.objects.filter(kpi__scope="team").count() >= 12
    assert_goal_health_reads_like_a_real_company(current)

    counts = (
        Person.objects.count(),
        Goal.objects.count(),
        CheckIn.objects.count(),
        PerformancePlan.objects.count(),
    )
    call_command("demo", people=60, stdout=io.StringIO())
    assert (
        Person.objects.count(),
        Goal.objects.count(),
        CheckIn.objects.count(),
        PerformancePlan.objects.count(),
    ) == counts


def assert_goal_health_reads_like_a_real_company(period: PerformancePeriod) -> None:
    """Most active goals on track, some at risk, a few off track — read through the same
    rule and query as the pages (cadence.goals.health via queries._flag)."""
    from collections import Counter

    from cadence.goals import queries

    goals = queries._goals_of_period(Goal.objects.filter(period=period, state="active"), period)
    statuses = Counter(goal.health.status for goal in queries._flag(goals))
    total = sum(statuses.values())
    assert total >= 30
    assert statuses["on_track"] / total >= 0.55
    assert 0.08 <= statuses["at_risk"] / total <= 0.35
    assert 0.02 <= statuses["off_track"] / total <= 0.20
    assert statuses["off_track"] < statuses["at_risk"] < statuses["on_track"]
