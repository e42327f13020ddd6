"""What the goals area puts on the home page: goals awaiting my approval, and my goals
that need attention (at risk or off track by the health rule, or stale)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.goals import access, health, queries
from cadence.goals.models import CheckIn, Goal
from cadence.home.registry import HomeItem, HomeSection, register_section
from cadence.people.access import has_reports
from cadence.people.display import person_shown
from cadence.people.models import Person
from cadence.planning.models import PerformancePeriod

SHOWN = 5


def awaiting_approval(user: Actor, me: Person) -> list[Goal]:
    """Goals my direct reports proposed in open periods, oldest first (one query).

    The whole manager chain and HR admins may approve (``access.can_approve_goal``),
    but the decision is the direct manager's to make: listing every proposal of a
    line on the home page of its head would bury theirs."""
    return list(
        access.goals_visible_to(user)
        .filter(
            owner_type=Goal.Owner.PERSON,
            owner_person__manager=me,
            owner_person__status=Person.Status.ACTIVE,
            state=Goal.State.PROPOSED,
        )
        .exclude(period__state=PerformancePeriod.State.CLOSED)
        .select_related("owner_person", "period")
        .order_by("updated_at", "id")
    )


def needing_attention(user: Actor, me: Person) -> list[queries.FlaggedGoal]:
    """My active goals of open periods that are flagged by the health rule or stale,
    worst first (two queries: the goals, their key results with the latest check-in)."""
    goals = queries.with_key_results(
        access.goals_visible_to(user)
        .filter(owner_person=me, state=Goal.State.ACTIVE)
        .exclude(period__state=PerformancePeriod.State.CLOSED)
        .order_by("title", "id")
    )
    flagged = [queries.flag(goal) for goal in goals]
    worrying = [f for f in flagged if f.stale or (f.health is not None and f.health.flagged)]
    levels = {"off_track": 0, "at_risk": 1}
    return sorted(
        worrying,
        key=lambda f: (levels.get(f.health.status if f.health else "", 2), f.goal.title.lower()),
    )


def items(user: Actor, me: Person | None) -> list[HomeItem]:
    if me is None:
        return []
    out = []
    if has_reports(me):
        proposals = awaiting_approval(user, me)
        group = _("Goals awaiting your approval")
        for goal in proposals[:SHOWN]:
            text = _("%(title)s, proposed by %(person)s") % {
                "title": goal.title,
                "person": person_shown(user, goal.owner_person).name
                if goal.owner_person is not None
                else "",
            }
            out.append(HomeItem(text, reverse("goals:goal", args=[goal.pk]), group=group))
        if len(proposals) > SHOWN:
            out.append(
                HomeItem(
                    _("All %(count)s on the team goals page") % {"count": len(proposals)},
                    reverse("goals:team_goals"),
                    count=len(proposals),
                    group=group,
                )
            )
    group = _("Your goals that need attention")
    for row in needing_attention(user, me):
        if row.health is not None and row.health.flagged:
            why = row.health.label.lower()
            if row.stale:
                why = _("%(status)s, no recent check-in") % {"status": why}
        else:
            why = _("no check-in for %(days)s days") % {"days": settings.CADENCE_STALE_GOAL_DAYS}
        text = _("%(title)s: %(why)s") % {"title": row.goal.title, "why": why}
        out.append(HomeItem(text, reverse("goals:goal", args=[row.goal.pk]), group=group))
    return out


def register() -> None:
    register_section(HomeSection(key="goals", title=gettext_lazy("Goals"), order=30, items=items))


# --- the organisation's health (HR admins and executive viewers) ---------------------
#
# The health rule as SQL (docs/goals.md allows a twin "tested to agree":
# tests/home/test_health_sql.py checks it against ``health.goal_health`` goal by goal),
# so that the figures of 1,000,000 goals are counted by the database in one query.

STATUS_LEVELS = {health.ON_TRACK: 0, health.AT_RISK: 1, health.OFF_TRACK: 2}


def _rounds_at_most(points: Any, limit: int) -> Q | Any:
    """``round(points) <= limit`` with Python's rounding (half to even), which the
    pages use: below ``limit + 0.5`` always, at exactly ``limit + 0.5`` when ``limit``
    is even (round(30.5) is 30, round(15.5) is 16)."""
    edge = limit + 0.5
    if limit % 2 == 0:
        return LessThanOrEqual(points, Value(edge))
    return LessThan(points, Value(edge))


def with_health_level(
    goals: QuerySet[Goal], period: PerformancePeriod, today: datetime.date
) -> QuerySet[Goal]:
    """``goals`` (active, of ``period``) annotated with ``health_level``: 0 on track, 1
    at risk, 2 off track — ``health.goal_health``'s verdict, computed in SQL. The
    expectation depends on the due date alone within a period, so it is worked out in
    Python (``health.expected_progress``, the rule itself) for each due date the goals
    use, and handed to the database as a CASE (one query for the due dates)."""
    # The due dates of every active goal of the period, not only of ``goals``: a few
    # WHENs too many change nothing, and the period's are read off one covering index
    # (``goal_period_due_idx``) where ``goals``' filters (owner type, department) made
    # SQLite read every goal row of the period (~0.5 s at 300,000 goals).
    due_dates = sorted(
        {
            d
            for d in Goal.objects.filter(period=period, state=Goal.State.ACTIVE)
            .order_by()
            .values_list("due_on", flat=True)
            .distinct()
            if d is not None
        }
    )
    default = health.expected_progress(
        starts_on=period.starts_on, ends_on=period.ends_on, due_on=None, today=today
    )
    whens = [
        When(
            due_on=due,
            then=Value(
                health.expected_progress(
                    starts_on=period.starts_on, ends_on=period.ends_on, due_on=due, today=today
                )
            ),
        )
        for due in due_dates
    ]
    expected = (
        Case(*whens, default=Value(default), output_field=FloatField()) if whens else Value(default)
    )
    gap_points = ExpressionWrapper(
        (expected - F("progress")) * Value(100.0), output_field=FloatField()
    )
    tolerance = round(health.TOLERANCE * 100)
    pace = Case(
        When(_rounds_at_most(gap_points, tolerance), then=Value(0)),
        When(_rounds_at_most(gap_points, 2 * tolerance), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    # The owner's word: the least confident latest check-in of the goal's key results
    # (``health.owner_confidence``), as one MAX over those check-ins. Written so that
    # each subquery appears once in the SQL: Django repeats an annotation's SQL wherever
    # it is referenced, and a CASE over a subquery re-ran it per branch (at 3,000
    # goals, 42 correlated subqueries per goal and 1.2 s; at 300,000, minutes).
    latest = CheckIn.objects.filter(key_result=OuterRef("key_result")).order_by("-at", "-id")
    confidence_level = Case(
        *(When(confidence=c, then=Value(level)) for c, level in STATUS_LEVELS.items()),
        default=None,
        output_field=IntegerField(),
    )
    word = Subquery(
        CheckIn.objects.filter(
            key_result__goal=OuterRef("pk"), pk=Subquery(latest.values("pk")[:1])
        )
        .order_by()
        .values("key_result__goal")
        .annotate(level=Max(confidence_level))
        .values("level"),
        output_field=IntegerField(),
    )
    # ``health.health``: the pace's level, or the owner's word when it is at most one
    # level better than the pace. max(coalesce(word, pace), pace - 1) is that rule with
    # the word referenced once and no NULL reaching GREATEST (which PostgreSQL and
    # SQLite treat differently).
    return goals.annotate(
        health_pace=pace,
        health_level=Greatest(
            Coalesce(word, F("health_pace")),
            F("health_pace") - 1,
            output_field=IntegerField(),
        ),
    )


def _department() -> Coalesce:
    # A person's goal counts in their department, a team goal in its own.
    return Coalesce("owner_department_id", "owner_person__department_id")


# Under this share of the organisation's people, a department's goals are read through
# their owners rather than walked in title order (``in_departments``).
SMALL_SHARE = 0.05


def in_departments(goals: QuerySet[Goal], department_ids: list[int] | None) -> QuerySet[Goal]:
    """``goals`` counted in ``department_ids`` (``_department``'s rule); None: every
    department, []: the goals of people without a department.

    The pages behind a figure show 50 goals in title order, and which way the database
    should find them depends on the department's size. A large one: walk the goals in
    title order (``goal_title_idx``, ``goal_period_title_idx``) and stop after a page —
    so the filter is the rule's expression, which no index serves (as ``department IN
    (…) OR …`` SQLite collected the goals of a 16,000-person department through the
    owner_department index and sorted them: 0.5 s). A small one (or "no department"):
    the walk would pass most of the organisation's goals before finding 50, each
    judged by the health rule (seconds), so read the goals of its teams and people
    through their indexes and sort those few."""
    if department_ids is None:
        return goals
    people = (
        Person.objects.filter(department_id__in=department_ids)
        if department_ids
        else Person.objects.filter(department__isnull=True)
    )
    if people.count() < SMALL_SHARE * Person.objects.count():
        owned = Q(owner_department__isnull=True, owner_person__in=people.values("pk"))
        if department_ids:
            owned |= Q(owner_department_id__in=department_ids)
        # As ids of goals found through the owners' indexes: with the owners as a
        # plain filter, SQLite still preferred the walk in title order.
        return goals.filter(pk__in=Goal.objects.filter(owned).values("pk"))
    counted = goals.alias(counted_in=_department())
    if not department_ids:
        return counted.filter(counted_in__isnull=True)
    return counted.filter(counted_in__in=department_ids)


def org_goals(user: Actor, period: PerformancePeriod) -> QuerySet[Goal]:
    """Active person and team goals of ``period`` the user may read: what the
    organisation's goal figures count (company goals belong to no department)."""
    return access.goals_visible_to(user).filter(
        period=period,
        state=Goal.State.ACTIVE,
        owner_type__in=[Goal.Owner.PERSON, Goal.Owner.TEAM],
    )


