"""Reads of periods, frameworks and plans shared by the pages and the API.

Each function owns its joins and prefetches so that rendering the result costs the
same queries for a team of 3 or 30 and a plan with 1 or 20 development items.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.goals.access import goals_visible_to
from cadence.goals.models import Goal, KeyResult
from cadence.people.display import name_shown
from cadence.people.models import Person
from cadence.planning import access
from cadence.planning.models import (
    Competency,
    CompetencyExpectation,
    CompetencyFramework,
    CompetencyGroup,
    DevelopmentItem,
    PerformancePeriod,
    PerformancePlan,
    PlanEvent,
)

# What a reader who may not read a goal sees of a history entry about it (not saved).
HIDDEN_GOAL_CHANGE = gettext_lazy("A goal you cannot see (a private goal) changed.")

# --- periods ---------------------------------------------------------------------------


def periods() -> list[PerformancePeriod]:
    """Every period, newest first."""
    return list(PerformancePeriod.objects.select_related("parent").order_by("-starts_on", "name"))


# Periods are public to every member (docs/planning.md, access.can_view_periods), so
# the choices below need no actor: the pages that offer them are gated by access first.


def open_periods() -> QuerySet[PerformancePeriod]:
    """Periods not closed yet (upcoming and active): the parents a new period may sit
    in. Lazy, so a form field's choices are read when the form renders."""
    return PerformancePeriod.objects.exclude(state=PerformancePeriod.State.CLOSED)


def open_periods_without_framework() -> QuerySet[PerformancePeriod]:
    """Open periods that have no competency framework version yet: those a framework
    can be created or copied for."""
    return open_periods().filter(competency_framework__isnull=True)


def default_period(
    choices: list[PerformancePeriod], today: datetime.date | None = None
) -> PerformancePeriod | None:
    """The active period containing today, else the latest active one, else the newest.

    When a quarter sits inside a year, the year: plans are agreed for the performance
    cycle and company goals are set for it, so that is where people look first; the
    quarter is one click away in the period selector."""
    today = today or timezone.localdate()
    active = [p for p in choices if p.state == PerformancePeriod.State.ACTIVE]
    current = [p for p in active if p.starts_on <= today <= p.ends_on]
    if current:
        return max(current, key=lambda p: (p.ends_on - p.starts_on, -p.pk))
    if active:
        return active[0]
    return choices[0] if choices else None


def period_from(value: Any, choices: list[PerformancePeriod]) -> PerformancePeriod | None:
    """The period chosen by ``?period=<id>`` among ``choices``, else the default."""
    try:
        wanted = int(value)
    except (TypeError, ValueError):
        return default_period(choices)
    return next((p for p in choices if p.pk == wanted), default_period(choices))


# --- competency framework ------------------------------------------------------------


def frameworks() -> list[CompetencyFramework]:
    return list(CompetencyFramework.objects.select_related("period").order_by("name", "-version"))


def framework_tree(framework: CompetencyFramework) -> list[CompetencyGroup]:
    """Groups → competencies → expectations (by level), three queries in all."""
    return list(
        framework.groups.prefetch_related(
            Prefetch(
                "competencies",
                queryset=Competency.objects.prefetch_related(
                    Prefetch(
                        "expectations", queryset=CompetencyExpectation.objects.order_by("level")
                    )
                ),
            )
        )
    )


def level_sort_key(level: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order of job levels: "L3" before "L10", "IC2" before "IC10".

    Numbers compare as numbers and words as words (ignoring case), so "L10" no longer
    sorts between "L1" and "L2" as it does as text (and as it does in SQL)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", level.strip())
        if part
    )


def framework_levels(groups: list[CompetencyGroup]) -> list[str]:
    """The job levels the framework describes, in natural order, for the grid's columns."""
    return sorted(
        {e.level for g in groups for c in g.competencies.all() for e in c.expectations.all()},
        key=level_sort_key,
    )


@dataclass
class CompetencyRow:
    competency: Competency
    # The expected behaviour at each of the framework's levels, in the grid's column
    # order; "" where the competency says nothing for that level.
    cells: list[str]


@dataclass
class GroupGrid:
    group: CompetencyGroup
    rows: list[CompetencyRow]


def competency_grid(groups: list[CompetencyGroup], levels: list[str]) -> list[GroupGrid]:
    """The framework as a level × competency grid, one per group (no further query)."""
    grids = []
    for group in groups:
        rows = []
        for competency in group.competencies.all():
            by_level = {e.level: e.behaviour for e in competency.expectations.all()}
            rows.append(CompetencyRow(competency, [by_level.get(level, "") for level in levels]))
        grids.append(GroupGrid(group, rows))
    return grids


@dataclass
class ExpectedCompetency:
    group: str
    name: str
    description: str
    behaviour: str


def expected_competencies(person: Person, period: PerformancePeriod) -> list[ExpectedCompetency]:
    """What the framework of ``period`` expects at the person's job level (one query)."""
    if not person.level:
        return []
    expectations = (
        CompetencyExpectation.objects.filter(
            competency__group__framework__period=period, level=person.level
        )
        .select_related("competency__group")
        .order_by(
            "competency__group__order",
            "competency__group__name",
            "competency__order",
            "competency__name",
        )
    )
    return [
        ExpectedCompetency(
            e.competency.group.name, e.competency.name, e.competency.description, e.behaviour
        )
        for e in expectations
    ]


