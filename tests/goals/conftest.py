"""Goals fixtures, built through the real services on top of the ``org`` fixture.

company_goal  "Grow revenue"            (company, set by HR)
└── team_goal "Ship the platform"       (team Engineering/Platform, set by eng_manager)
    └── person_goal "Ship the importer" (Ann the engineer, set by her manager: active)
        ├── kr_tickets   number, increase 0 → 10, current 0
        └── kr_launch    milestone, not done
"""

import datetime
from dataclasses import dataclass

import pytest

from cadence.goals import services
from cadence.goals.models import Goal, KeyResult
from cadence.people.models import Department
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod
from tests.conftest import Org


@pytest.fixture
def period(org: Org) -> PerformancePeriod:
    """FY2027, active, holding today (so that elapsed shares are not 0 or 1 by accident)."""
    today = datetime.date.today()
    period = planning.period_create(
        actor=org.hr.user,
        name="FY2027",
        kind="year",
        starts_on=today - datetime.timedelta(days=180),
        ends_on=today + datetime.timedelta(days=185),
    )
    return planning.period_activate(actor=org.hr.user, period=period)


@pytest.fixture
def closed_period(org: Org) -> PerformancePeriod:
    """FY2025 with one company goal (and a key result), then closed."""
    period = planning.period_create(
        actor=org.hr.user,
        name="FY2025",
        kind="year",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    planning.period_activate(actor=org.hr.user, period=period)
    goal = services.goal_create(
        actor=org.hr.user, period=period, title="Old company goal", owner_type="company"
    )
    services.key_result_create(
        actor=org.hr.user,
        goal=goal,
        title="Old revenue",
        kind="currency",
        start_value=0,
        target_value=100,
        unit="EUR",
    )
    return planning.period_close(actor=org.hr.user, period=period)


@pytest.fixture
def company_goal(org: Org, period: PerformancePeriod) -> Goal:
    return services.goal_create(
        actor=org.hr.user, period=period, title="Grow revenue", owner_type="company"
    )


@pytest.fixture
def platform(org: Org) -> Department:
    return Department.objects.get(full_name="Engineering/Platform")


@pytest.fixture
def team_goal(
    org: Org, period: PerformancePeriod, company_goal: Goal, platform: Department
) -> Goal:
    return services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Ship the platform",
        owner_type="team",
        owner_department=platform,
        parent=company_goal,
    )


@dataclass
class PersonGoal:
    goal: Goal
    kr_tickets: KeyResult
    kr_launch: KeyResult


@pytest.fixture
def person_goal_set(org: Org, period: PerformancePeriod, team_goal: Goal) -> PersonGoal:
    goal = services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Ship the importer",
        owner_type="person",
        owner_person=org.engineer,
        parent=team_goal,
    )
    tickets = services.key_result_create(
        actor=org.eng_manager.user,
        goal=goal,
        title="Close import tickets",
        kind="number",
        direction="increase",
        start_value=0,
        target_value=10,
        unit="tickets",
    )
    launch = services.key_result_create(
        actor=org.eng_manager.user,
        goal=goal,
        title="Importer launched",
        kind="milestone",
        direction="increase",
        start_value=0,
        target_value=1,
    )
    goal.refresh_from_db()
    return PersonGoal(goal, tickets, launch)


@pytest.fixture
def person_goal(person_goal_set: PersonGoal) -> Goal:
    """Ann's active goal with two key results (see the module docstring)."""
    return person_goal_set.goal


def progress_of(goal: Goal) -> float:
    return Goal.objects.get(pk=goal.pk).progress


def company_tree(
    org: Org, period: PerformancePeriod, name: str, children: int = 6
) -> tuple[Goal, list[Goal]]:
    """A company goal with ``children`` company goals aligned to it, all active."""
    root = services.goal_create(
        actor=org.hr.user, period=period, title=f"{name} root", owner_type="company", state="active"
    )
    return root, [
        services.goal_create(
            actor=org.hr.user,
            period=period,
            title=f"{name} {n}",
            owner_type="company",
            parent=root,
            state="active",
        )
        for n in range(children)
    ]
