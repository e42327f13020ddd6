"""A small organisation with something behind every API endpoint, built through the
real services: periods, a framework, a plan with a development item, a goal tree with
key results and a check-in, KPIs with measurements, and personal API tokens.

Shared by the contract test (tests/test_openapi.py) and the fuzz run
(tests/test_api_fuzz.py).
"""

import datetime
from dataclasses import dataclass

from cadence.accounts.services import api_token_create
from cadence.goals import services as goals
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.kpis import services as kpis
from cadence.kpis.models import Kpi
from cadence.notifications import kinds
from cadence.notifications import services as notifications
from cadence.notifications.models import Notification
from cadence.people.models import Department
from cadence.planning import services as planning
from cadence.planning.models import (
    CompetencyFramework,
    DevelopmentItem,
    PerformancePeriod,
    PerformancePlan,
)
from cadence.reviews.models import ReviewTemplate
from cadence.reviews.services import templates as review_templates
from tests.conftest import Org

COMPETENCIES = (
    b"Group,Competency,Description,Level,Expected behaviour\n"
    b"Delivery,Ownership,Owns outcomes,L3,Delivers own work end to end\n"
)

# A kind of the API's own, so the notification endpoints have something to list and read
# whichever kinds the areas register.
API_KIND = kinds.register_kind(
    kinds.Kind(
        key="test.api.goal",
        group="API tests",
        label="Someone mentions my goal",
        sentence="{actor} mentioned {target}.",
    )
)


@dataclass
class World:
    org: Org
    period: PerformancePeriod
    quarter: PerformancePeriod
    framework: CompetencyFramework
    plan: PerformancePlan
    item: DevelopmentItem
    company_goal: Goal
    goal: Goal
    key_result: KeyResult
    check_in: CheckIn
    kpi: Kpi
    role_kpi: Kpi
    notification: Notification
    review_template: ReviewTemplate
    engineer_token: str
    manager_token: str
    hr_token: str


def build_world(org: Org) -> World:
    today = datetime.date.today()
    hr = org.hr.user
    period = planning.period_create(
        actor=hr,
        name="This year",
        kind="year",
        starts_on=today - datetime.timedelta(days=180),
        ends_on=today + datetime.timedelta(days=185),
    )
    planning.period_activate(actor=hr, period=period)
    quarter = planning.period_create(
        actor=hr,
        name="This quarter",
        kind="quarter",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=60),
    )
    framework = planning.framework_create(actor=hr, name="Engineering", period=period)
    planning.competencies_import(
        actor=hr, framework=framework, data=COMPETENCIES, file_name="competencies.csv"
    )
    manager = org.eng_manager.user
    company_goal = goals.goal_create(
        actor=hr, period=period, title="Grow revenue", owner_type="company"
    )
    goal = goals.goal_create(
        actor=manager,
        period=period,
        title="Ship the importer",
        description="The HRIS import, end to end.",
        owner_type="person",
        owner_person=org.engineer,
        parent=company_goal,
    )
    key_result = goals.key_result_create(
        actor=manager,
        goal=goal,
        title="Close import tickets",
        kind="number",
        direction="increase",
        start_value=0,
        target_value=10,
        unit="tickets",
    )
    check_in = goals.check_in_create(
        actor=manager, key_result=key_result, value=4, confidence="on_track", comment="Going"
    )
    plan = planning.plan_open(actor=manager, person=org.engineer, period=period)
    planning.plan_update(actor=manager, plan=plan, expectations="Own the import.")
    item = planning.development_item_add(
        actor=manager, plan=plan, need="Public speaking", action="Give a talk"
    )
    kpi = kpis.kpi_define(
        actor=manager,
        name="Deploys",
        code="deploys",
        unit="deploys",
        target=10,
        frequency="monthly",
        scope="team",
        department=Department.objects.get(full_name="Engineering/Platform"),
    )
    kpis.measurement_record(actor=manager, kpi=kpi, value=12, period_start=today)
    role_kpi = kpis.kpi_define(
        actor=hr,
        name="Calls made",
        code="calls",
        target=40,
        frequency="weekly",
        scope="role",
        job_title=org.engineer.job_title or "Engineer",
    )
    [notification] = notifications.notify(
        API_KIND.key, [org.eng_manager], actor=org.engineer, target=goal
    )
    review_template = review_templates.template_create(actor=hr, name="Annual review")
    _, engineer_token = api_token_create(actor=org.engineer.user, name="contract")
    _, manager_token = api_token_create(actor=manager, name="contract")
    _, hr_token = api_token_create(actor=hr, name="contract")
    return World(
        org=org,
        period=period,
        quarter=quarter,
        framework=framework,
        plan=plan,
        item=item,
        company_goal=company_goal,
        goal=goal,
        key_result=key_result,
        check_in=check_in,
        kpi=kpi,
        role_kpi=role_kpi,
        notification=notification,
        review_template=review_template,
        engineer_token=engineer_token,
        manager_token=manager_token,
        hr_token=hr_token,
    )
