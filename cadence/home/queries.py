"""Reads of the home page, shared by the page and ``GET /api/v1/home``: the registered
sections for one reader, and the organisation's health for HR admins and executives.

Every figure comes from the areas' own reads (``cadence/<area>/home.py``), which start
from their access modules; this module only puts them side by side, rolls departments
up to the top of the tree and builds the links to the people behind each figure.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja.errors import ValidationError

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.core import pagination
from cadence.goals import home as goals_home
from cadence.goals.home import GoalFigures
from cadence.home import registry
from cadence.people import access as people_access
from cadence.people.models import Department
from cadence.planning import home as planning_home
from cadence.planning import queries as planning_queries
from cadence.planning.models import PerformancePeriod

CHECK_IN_WEEKS = 8
# The organisation's figures are counted at most this often per reader. At 100,000
# people they take seconds to count (every goal's key results' latest check-in, every
# check-in of 8 weeks); a panel a few minutes old answers "how are we doing?" as well.
HEALTH_CACHE_SECONDS = 600
# What the "org-health" sweep counts ahead of the HR admins is kept twice as long as it
# runs (every 10 minutes), so a late or slow run never leaves them a cold cache.
SWEPT_HEALTH_SECONDS = 2 * HEALTH_CACHE_SECONDS
FIGURE_PAGE_SIZE = 50
GOAL_STATUSES = ("on_track", "at_risk", "off_track", "stale")


def sections_for(user: Actor) -> list[registry.SectionView]:
    """Each registered section with what waits for ``user``; sections with nothing
    are left out (the page then says all is done)."""
    me = people_access.acting_person(user)
    out = []
    for section in registry.sections():
        found = section.items(user, me)
        if found:
            out.append(
                registry.SectionView(
                    key=section.key, title=str(section.title), groups=registry.group_items(found)
                )
            )
    return out


# --- the organisation's health ---------------------------------------------------------


def can_view_org_health(user: Actor) -> bool:
    """HR admins and executive viewers: they read every plan and the organisation's
    goals already; the figures say no more than the lists behind them."""
    return people_access.sees_whole_organisation(user)


def require_org_health_reader(user: Actor) -> None:
    people_access.require_member(user)
    if not can_view_org_health(user):
        raise people_access.Refused


@dataclass
class DepartmentHealth:
    """One top-level department (None: people without one) and everything below it."""

    department: Department | None
    people: int = 0
    agreed: int = 0
    goals: GoalFigures = field(default_factory=GoalFigures)
    check_ins: list[int] = field(default_factory=lambda: [0] * CHECK_IN_WEEKS)
    weeks: list[datetime.date] = field(default_factory=list)
    is_total: bool = False  # the whole organisation: its links carry no department

    @property
    def key(self) -> str:
        return str(self.department.pk) if self.department is not None else "none"

    @property
    def agreed_url(self) -> str:
        return self.url("plans", agreed="yes")

    @property
    def without_plan_url(self) -> str:
        return self.url("plans", agreed="no")

    @property
    def goal_cells(self) -> list[tuple[int, str]]:
        return [(getattr(self.goals, s), self.url("goals", status=s)) for s in GOAL_STATUSES]

    @property
    def week_cells(self) -> list[tuple[int, str]]:
        return [
            (count, self.url("check-ins", week=day.isoformat()))
            for day, count in zip(self.weeks, self.check_ins, strict=True)
        ]

    @property
    def name(self) -> str:
        return self.department.name if self.department is not None else ""

    @property
    def without_plan(self) -> int:
        return self.people - self.agreed

    @property
    def plan_percent(self) -> int | None:
        return round(100 * self.agreed / self.people) if self.people else None

    @property
    def check_in_total(self) -> int:
        return sum(self.check_ins)

    def url(self, metric: str, **params: str | int) -> str:
        if self.is_total:
            return health_url(metric, **params)
        return health_url(metric, department=self.key, **params)


def health_url(metric: str, **params: str | int) -> str:
    return reverse("home:health", args=[metric]) + "?" + urlencode(params)


@dataclass
class OrgHealth:
    period: PerformancePeriod | None
    weeks: list[datetime.date]
    departments: list[DepartmentHealth]
    total: DepartmentHealth
    counted_at: datetime.datetime | None = None

    @property
    def recounted_every_minutes(self) -> int:
        return HEALTH_CACHE_SECONDS // 60

    @property
    def has_people(self) -> bool:
        return self.total.people > 0


def _top_departments() -> tuple[dict[int, Department], list[Department]]:
    """Each department's top-level department, and the top-level ones by name."""
    departments = list(Department.objects.only("id", "name", "full_name").order_by("full_name"))
    tops = {d.full_name: d for d in departments if "/" not in d.full_name}
    top_of = {d.pk: tops.get(d.full_name.split("/", 1)[0], d) for d in departments}
    return top_of, list(tops.values())


def current_period() -> PerformancePeriod | None:
    return planning_queries.default_period(planning_queries.periods())


def _health_key(reader: str, today: datetime.date) -> str:
    return f"home:org-health:{reader}:{today.isoformat()}"


