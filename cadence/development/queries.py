"""Reads of development plans: a person's items with their actions and the behaviour
expected at the level aimed at, a manager's team at a glance, HR's coverage of the
competencies, a review form's evidence. Each in a fixed number of queries whatever the
size; access is the caller's (``cadence.development.access``), except for the review
form's, which other areas call with the reader."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import batched
from typing import Any

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from cadence.accounts.types import Actor
from cadence.development import access
from cadence.development.models import DevelopmentAction, DevelopmentItem
from cadence.development.services import offered_competencies
from cadence.people.access import line_filter
from cadence.people.models import Department, Person
from cadence.planning.models import Competency, CompetencyExpectation

Status = DevelopmentItem.Status


@dataclass
class ItemView:
    item: DevelopmentItem
    expected: str  # the behaviour expected of the competency at the target level
    overdue: bool

    @property
    def actions_done(self) -> int:
        return sum(1 for a in self.item.actions.all() if a.done_at is not None)


def items_of(person: Person) -> QuerySet[DevelopmentItem]:
    return (
        DevelopmentItem.objects.filter(person=person)
        .select_related("competency", "competency__group", "owner", "plan_item")
        .prefetch_related(Prefetch("actions", DevelopmentAction.objects.order_by("due_on", "id")))
        .order_by("due_on", "id")
    )


def items_by_ids(ids: list[int]) -> list[DevelopmentItem]:
    """Items in the order of ``ids`` (already cleared by access: a page of
    ``items_visible_to`` or one ``item_for_read``), loaded as ``items_of`` loads them."""
    by_id = {
        i.pk: i
        for i in DevelopmentItem.objects.filter(pk__in=ids)
        .select_related("person", "owner", "competency", "competency__group", "plan_item")
        .prefetch_related(Prefetch("actions", DevelopmentAction.objects.order_by("due_on", "id")))
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def expected_behaviour(items: list[DevelopmentItem]) -> dict[tuple[int, str], str]:
    """(competency id, level) → the behaviour expected, for the items' pairs (one query)."""
    pairs = {(i.competency_id, i.target_level) for i in items if i.competency_id}
    if not pairs:
        return {}
    rows = CompetencyExpectation.objects.filter(
        competency_id__in={c for c, _level in pairs}, level__in={lvl for _c, lvl in pairs}
    ).values_list("competency_id", "level", "behaviour")
    return {(c, lvl): b for c, lvl, b in rows if (c, lvl) in pairs}


def item_views(items: list[DevelopmentItem], today: datetime.date | None = None) -> list[ItemView]:
    today = today or timezone.localdate()
    expected = expected_behaviour(items)
    return [
        ItemView(
            item=i,
            expected=expected.get((i.competency_id, i.target_level), "") if i.competency_id else "",
            overdue=i.is_open and i.due_on is not None and i.due_on < today,
        )
        for i in items
    ]


def person_development(person: Person) -> list[ItemView]:
    """Open items first (by due date), then done, then dropped."""
    order: dict[str, int] = {"in_progress": 0, "planned": 0, "done": 1, "dropped": 2}
    views = item_views(list(items_of(person)))
    return sorted(views, key=lambda v: order.get(v.item.status, 3))


# --- a manager's team ---------------------------------------------------------------------


@dataclass
class TeamRow:
    person: Person
    planned: int = 0
    in_progress: int = 0
    done: int = 0
    dropped: int = 0
    overdue: int = 0
    next_due: datetime.date | None = None

    @property
    def total(self) -> int:
        return self.planned + self.in_progress + self.done + self.dropped

    @property
    def open_on_time(self) -> int:
        return self.planned + self.in_progress - self.overdue


TEAM_LIMIT = 500


def team_people(me: Person, *, whole_line: bool) -> QuerySet[Person]:
    people = Person.objects.filter(status=Person.Status.ACTIVE)
    people = people.filter(line_filter(me)) if whole_line else people.filter(manager=me)
    return people.select_related("department").order_by("last_name", "first_name", "id")


def _team_stats(people: list[Person], today: datetime.date) -> list[TeamRow]:
    """The rows of ``people`` (one grouped query)."""
    open_ = Q(status__in=DevelopmentItem.OPEN)
    stats = (
        DevelopmentItem.objects.filter(person__in=[p.pk for p in people])
        .values("person_id")
        .annotate(
            planned=Count("id", filter=Q(status=Status.PLANNED)),
            in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)),
            done=Count("id", filter=Q(status=Status.DONE)),
            dropped=Count("id", filter=Q(status=Status.DROPPED)),
            overdue=Count("id", filter=open_ & Q(due_on__lt=today)),
            next_due=Min("due_on", filter=open_ & Q(due_on__gte=today)),
        )
        .order_by()
    )
    by_person: dict[int, dict[str, Any]] = {}
    for row in stats:
        values: dict[str, Any] = dict(row)
        by_person[values.pop("person_id")] = values
    return [TeamRow(person=p, **by_person.get(p.pk, {})) for p in people]


