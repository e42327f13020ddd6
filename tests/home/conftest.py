"""A world with something waiting for each role, built through the real services:

* Ann (engineer) proposed a goal → awaiting Eng Manager's approval;
* Ann's FY plan is proposed and signed by her → Eng Manager has a plan to sign;
  Bob (engineer2) has no plan → a report without an agreed plan;
* Ann's active goal has had no check-in for weeks → "needs attention" for Ann;
* Ann has a monthly person KPI defined long ago with no value → a value due;
* Eng Manager has an unread notification about Ann's goal.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from cadence.goals import services as goals
from cadence.goals.models import Goal
from cadence.kpis import services as kpis
from cadence.kpis.models import Kpi
from cadence.notifications.services import notify
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod, PerformancePlan
from tests.conftest import Org


@dataclass
class World:
    org: Org
    period: PerformancePeriod
    proposed: Goal
    stale: Goal
    plan: PerformancePlan
    kpi: Kpi


@pytest.fixture(autouse=True)
def _uncounted() -> None:
    # The organisation's health is cached per reader and day; each test counts afresh.
    cache.clear()


@pytest.fixture
def world(org: Org) -> World:
    return build_world(org)


def build_world(org: Org) -> World:
    today = datetime.date.today()
    period = planning.period_activate(
        actor=org.hr.user,
        period=planning.period_create(
            actor=org.hr.user,
            name="FY2027",
            kind="year",
            starts_on=today - datetime.timedelta(days=180),
            ends_on=today + datetime.timedelta(days=185),
        ),
    )
    proposed = goals.goal_create(
        actor=org.engineer.user,
        period=period,
        title="Learn Rust",
        owner_type="person",
        owner_person=org.engineer,
        state="draft",
    )
    proposed = goals.goal_submit(actor=org.engineer.user, goal=proposed)
    stale = goals.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Ship the importer",
        owner_type="person",
        owner_person=org.engineer,
    )
    long_ago = timezone.now() - datetime.timedelta(days=60)
    Goal.objects.filter(pk=stale.pk).update(created_at=long_ago)
    plan = planning.plan_open(actor=org.engineer.user, person=org.engineer, period=period)
    plan = planning.plan_sign(actor=org.engineer.user, plan=plan)
    kpi = kpis.kpi_define(
        actor=org.eng_manager.user,
        name="Reviews done",
        target=10,
        scope="person",
        person=org.engineer,
    )
    Kpi.objects.filter(pk=kpi.pk).update(created_at=long_ago)
    notify("goal.check_in", [org.eng_manager], actor=org.engineer, target=stale)
    return World(org, period, proposed, stale, plan, kpi)
