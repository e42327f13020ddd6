"""Planning fixtures, built through the real services on top of the ``org`` fixture."""

import datetime

import pytest

from cadence.planning import services
from cadence.planning.models import CompetencyFramework, PerformancePeriod, PerformancePlan
from tests.conftest import Org

CSV = (
    b"Group,Competency,Description,Level,Expected behaviour\n"
    b"Delivery,Ownership,Owns outcomes,L3,Delivers own work end to end\n"
    b"Delivery,Ownership,Owns outcomes,L4,Owns a team's outcomes\n"
    b"Collaboration,Feedback,Gives and takes feedback,L3,Asks for feedback every sprint\n"
)


@pytest.fixture
def previous_period(org: Org) -> PerformancePeriod:
    return services.period_create(
        actor=org.hr.user,
        name="FY2026",
        kind="year",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def period(org: Org) -> PerformancePeriod:
    period = services.period_create(
        actor=org.hr.user,
        name="FY2027",
        kind="year",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    return services.period_activate(actor=org.hr.user, period=period)


@pytest.fixture
def framework(org: Org, period: PerformancePeriod) -> CompetencyFramework:
    framework = services.framework_create(actor=org.hr.user, name="Engineering", period=period)
    services.competencies_import(
        actor=org.hr.user, framework=framework, data=CSV, file_name="competencies.csv"
    )
    return framework


@pytest.fixture
def plan(org: Org, period: PerformancePeriod) -> PerformancePlan:
    """Ann's draft plan for FY2027, opened by her manager."""
    return services.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)


def agree(org: Org, plan: PerformancePlan) -> PerformancePlan:
    services.plan_propose(actor=org.eng_manager.user, plan=plan)
    services.plan_sign(actor=org.eng_manager.user, plan=plan, comment="Good plan")
    return services.plan_sign(actor=org.engineer.user, plan=plan, comment="Agreed")
