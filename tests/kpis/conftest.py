"""KPI fixtures, built through the real services on top of the ``org`` fixture.

team_kpi    "Deploys"        team Engineering/Platform, monthly, higher is better, target 10
person_kpi  "Tickets closed" Ann the engineer, weekly, higher is better, target 5
role_kpi    "Calls made"     job title Account executive (Sam the seller), monthly, target 40
sales_kpi   "Pipeline"       team Sales/Enterprise, quarterly, target 100000
"""

import pytest

from cadence.kpis import services
from cadence.kpis.models import Kpi
from cadence.people import services as people
from cadence.people.models import Department, Person
from tests.conftest import Org, make_person


@pytest.fixture
def platform(org: Org) -> Department:
    return Department.objects.get(full_name="Engineering/Platform")


@pytest.fixture
def team_kpi(org: Org, platform: Department) -> Kpi:
    return services.kpi_define(
        actor=org.eng_manager.user,
        name="Deploys",
        code="deploys",
        unit="deploys",
        target=10,
        frequency="monthly",
        scope="team",
        department=platform,
    )


@pytest.fixture
def person_kpi(org: Org) -> Kpi:
    return services.kpi_define(
        actor=org.eng_manager.user,
        name="Tickets closed",
        code="tickets",
        target=5,
        frequency="weekly",
        scope="person",
        person=org.engineer,
    )


@pytest.fixture
def role_kpi(org: Org) -> Kpi:
    people.person_update(actor=None, person=org.seller, job_title="Account executive")
    org.seller.refresh_from_db()
    return services.kpi_define(
        actor=org.hr.user,
        name="Calls made",
        code="calls",
        unit="calls",
        target=40,
        frequency="monthly",
        scope="role",
        job_title="Account executive",
    )


@pytest.fixture
def sales_kpi(org: Org) -> Kpi:
    return services.kpi_define(
        actor=org.hr.user,
        name="Pipeline",
        code="pipeline",
        unit="EUR",
        target=100000,
        frequency="quarterly",
        scope="team",
        department=Department.objects.get(full_name="Sales/Enterprise"),
    )


@pytest.fixture
def out_of_reach(org: Org, role_kpi: Kpi) -> dict[str, Person]:
    """For the Platform manager (eng_manager): three people they may not name, each
    holding the role of ``role_kpi`` so that only access tells them apart from nobody.

    other_branch  Sam Seller (E200), active, in Sales
    left          Lee Gone (E300), in Sales, has left
    own_left      Bo Former (E400), left the Platform manager's own line
    """
    people.person_update(actor=None, person=org.seller, employee_id="E200")
    org.seller.refresh_from_db()
    left = make_person(
        "lee.gone@example.com",
        manager=org.sales_manager,
        department="Sales/Enterprise",
        employee_id="E300",
        job_title="Account executive",
    )
    own_left = make_person(
        "bo.former@example.com",
        manager=org.eng_manager,
        department="Engineering/Platform",
        employee_id="E400",
        job_title="Account executive",
    )
    for person in (left, own_left):
        people.person_mark_left(actor=None, person=person)
        person.refresh_from_db()
    return {"other_branch": org.seller, "left": left, "own_left": own_left}
