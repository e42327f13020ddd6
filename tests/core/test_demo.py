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
