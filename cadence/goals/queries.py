"""Reads of goals shared by the pages and the API.

Every function starts from ``access.goals_visible_to(user)`` — the only definition of
which goals someone may see — and owns its joins, prefetches and annotations, so that
rendering a result costs the same queries for a team of 3 or 30 and a tree of ten
goals or a million. The alignment tree is public by nature: private goals are never
part of it, not as nodes, not in child counts, not in its search.
"""

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db.models import (
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cadence.accounts.types import Actor
from cadence.core import search
from cadence.core.pagination import url_of
from cadence.goals import access
from cadence.goals.health import Health, goal_health
from cadence.goals.models import CheckIn, Goal, GoalSearchEntry, KeyResult
from cadence.people import access as people_access
from cadence.people.display import former_employee
from cadence.people.models import Department, Person
from cadence.people.queries import full_name, shown_flag
from cadence.planning.models import PerformancePeriod
from cadence.planning.queries import default_period, period_from, periods  # noqa: F401

TREE_SEARCH_LIMIT = 100
# Children shown under one node of the tree, and counted (beyond it: "100+").
CHILD_LIMIT = 100


# --- periods ---------------------------------------------------------------------------
# One rule for every area: the period selector's choices and default live in
# cadence.planning.queries (default_period, period_from, periods, imported above).


# --- key results -----------------------------------------------------------------------


class LatestCheckIn(TypedDict):
    """What ``key_results_with_latest`` annotates: the latest check-in, None before one."""

    latest_confidence: str | None
    latest_comment: str | None
    latest_at: datetime.datetime | None


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    KeyResultWithLatest = WithAnnotations[KeyResult, LatestCheckIn]
else:  # django-stubs-ext is a development dependency; at run time the model is the type
    KeyResultWithLatest = KeyResult


def key_results_with_latest() -> "QuerySet[KeyResultWithLatest]":
    """Key results annotated with their latest check-in (confidence, comment, time):
    what a row of "My goals" shows, in the same query as the key results."""
    latest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-at", "-id")
    return KeyResult.objects.annotate(
        latest_confidence=Subquery(latest.values("confidence")[:1]),
        latest_comment=Subquery(latest.values("comment")[:1]),
        latest_at=Subquery(latest.values("at")[:1]),
    ).order_by("order", "id")


def key_result_row(key_result_id: int) -> KeyResultWithLatest:
    """One key result as its row is rendered after a check-in."""
    return key_results_with_latest().select_related("goal__period").get(pk=key_result_id)


def _with_key_results(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    return goals.select_related(
        "period", "owner_person", "owner_department", "parent"
    ).prefetch_related(Prefetch("key_results", queryset=key_results_with_latest()))


def _goals_of_period(goals: QuerySet[Goal], period: PerformancePeriod) -> list[Goal]:
    """``goals`` (already narrowed to a few owners) with their key results, by title.

    The period is attached in Python and the sorting done here: joining the period or
    ordering in SQL lets SQLite, which has no statistics, walk every goal of the period
    instead of the few owners' index entries (~50 ms instead of ~2 at 1,000,000 goals).
    """
    rows = list(
        goals.select_related("owner_person", "owner_department", "parent")
        .prefetch_related(Prefetch("key_results", queryset=key_results_with_latest()))
        .order_by()
    )
    for goal in rows:
        goal.period = period
    rows.sort(key=lambda g: (g.title.lower(), g.pk))
    return rows


# --- flags -----------------------------------------------------------------------------


def stale_before(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    return now - datetime.timedelta(days=settings.CADENCE_STALE_GOAL_DAYS)


def is_stale(goal: Goal, now: datetime.datetime | None = None) -> bool:
    """An active goal nobody has checked in on for CADENCE_STALE_GOAL_DAYS days (counted
    from its creation when it never had a check-in)."""
    if goal.state != Goal.State.ACTIVE:
        return False
    last = goal.last_check_in_at or goal.created_at
    return last < stale_before(now)


def _latest_confidences(goals: list[Goal]) -> dict[int, list[str | None]]:
    """Each goal's key results' latest confidences: from the key results already loaded
    with ``key_results_with_latest`` when they are, else in one query for all goals."""
    out: dict[int, list[str | None]] = {}
    missing = []
    for goal in goals:
        loaded = getattr(goal, "_prefetched_objects_cache", {}).get("key_results")
        if loaded is not None and all(hasattr(kr, "latest_confidence") for kr in loaded):
            out[goal.pk] = [kr.latest_confidence for kr in loaded]
        else:
            missing.append(goal.pk)
    if missing:
        for goal_id in missing:
            out[goal_id] = []
        rows = (
            key_results_with_latest()
            .filter(goal__in=missing)
            .values_list("goal_id", "latest_confidence")
        )
        for goal_id, confidence in rows:
            out[goal_id].append(confidence)
    return out


@dataclass(frozen=True)
class FlaggedGoal:
    """A goal as the lists show it: the health rule's verdict (``cadence.goals.health``,
    None unless active) and whether it went without a check-in too long."""

    goal: Goal
    health: Health | None
    stale: bool


def _flag(
    goals: list[Goal],
    today: datetime.date | None = None,
    *,
    confidences: dict[int, list[str | None]] | None = None,
) -> list[FlaggedGoal]:
    """Each of ``goals`` with its health and stale flags, in the same order."""
    now = timezone.now()
    if confidences is None:
        confidences = _latest_confidences(goals)
    return [
        FlaggedGoal(goal, goal_health(goal, confidences[goal.pk], today=today), is_stale(goal, now))
        for goal in goals
    ]


def flag(goal: Goal) -> FlaggedGoal:
    """One goal's flags (no query when its key results came with their latest check-in)."""
    return _flag([goal])[0]


# --- My goals / Team goals -------------------------------------------------------------


def my_goals(user: Actor, period: PerformancePeriod | None) -> list[FlaggedGoal]:
    """The user's own goals of ``period`` with key results and their latest check-in."""
    me = people_access.acting_person(user)
    if me is None or period is None:
        return []
    goals = access.goals_visible_to(user).filter(owner_person=me, period=period)
    return _flag(_goals_of_period(goals, period))


@dataclass
class TeamMember:
    person: Person
    goals: list[FlaggedGoal] = field(default_factory=list)

    def _count(self, status: str) -> int:
        return sum(1 for g in self.goals if g.health and g.health.status == status)

    @property
    def at_risk_count(self) -> int:
        return self._count("at_risk")

    @property
    def off_track_count(self) -> int:
        return self._count("off_track")

    @property
    def stale_count(self) -> int:
        return sum(1 for g in self.goals if g.stale)


@dataclass
class TeamGoals:
    manager: Person
    members: list[TeamMember]

    @property
    def goal_count(self) -> int:
        return sum(len(m.goals) for m in self.members)

    @property
    def at_risk_count(self) -> int:
        return sum(m.at_risk_count for m in self.members)

    @property
    def off_track_count(self) -> int:
        return sum(m.off_track_count for m in self.members)

    @property
    def stale_count(self) -> int:
        return sum(m.stale_count for m in self.members)


def team_goals(user: Actor, manager: Person, period: PerformancePeriod | None) -> TeamGoals:
    """The goals of ``manager``'s active direct reports that the user may see, with the
    health and stale flags. Three queries whatever the size of the team."""
    # Sorted here: ordering by name in SQL makes SQLite walk its name index over the
    # whole organisation rather than the manager's few reports.
    reports = sorted(
        manager.direct_reports.filter(status=Person.Status.ACTIVE)
        .select_related("department")
        .order_by(),
        key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.pk),
    )
    members = {p.pk: TeamMember(p) for p in reports}
    if period is not None and members:
        goals = (
            access.goals_visible_to(user)
            .filter(owner_person__in=list(members), period=period)
            .exclude(state=Goal.State.CANCELLED)
        )
        for row in _flag(_goals_of_period(goals, period)):
            owner_id = row.goal.owner_person_id  # never None: filtered on the owner above
            if owner_id is not None:
                members[owner_id].goals.append(row)
    return TeamGoals(manager=manager, members=list(members.values()))


# --- the alignment tree ----------------------------------------------------------------


def tree_goals(user: Actor) -> QuerySet[Goal]:
    """Goals that may appear in the user's alignment tree: visible and public."""
    return access.public_goals_visible_to(user)


class CappedCount(Subquery):
    """``COUNT(*)`` of a sliced subquery: counts stop at the slice's end, so a goal with
    30,000 goals aligned to it costs no more than one with CHILD_LIMIT + 1."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


class NodeAnnotations(TypedDict):
    """What the tree's reads annotate: visible children (counted up to CHILD_LIMIT + 1),
    the owner's name and whether the user may see them (``people.display.person_shown``'s
    rule) and the owning team's name."""

    child_count: int
    owner_shown: bool
    owner_first_name: str | None
    owner_last_name: str | None
    owner_email: str | None
    team_name: str | None


if TYPE_CHECKING:
    GoalWithChildCount = WithAnnotations[Goal, NodeAnnotations]
else:
    GoalWithChildCount = Goal


@dataclass
class TreeNode:
    """A goal as the alignment tree shows it.

    ``children`` are the nodes shown under it; ``expanded`` says they are all there
    (otherwise the node is folded and its children are fetched when someone opens it).
    ``matched`` marks a goal a search found, as opposed to an ancestor shown for context.
    ``owner``, the URLs and the texts are worked out with the node: a search shows
    some hundred nodes, and a template tag, ``{% url %}`` or ``{% blocktranslate %}``
    per node cost more than the query.
    """

    goal: GoalWithChildCount
    owner: str
    url: str
    children_url: str
    progress_label: str
    children_summary: str  # "3 goals aligned to …"; empty when there are none
    children: list["TreeNode"] = field(default_factory=list)
    expanded: bool = False
    matched: bool = False

    @property
    def child_count(self) -> int:
        return self.goal.child_count


# What a node of the tree page shows of its goal (the owner comes as annotations): a
# search turns some hundred goals into objects for every keystroke, so it loads these
# columns and no others, and no owner or team objects. (The API's alignment reads
# every column of a goal, its owner, team and period: ``full_goals``.)
NODE_FIELDS = ("id", "title", "owner_type", "owner_person_id", "parent_id", "progress")


def _with_child_counts(
    user: Actor, goals: QuerySet[Goal], *, full_goals: bool = False
) -> "QuerySet[GoalWithChildCount]":
    # Counted with the same rule as the nodes themselves: a child the user may not see
    # is not even a number on the page.
    children = tree_goals(user).filter(parent=OuterRef("pk")).order_by().values("pk")
    if full_goals:
        goals = goals.select_related("owner_person", "owner_department", "period")
    else:
        goals = goals.only(*NODE_FIELDS)
    return goals.annotate(
        child_count=CappedCount(children[: CHILD_LIMIT + 1]),
        owner_shown=shown_flag(user, through="owner_person__"),
        owner_first_name=F("owner_person__first_name"),
        owner_last_name=F("owner_person__last_name"),
        owner_email=F("owner_person__work_email"),
        team_name=F("owner_department__name"),
    )


def _nodes(goals: "Iterable[GoalWithChildCount]", matched: Collection[int] = ()) -> list[TreeNode]:
    goal_url, children_url = url_of("goals:goal"), url_of("goals:goal_children")
    company, former = _("Company"), former_employee()
    # Each sentence translated once, not once a node (the plural once a count).
    progress_of = _("Progress of %(title)s")
    many_aligned = _("More than %(child_limit)s goals aligned to %(title)s")
    aligned: dict[int, str] = {}
    nodes = []
    for goal in goals:
        if goal.owner_type == Goal.Owner.COMPANY:
            owner = company
        elif goal.owner_type == Goal.Owner.TEAM:
            owner = goal.team_name or ""
        elif goal.owner_person_id is None:
            owner = ""
        elif goal.owner_shown:
            owner = full_name(
                goal.owner_first_name or "", goal.owner_last_name or "", goal.owner_email or ""
            )
        else:
            owner = former
        title, count = goal.title, goal.child_count
        if count > CHILD_LIMIT:
            summary = many_aligned % {"child_limit": CHILD_LIMIT, "title": title}
        elif count:
            if count not in aligned:
                aligned[count] = ngettext(
                    "%(n)s goal aligned to %(title)s", "%(n)s goals aligned to %(title)s", count
                )
            summary = aligned[count] % {"n": count, "title": title}
        else:
            summary = ""
        nodes.append(
            TreeNode(
                goal,
                owner=owner,
                url=goal_url(goal.pk),
                children_url=children_url(goal.pk),
                progress_label=progress_of % {"title": title},
                children_summary=summary,
                matched=goal.pk in matched,
            )
        )
    return nodes


def _tree_order[G: Goal](goals: QuerySet[G]) -> QuerySet[G]:
    return goals.order_by("title", "id")


def alignment_roots(
    user: Actor, period: PerformancePeriod | None, *, full_goals: bool = False
) -> list[GoalWithChildCount]:
    """The company goals of ``period`` at the top of the tree (not aligned to another
    goal of the same period)."""
    if period is None:
        return []
    roots = (
        tree_goals(user)
        .filter(owner_type=Goal.Owner.COMPANY, period=period)
        .filter(Q(parent__isnull=True) | ~Q(parent__period=period))
    )
    return list(_tree_order(_with_child_counts(user, roots, full_goals=full_goals)))


def alignment_children(
    user: Actor, parents: list[GoalWithChildCount] | list[Goal], *, full_goals: bool = False
) -> dict[int, list[GoalWithChildCount]]:
    """The first CHILD_LIMIT visible children of each of ``parents``, by title (one
    query for all of them); the goal's own page lists the rest."""
    out: dict[int, list[GoalWithChildCount]] = {p.pk: [] for p in parents}
    if not parents:
        return out
    children = _with_child_counts(
        user, tree_goals(user).filter(parent__in=[p.pk for p in parents]), full_goals=full_goals
    )
    if len(parents) == 1:
        rows = _tree_order(children)[:CHILD_LIMIT]
    else:
        rows = _tree_order(
            children.annotate(
                rank=Window(RowNumber(), partition_by=F("parent"), order_by=["title", "id"])
            ).filter(rank__lte=CHILD_LIMIT)
        )
    for child in rows:
        if child.parent_id is not None:  # never None: filtered on the parent above
            out[child.parent_id].append(child)
    return out


def children_of(user: Actor, goal: Goal) -> list[GoalWithChildCount]:
    """The next level below ``goal``, every column loaded (the goal page, the API)."""
    return alignment_children(user, [goal], full_goals=True)[goal.pk]


def child_nodes(user: Actor, goal: Goal) -> list[TreeNode]:
    """The next level below ``goal``, folded: what opening its node shows."""
    return _nodes(alignment_children(user, [goal])[goal.pk])


def alignment_first_levels(
    user: Actor, period: PerformancePeriod | None, *, full_goals: bool = False
) -> list[TreeNode]:
    """The roots, open, with their children folded: what the tree shows before anyone
    expands a node. Two queries."""
    roots = _nodes(alignment_roots(user, period, full_goals=full_goals))
    children = alignment_children(user, [root.goal for root in roots], full_goals=full_goals)
    for root in roots:
        root.children = _nodes(children[root.goal.pk])
        root.expanded = True
    return roots


def _title_matches(goals: QuerySet[Goal], q: str) -> QuerySet:
    """Ids of ``goals`` whose title holds every word of ``q`` (any case)."""
    terms = q.split()[:5]
    if not terms:
        return goals.values("pk")
    return search.matching_ids(goals, GoalSearchEntry, "title", terms, lookup="icontains")


def _path_ids(goal: Goal) -> list[int]:
    return [int(part) for part in goal.alignment_path.strip("/").split("/") if part]


def alignment_matches(
    user: Actor,
    period: PerformancePeriod | None,
    *,
    q: str = "",
    department: Department | None = None,
) -> tuple[list[TreeNode], int]:
    """Goals of ``period`` matching a title search and/or owned in a department (or
    below it, or by someone in it), shown within the tree with all their ancestors.
    Returns the roots of that pruned tree and the number of matches."""
    if period is None:
        return [], 0
    matches = tree_goals(user).filter(period=period)
    if department is not None:
        from cadence.people.queries import department_and_below

        departments = department_and_below(department)
        matches = matches.filter(
            Q(owner_department__in=departments) | Q(owner_person__department__in=departments)
        )
    # Through the trigram index (cadence.core.search). No ORDER BY: SQLite stops at the
    # limit instead of sorting every match of a common word (~60 ms at 300,000 goals);
    # the tree shows the matches in title order anyway.
    ids = _title_matches(matches, q).order_by()[:TREE_SEARCH_LIMIT]
    found = dict(Goal.objects.filter(pk__in=ids).order_by().values_list("id", "alignment_path"))
    wanted = set(found)
    for path in found.values():
        wanted.update(int(part) for part in path.strip("/").split("/") if part)
    in_tree = _tree_order(_with_child_counts(user, tree_goals(user).filter(pk__in=wanted)))
    nodes = {node.goal.pk: node for node in _nodes(in_tree, matched=found.keys())}
    roots = []
    for node in nodes.values():
        parent_id = node.goal.parent_id
        parent = nodes.get(parent_id) if parent_id is not None else None
        if parent is not None:
            parent.children.append(node)
        else:
            # Ancestors the user may not see are left out; the goal hangs at the top.
            roots.append(node)
    for node in nodes.values():
        # A matching goal's own children stay folded, loaded on demand like anywhere else.
        node.expanded = bool(node.children)
    return roots, len(found)


# --- one goal --------------------------------------------------------------------------


@dataclass
class GoalDetail:
    goal: Goal
    flagged: FlaggedGoal
    ancestors: list[Goal]
    children: list[GoalWithChildCount]
    key_results: list[KeyResultWithLatest]


def goal_detail(user: Actor, goal: Goal) -> GoalDetail:
    """A goal the user may read (``access.goal_for_read``), with the ancestors and
    children they may see, and each key result's whole check-in history."""
    ancestor_ids = [i for i in _path_ids(goal) if i != goal.pk]
    by_id = (
        tree_goals(user).select_related("owner_person", "owner_department").in_bulk(ancestor_ids)
    )
    ancestors = [by_id[i] for i in ancestor_ids if i in by_id]
    history = CheckIn.objects.select_related("author__person").order_by("at", "id")
    key_results = list(
        key_results_with_latest()
        .filter(goal=goal)
        .prefetch_related(Prefetch("check_ins", queryset=history))
    )
    for kr in key_results:
        kr.goal = goal  # access checks read the goal; it is already loaded
    confidences = {goal.pk: [kr.latest_confidence for kr in key_results]}
    return GoalDetail(
        goal=goal,
        flagged=_flag([goal], confidences=confidences)[0],
        ancestors=ancestors,
        children=children_of(user, goal),
        key_results=key_results,
    )


def check_ins(key_result: KeyResult) -> QuerySet[CheckIn]:
    return key_result.check_ins.select_related("author__person").order_by("-at", "-id")


# --- lists for the API -----------------------------------------------------------------


def goal_search(
    user: Actor,
    *,
    period: PerformancePeriod | None = None,
    owner: Person | None = None,
    department: Department | None = None,
    q: str = "",
) -> QuerySet[Goal]:
    """Visible goals filtered for the API list; private goals appear only to those who
    may see them (``goals_visible_to``)."""
    goals = access.goals_visible_to(user)
    if period is not None:
        goals = goals.filter(period=period)
    if owner is not None:
        goals = goals.filter(owner_person=owner)
    if department is not None:
        from cadence.people.queries import department_and_below

        departments = department_and_below(department)
        goals = goals.filter(
            Q(owner_department__in=departments) | Q(owner_person__department__in=departments)
        )
    if q.split():
        goals = Goal.objects.filter(pk__in=_title_matches(goals, q))
    # By id: the table's own order, so a page needs no sort of the whole set (a title
    # order would sort ~300,000 public goals for every page), and the next page is a
    # seek to the cursor's id. (Period then id was a seek to the period only: SQLite
    # cannot range over the id within it, and page 100 read the 20,000 goals before.)
    return goals.select_related("period", "owner_person", "owner_department").order_by("id")


# What a row of the API's goal list reads (goals.api.goal_items), in one query: no
# model instances, the owner, their department and the period joined.
API_ROW_FIELDS = (
    *("id", "title", "description", "kind", "owner_type", "owner_person_id"),
    *("owner_person__first_name", "owner_person__last_name", "owner_person__work_email"),
    *("owner_department_id", "owner_department__full_name", "period_id", "period__name"),
    *("parent_id", "visibility", "state", "weight", "progress", "due_on", "last_check_in_at"),
)


def goal_api_rows(user: Actor, goals: QuerySet[Goal]) -> QuerySet[Goal, dict[str, Any]]:
    """``goals`` (from ``goal_search``) as dicts of ``API_ROW_FIELDS`` and
    ``owner_shown``: whether the user may see the owner (``person_shown``'s rule)."""
    return goals.values(*API_ROW_FIELDS, owner_shown=shown_flag(user, through="owner_person__"))


def with_key_results(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    return _with_key_results(goals)