def org_health(user: Actor, today: datetime.date | None = None) -> OrgHealth:
    """Plans agreed, goals on track / at risk / off track / stale and check-ins per week,
    by top-level department, as far as the user may read them, counted at most every
    ``HEALTH_CACHE_SECONDS``. HR admins read everything and share one count (which the
    "org-health" sweep keeps warm); anyone else (executives) reads what their own access
    allows, so theirs is their own, counted on their visit."""
    today = today or timezone.localdate()
    reader = "hr" if people_access.is_hr_admin(user) else f"user-{user.pk}"
    key = _health_key(reader, today)
    health = cache.get(key)
    if health is None:
        health = count_org_health(user, today)
        cache.set(key, health, HEALTH_CACHE_SECONDS)
    return health


def org_health_sweep(now: datetime.datetime) -> int:
    """The "org-health" sweep: count the HR admins' shared figures before any of them
    asks (seconds at 100,000 people), so their panel rarely meets a cold cache. Run
    twice it counts twice and changes nothing else. Returns how many counts it stored:
    0 when the organisation has no HR admin to count for."""
    hr_admin = (
        User.objects.filter(Q(is_hr_admin=True) | Q(is_superuser=True), is_active=True)
        .order_by("pk")
        .first()
    )
    if hr_admin is None:
        return 0
    today = timezone.localdate(now)
    cache.set(_health_key("hr", today), count_org_health(hr_admin, today), SWEPT_HEALTH_SECONDS)
    return 1


def count_org_health(user: Actor, today: datetime.date) -> OrgHealth:
    """``org_health`` counted now: six queries whatever the size of the organisation,
    the figures counted by the database."""
    period = current_period()
    weeks = goals_home.week_starts(today, CHECK_IN_WEEKS)
    top_of, tops = _top_departments()
    rows: dict[int | None, DepartmentHealth] = {
        d.pk: DepartmentHealth(d, weeks=weeks) for d in tops
    }

    def row(department_id: int | None) -> DepartmentHealth:
        top = top_of.get(department_id) if department_id is not None else None
        key = top.pk if top is not None else None
        if key not in rows:
            rows[key] = DepartmentHealth(top, weeks=weeks)
        return rows[key]

    if period is not None:
        for department_id, (people, agreed) in planning_home.plan_figures_by_department(
            user, period
        ).items():
            r = row(department_id)
            r.people += people
            r.agreed += agreed
        for department_id, figures in goals_home.goal_health_by_department(
            user, period, today
        ).items():
            row(department_id).goals.add(figures)
    for department_id, counts in goals_home.check_ins_by_department(user, weeks).items():
        r = row(department_id)
        r.check_ins = [a + b for a, b in zip(r.check_ins, counts, strict=True)]
    shown = [
        r for r in rows.values() if r.people or r.goals.total or r.goals.stale or r.check_in_total
    ]
    shown.sort(key=lambda r: (r.department is None, r.name.lower()))
    total = DepartmentHealth(None, weeks=weeks, is_total=True)
    for r in shown:
        total.people += r.people
        total.agreed += r.agreed
        total.goals.add(r.goals)
        total.check_ins = [a + b for a, b in zip(total.check_ins, r.check_ins, strict=True)]
    return OrgHealth(
        period=period, weeks=weeks, departments=shown, total=total, counted_at=timezone.now()
    )


# --- the people behind a figure --------------------------------------------------------


def department_scope(user: Actor, value: str | None) -> tuple[list[int] | None, str]:
    """``?department=`` of a drill-down page: the department ids it covers (None: the
    whole organisation; []: people without a department) and its name. An unknown id
    is a 404 (``people.access.department_for_read``)."""
    from cadence.people.queries import department_and_below

    if not value:
        return None, ""
    if value == "none":
        return [], ""
    try:
        department_id = int(value)
    except ValueError:
        return None, ""
    department = people_access.department_for_read(user, department_id)
    return department_and_below(department), department.full_name


@dataclass
class FigurePage:
    """One page of the people or goals behind a figure. Pages follow each other by a
    cursor (the last row's key), not a number: a numbered page counted every matching
    row first — for "goals at risk", the health rule over every goal of the period."""

    rows: list[Any]
    next_cursor: str | None
    is_first: bool


def figure_page(rows: QuerySet[Any], cursor: str | None) -> FigurePage:
    """The ``FIGURE_PAGE_SIZE`` rows of ``rows`` (ordered by fields ending with the id)
    after ``cursor``; a cursor that is not one of this list's is a 404."""
    keys = pagination.ordering(rows)
    if cursor:
        try:
            values = pagination.decode(rows.model, keys, cursor)
        except ValidationError:
            raise Http404 from None
        rows = rows.filter(pagination.after(keys, values))
    # One row more than the page says whether another follows, without counting them.
    found = list(rows[: FIGURE_PAGE_SIZE + 1])
    page = found[:FIGURE_PAGE_SIZE]
    more = len(found) > FIGURE_PAGE_SIZE
    return FigurePage(
        rows=page,
        next_cursor=pagination.encode([getattr(page[-1], n) for n, _d in keys]) if more else None,
        is_first=not cursor,
    )