@dataclass
class GoalFigures:
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    stale: int = 0

    @property
    def total(self) -> int:
        return self.on_track + self.at_risk + self.off_track

    def add(self, other: "GoalFigures") -> None:
        self.on_track += other.on_track
        self.at_risk += other.at_risk
        self.off_track += other.off_track
        self.stale += other.stale


def goal_health_by_department(
    user: Actor, period: PerformancePeriod, today: datetime.date | None = None
) -> dict[int | None, GoalFigures]:
    """Active goals of ``period`` on track, at risk, off track and stale, by the
    department they count in (two queries: the due dates, the counts)."""
    today = today or timezone.localdate()
    goals = with_health_level(org_goals(user, period), period, today)
    stale = Q(last_check_in_at__lt=queries.stale_before()) | Q(
        last_check_in_at__isnull=True, created_at__lt=queries.stale_before()
    )
    # Grouped by the level rather than counted with three FILTERs over it: each FILTER
    # would repeat the level's SQL, and with it the owner's-word subquery, per goal.
    rows = (
        goals.annotate(department=_department())
        .order_by()
        .values("department", "health_level")
        .annotate(goals=Count("pk"), stale=Count("pk", filter=stale))
    )
    out: dict[int | None, GoalFigures] = {}
    for row in rows:
        figures = out.setdefault(row["department"], GoalFigures())
        status = ("on_track", "at_risk", "off_track")[row["health_level"]]
        setattr(figures, status, getattr(figures, status) + row["goals"])
        figures.stale += row["stale"]
    return out