# --- plans ---------------------------------------------------------------------------


def plan_of(person: Person, period: PerformancePeriod | None) -> PerformancePlan | None:
    if period is None:
        return None
    return (
        PerformancePlan.objects.select_related("person", "period", "manager")
        .filter(person=person, period=period)
        .first()
    )


def plans_visible_to(user: Actor) -> QuerySet[PerformancePlan]:
    if not access.is_member(user):
        return PerformancePlan.objects.none()
    plans = PerformancePlan.objects.select_related("person", "period", "manager")
    where = access.plans_filter(user)
    return plans if where is None else plans.filter(where)


@dataclass
class TeamRow:
    person: Person
    plan: PerformancePlan | None

    @property
    def agreed(self) -> bool:
        return self.plan is not None and self.plan.state == PerformancePlan.State.AGREED


@dataclass
class TeamPlans:
    period: PerformancePeriod | None
    rows: list[TeamRow] = field(default_factory=list)

    @property
    def without_agreed_plan(self) -> list[TeamRow]:
        return [r for r in self.rows if not r.agreed]


def team_plans(manager: Person, period: PerformancePeriod | None) -> TeamPlans:
    """Each active direct report with their plan for ``period`` (two queries)."""
    reports = list(
        Person.objects.filter(manager=manager, status=Person.Status.ACTIVE)
        .select_related("department")
        .order_by("last_name", "first_name", "id")
    )
    plans = {}
    if period is not None and reports:
        plans = {
            p.person_id: p
            for p in PerformancePlan.objects.filter(period=period, person__in=reports)
        }
    return TeamPlans(period, [TeamRow(p, plans.get(p.pk)) for p in reports])


@dataclass
class PlanDetail:
    plan: PerformancePlan
    development_items: list[DevelopmentItem]
    goals: list[Goal]
    competencies: list[ExpectedCompetency]
    events: list[PlanEvent]


def plan_goals(user: Actor, person: Person, period: PerformancePeriod) -> list[Goal]:
    """The person's goals of the period with their key results, as far as the user may
    read them (the goals area's rule: private goals are for the owner, their manager
    chain and HR)."""
    goals = (
        goals_visible_to(user)
        .filter(owner_person=person, period=period)
        .exclude(state=Goal.State.CANCELLED)
    )
    return list(
        goals.prefetch_related(
            Prefetch("key_results", queryset=KeyResult.objects.order_by("order", "id"))
        ).order_by("title", "id")
    )


def plan_detail(user: Actor, plan: PerformancePlan) -> PlanDetail:
    return PlanDetail(
        plan=plan,
        development_items=list(plan.development_items.select_related("competency")),
        goals=plan_goals(user, plan.person, plan.period),
        competencies=expected_competencies(plan.person, plan.period),
        events=plan_history(user, plan),
    )


def plan_history(user: Actor, plan: PerformancePlan) -> list[PlanEvent]:
    """The plan's history as ``user`` may read it (two queries).

    An entry about a goal names the goal and its key results; it reaches only those who
    may read that goal now (``goals.access.goals_visible_to``, the goal's own rule).
    Everyone else keeps the entry — the plan was reopened, signatures were cleared —
    with the goal named as "a goal you cannot see".

    A signature's entry keeps the signer's name as it was (``data["signer"]``); it is
    named as the page names whoever acted (``people.display.name_shown``), so someone
    who left reads "Former employee" to those who may not open their profile."""
    events = list(plan.events.select_related("actor__person").order_by("at", "id"))
    about = {e.goal_id for e in events if e.goal_id is not None}
    readable = (
        set(goals_visible_to(user).filter(pk__in=about).values_list("pk", flat=True))
        if about
        else set()
    )
    for event in events:
        if event.goal_id is not None and event.goal_id not in readable:
            event.comment = str(HIDDEN_GOAL_CHANGE)
        if event.data.get("signer") and event.actor is not None:
            event.data = {**event.data, "signer": name_shown(user, event.actor)}
    return events


# --- what a change elsewhere would reopen ---------------------------------------------


def plan_reopened_by(goal: Goal) -> PerformancePlan | None:
    """The agreed plan a change to ``goal`` (its fields or key results) would reopen —
    the rule of ``goals.services.common._plan_changed`` — so the page can say so before the
    change is made. None for drafts, proposals, cancelled goals and team or company
    goals, or when the owner has no agreed plan for the goal's period."""
    if goal.owner_type != Goal.Owner.PERSON or not goal.is_agreed:
        return None
    return agreed_plan_of(goal.owner_person_id, goal.period_id)


def agreed_plan_of(person_id: int | None, period_id: int) -> PerformancePlan | None:
    """The person's plan for the period when it is agreed (a move that changes what was
    agreed — approving or cancelling their goal — would reopen it)."""
    if person_id is None:
        return None
    return (
        PerformancePlan.objects.select_related("person", "period")
        .filter(person_id=person_id, period_id=period_id, state=PerformancePlan.State.AGREED)
        .first()
    )


def people_with_agreed_plans(person_ids: list[int], period: PerformancePeriod) -> list[Person]:
    """Which of these people have an agreed plan for the period (one query): a goal set
    for them now is active at once and reopens it."""
    return list(
        Person.objects.filter(
            pk__in=person_ids,
            plans__period=period,
            plans__state=PerformancePlan.State.AGREED,
        ).order_by("last_name", "first_name", "id")
    )
