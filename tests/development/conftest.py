"""Development fixtures, built through the real services on top of the ``org`` fixture.

period      FY2027, active, with the "Engineering" framework (Ownership L3/L4, Feedback L3)
plan        Ann's FY2027 plan with one development need on Ownership, agreed by both —
            the planning hook copies it into her development plan
item        Ann's own item: the skill "Public speaking", due in 10 days, owned by her
"""

import datetime

import pytest
from django.utils import timezone

from cadence.development import services
from cadence.development.models import DevelopmentItem
from cadence.planning import services as planning
from cadence.planning.models import (
    Competency,
    CompetencyFramework,
    PerformancePeriod,
    PerformancePlan,
)
from tests.conftest import Org

CSV = (
    b"Group,Competency,Description,Level,Expected behaviour\n"
    b"Delivery,Ownership,Owns outcomes,L3,Delivers own work end to end\n"
    b"Delivery,Ownership,Owns outcomes,L4,Owns a team's outcomes\n"
    b"Collaboration,Feedback,Gives and takes feedback,L3,Asks for feedback every sprint\n"
)


@pytest.fixture
def period(org: Org) -> PerformancePeriod:
    today = timezone.localdate()
    period = planning.period_create(
        actor=org.hr.user,
        name="FY now",
        kind="year",
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=265),
    )
    return planning.period_activate(actor=org.hr.user, period=period)


@pytest.fixture
def framework(org: Org, period: PerformancePeriod) -> CompetencyFramework:
    framework = planning.framework_create(actor=org.hr.user, name="Engineering", period=period)
    planning.competencies_import(
        actor=org.hr.user, framework=framework, data=CSV, file_name="competencies.csv"
    )
    return framework


@pytest.fixture
def ownership(framework: CompetencyFramework) -> Competency:
    return Competency.objects.get(group__framework=framework, name="Ownership")


@pytest.fixture
def feedback(framework: CompetencyFramework) -> Competency:
    return Competency.objects.get(group__framework=framework, name="Feedback")


def agree(org: Org, plan: PerformancePlan) -> PerformancePlan:
    planning.plan_propose(actor=org.eng_manager.user, plan=plan)
    planning.plan_sign(actor=org.eng_manager.user, plan=plan, comment="Good plan")
    return planning.plan_sign(actor=org.engineer.user, plan=plan, comment="Agreed")


@pytest.fixture
def plan(org: Org, period: PerformancePeriod, ownership: Competency) -> PerformancePlan:
    plan = planning.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)
    planning.development_item_add(
        actor=org.eng_manager.user,
        plan=plan,
        need="Own a release end to end",
        action="Lead the spring release with a senior as mentor",
        due_on=timezone.localdate() + datetime.timedelta(days=60),
        competency=ownership,
    )
    return agree(org, plan)


@pytest.fixture
def item(org: Org) -> DevelopmentItem:
    return services.item_add(
        actor=org.engineer.user,
        person=org.engineer,
        skill="Public speaking",
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