def goals_in(
    user: Actor,
    period: PerformancePeriod,
    department_ids: list[int] | None,
    status: str,
    today: datetime.date | None = None,
) -> QuerySet[Goal]:
    """The goals behind one figure: ``status`` one of on_track, at_risk, off_track,
    stale; ``department_ids`` those counted (None: the whole organisation, [] the goals
    of people without a department)."""
    today = today or timezone.localdate()
    goals = in_departments(org_goals(user, period), department_ids)
    if status == "stale":
        before = queries.stale_before()
        goals = goals.filter(
            Q(last_check_in_at__lt=before) | Q(last_check_in_at__isnull=True, created_at__lt=before)
        )
    else:
        goals = with_health_level(goals, period, today).filter(
            Q(health_level=STATUS_LEVELS[status])
        )
    return goals.select_related("owner_person", "owner_department").order_by("title", "id")


def week_starts(today: datetime.date, weeks: int) -> list[datetime.date]:
    """The Mondays of the last ``weeks`` weeks, this one last."""
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def check_ins_by_department(
    user: Actor, starts: list[datetime.date]
) -> dict[int | None, list[int]]:
    """Check-ins on the goals the user may read, per week starting on each of
    ``starts`` (Mondays, oldest first), by the department the goal counts in. One query:
    the week is a CASE over the boundaries, not a date function (SQLite and PostgreSQL
    alike)."""
    zone = timezone.get_current_timezone()
    bounds = [
        datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
        for day in [*starts, starts[-1] + datetime.timedelta(weeks=1)]
    ]
    week = Case(
        *(When(at__gte=bounds[i], at__lt=bounds[i + 1], then=Value(i)) for i in range(len(starts))),
        output_field=IntegerField(),
    )
    visible = access.goals_visible_to(user).filter(
        owner_type__in=[Goal.Owner.PERSON, Goal.Owner.TEAM]
    )
    rows = (
        CheckIn.objects.filter(
            at__gte=bounds[0], at__lt=bounds[-1], key_result__goal__in=visible.values("pk")
        )
        .annotate(
            week=week,
            department=Coalesce(
                "key_result__goal__owner_department_id",
                "key_result__goal__owner_person__department_id",
            ),
        )
        .order_by()
        .values("department", "week")
        .annotate(n=Count("pk"))
    )
    out: dict[int | None, list[int]] = {}
    for row in rows:
        out.setdefault(row["department"], [0] * len(starts))[row["week"]] += row["n"]
    return out


def goals_checked_in(
    user: Actor, start: datetime.date, end: datetime.date, department_ids: list[int] | None
) -> QuerySet[Goal]:
    """The goals behind a check-in figure: checked in on from ``start`` to ``end``
    (exclusive), in title order, with how many times (``check_in_count``).

    Written as an EXISTS and a per-row count rather than a join grouped by goal: in
    title order (``goal_title_idx``) a page is found after a few hundred goals and only
    its rows are counted, where the grouped join counted the week's every check-in
    (~50,000 at 100,000 people) and sorted them before the first row."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(end, datetime.time.min, tzinfo=zone)
    in_window = CheckIn.objects.filter(
        key_result__goal=OuterRef("pk"), at__gte=since, at__lt=until
    ).order_by()
    goals = in_departments(
        access.goals_visible_to(user).filter(owner_type__in=[Goal.Owner.PERSON, Goal.Owner.TEAM]),
        department_ids,
    )
    return (
        goals.filter(Exists(in_window))
        .annotate(
            check_in_count=Subquery(
                in_window.values("key_result__goal").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            )
        )
        .select_related("owner_person", "owner_department")
        .order_by("title", "id")
    )