def team_rows(
    me: Person, *, whole_line: bool = False, today: datetime.date | None = None
) -> tuple[list[TeamRow], int]:
    """One row per person of my team (direct reports, or everyone in my line), the first
    ``TEAM_LIMIT`` by name, and how many there are. Three queries."""
    today = today or timezone.localdate()
    people_qs = team_people(me, whole_line=whole_line)
    people = list(people_qs[:TEAM_LIMIT])
    count = len(people) if len(people) < TEAM_LIMIT else people_qs.count()
    return _team_stats(people, today), count


def team_rows_all(
    me: Person, *, whole_line: bool = False, today: datetime.date | None = None
) -> Iterator[TeamRow]:
    """Every row of the team, in the page's order, without holding them all (the CSV):
    the page stops at ``TEAM_LIMIT`` to stay readable, a download need not. One grouped
    query per ``TEAM_LIMIT`` people."""
    today = today or timezone.localdate()
    people = team_people(me, whole_line=whole_line).iterator(chunk_size=TEAM_LIMIT)
    for chunk in batched(people, TEAM_LIMIT):
        yield from _team_stats(list(chunk), today)


# --- HR's coverage ------------------------------------------------------------------------


@dataclass
class CoverageRow:
    competency: Competency
    with_item: int  # people with an item on it (not dropped), done or not
    done: int  # people with a done item on it
    population: int  # active people in the scope
    expected_levels: list[str] = field(default_factory=list)

    @property
    def in_progress(self) -> int:
        return self.with_item - self.done

    @property
    def without(self) -> int:
        return max(self.population - self.with_item, 0)

    @property
    def percent(self) -> int | None:
        if not self.population:
            return None
        return round(100 * self.with_item / self.population)


def _in_department(department: Department | None, through: str = "") -> Q:
    if department is None:
        return Q()
    return Q(**{f"{through}department": department}) | Q(
        **{f"{through}department__full_name__startswith": department.full_name + "/"}
    )


def coverage(department: Department | None = None) -> list[CoverageRow]:
    """Per competency of the current frameworks: how many active people (of the
    department and its sub-departments) have an item on it and how many have done
    one. Three queries."""
    competencies = list(offered_competencies())
    population = Person.objects.filter(
        _in_department(department), status=Person.Status.ACTIVE
    ).count()
    stats = (
        DevelopmentItem.objects.filter(
            _in_department(department, "person__"),
            competency_id__in=[c.pk for c in competencies],
            person__status=Person.Status.ACTIVE,
        )
        .exclude(status=Status.DROPPED)
        .values("competency_id")
        .annotate(
            people=Count("person_id", distinct=True),
            done=Count("person_id", distinct=True, filter=Q(status=Status.DONE)),
        )
        .order_by()
    )
    by_competency: dict[int, dict[str, Any]] = {s["competency_id"]: dict(s) for s in stats}
    return [
        CoverageRow(
            competency=c,
            with_item=by_competency.get(c.pk, {}).get("people", 0),
            done=by_competency.get(c.pk, {}).get("done", 0),
            population=population,
        )
        for c in competencies
    ]


# --- a review form's evidence -------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """A development item as a review form shows it beside the questions."""

    item: DevelopmentItem
    actions_done: int
    actions_total: int
    overdue: bool


def development_for_review(
    reader: Actor,
    person: Person,
    starts_on: datetime.date,
    ends_on: datetime.date,
    today: datetime.date | None = None,
) -> list[ReviewItem] | None:
    """``person``'s development items of a review's period — open items added by its end,
    and items done in it or after it (they were worked on in it) — open ones first by
    due date, then done ones. None when ``reader`` may not read ``person``'s development
    at all (``access.can_read_person``), so that a form shows no trace of a plan: a peer
    or an upward writer, unless access lets them (HR, a manager higher in the chain).
    A dropped item is left out: it was given up, not grown. One query, whatever the
    number of items and actions."""
    if not access.can_read_person(reader, person):
        return None
    today = today or timezone.localdate()
    items = (
        access.items_visible_to(reader)
        .filter(person=person, created_at__date__lte=ends_on)
        .filter(
            Q(status__in=DevelopmentItem.OPEN)
            | Q(status=Status.DONE, completed_at__date__gte=starts_on)
        )
        .select_related("competency", "competency__group")
        .annotate(
            n_actions=Count("actions"),
            n_done=Count("actions", filter=Q(actions__done_at__isnull=False)),
        )
        .order_by("due_on", "id")
    )
    rows = [
        ReviewItem(
            item=i,
            actions_done=i.n_done,
            actions_total=i.n_actions,
            overdue=i.is_open and i.due_on is not None and i.due_on < today,
        )
        for i in items
    ]
    return sorted(rows, key=lambda r: not r.item.is_open)
