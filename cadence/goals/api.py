"""Goals, key results and check-ins over the API, with the same rules as the pages.

Lists start from ``access.goals_visible_to`` through ``cadence.goals.queries``, so a
private goal never appears to someone who may not see it — not in a list, a count, a
search or the alignment tree. Writes go through ``cadence.goals.services``.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator

from cadence.core.api_types import COMMENT, LONG_TEXT, MAX_ID, SEARCH, Amount, Day, Id, Text, Weight
from cadence.core.db import atomic_retrying
from cadence.core.pagination import KeysetPagination, Rows, paginate_rows, url_of
from cadence.goals import access, queries, services
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.people import access as people_access
from cadence.people.display import former_employee, person_shown
from cadence.people.queries import full_name
from cadence.planning import access as planning_access
from cadence.planning.models import PerformancePeriod

router = Router(tags=["goals"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# --- output ------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class OwnerOut(Schema):
    type: Goal.Owner
    person_id: int | None = Field(
        description="Null for a team or company goal, and for someone who left whose "
        "profile the caller may not open."
    )
    person_name: str | None = Field(
        description="“Former employee” for someone who left whom the caller may not see."
    )
    department_id: int | None
    department_name: str | None


class KeyResultOut(Schema):
    id: int
    title: str
    kind: KeyResult.Kind
    direction: KeyResult.Direction
    unit: str
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal
    weight: Decimal
    progress: float = Field(description="0.0–1.0, see the progress rule in docs/goals.md.")
    due_on: datetime.date | None
    last_check_in_at: datetime.datetime | None


class GoalOut(Schema):
    id: int
    title: str
    description: str
    kind: Goal.Kind
    owner: OwnerOut
    period: Ref
    parent_id: int | None = Field(description="The goal this one is aligned to.")
    visibility: Goal.Visibility
    state: Goal.State
    weight: Decimal
    progress: float = Field(description="0.0–1.0, see the progress rule in docs/goals.md.")
    due_on: datetime.date | None
    last_check_in_at: datetime.datetime | None
    url: str

    @staticmethod
    def resolve_owner(obj: Goal, context: Any) -> dict[str, Any]:
        # Someone who left, to a reader who may not open their profile: "Former
        # employee" and no id (people.display, docs/access.md).
        user = context["request"].user
        person, department = obj.owner_person, obj.owner_department
        shown = person_shown(user, person) if person is not None else None
        return {
            "type": obj.owner_type,
            "person_id": shown.person_id if shown else None,
            "person_name": shown.name if shown else None,
            "department_id": obj.owner_department_id,
            "department_name": department.full_name if department is not None else None,
        }

    @staticmethod
    def resolve_period(obj: Goal) -> dict[str, Any]:
        return {"id": obj.period_id, "name": obj.period.name}

    @staticmethod
    def resolve_url(obj: Goal) -> str:
        return reverse("goals:goal", args=[obj.pk])


class GoalDetailOut(GoalOut):
    key_results: list[KeyResultOut]
    at_risk: bool = Field(
        description="Flagged by the health rule (docs/goals.md): at risk or off track."
    )
    health: str | None = Field(
        description="on_track, at_risk or off_track (docs/goals.md, Health); null unless active."
    )
    health_reason: str | None = Field(
        description="Why, in a sentence: progress, expected progress, the owner's word."
    )

    # The health rule reads the key results' latest check-ins, which come with the goal
    # (``_goal_out``): no query, only arithmetic, repeated for each of the three fields.
    @staticmethod
    def resolve_at_risk(obj: Goal) -> bool:
        health = queries.flag(obj).health
        return bool(health and health.flagged)

    @staticmethod
    def resolve_health(obj: Goal) -> str | None:
        health = queries.flag(obj).health
        return health.status if health else None

    @staticmethod
    def resolve_health_reason(obj: Goal) -> str | None:
        health = queries.flag(obj).health
        return health.reason if health else None

    @staticmethod
    def resolve_key_results(obj: Goal) -> list[KeyResult]:
        return list(obj.key_results.all())


class TreeNodeOut(GoalOut):
    child_count: int = Field(
        description="Goals aligned to this one that the caller may see, counted up to 101."
    )


class AlignmentRootOut(TreeNodeOut):
    """A root of the tree, read from a ``queries.TreeNode``: its goal as ``TreeNodeOut``
    shows it, and the next level."""

    children: list[TreeNodeOut]

    # Ninja's own root validator (this name, replaced here) would hand the node to
    # GoalOut's resolvers, which read a goal. A validated TreeNodeOut given back
    # instead would be validated again, resolvers and all, so the goal's fields are
    # resolved once from the goal and the children from theirs.
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, node: queries.TreeNode, handler: ModelWrapValidatorHandler, info: ValidationInfo
    ) -> "AlignmentRootOut":
        goal = TreeNodeOut.model_validate(node.goal, context=info.context)
        return handler({**dict(goal), "children": [child.goal for child in node.children]})


class CheckInOut(Schema):
    id: int
    key_result_id: int
    at: datetime.datetime
    value: Decimal
    previous_value: Decimal
    progress: float
    confidence: CheckIn.Confidence
    comment: str
    author_name: str | None

    @staticmethod
    def resolve_author_name(obj: CheckIn) -> str | None:
        if obj.author is None:
            return None
        person = getattr(obj.author, "person", None)
        return person.full_name if person else obj.author.email


# --- input -------------------------------------------------------------------------------


class GoalIn(Schema):
    title: Text = Field(min_length=1, max_length=300)
    description: Text = Field("", max_length=LONG_TEXT)
    period_id: Id
    kind: Goal.Kind = Goal.Kind.OBJECTIVE
    visibility: Goal.Visibility = Goal.Visibility.PUBLIC
    parent_id: Id | None = None
    weight: Weight = Decimal(1)
    due_on: Day | None = None
    owner_type: Goal.Owner = Field(
        Goal.Owner.PERSON, description="person (default: the caller), team or company"
    )
    owner_person_id: Id | None = Field(
        None, description="For a person goal: whose (default: the caller)."
    )
    owner_department_id: Id | None = Field(None, description="For a team goal: which team.")


class GoalPatch(Schema):
    title: Text | None = Field(None, min_length=1, max_length=300)
    description: Text | None = Field(None, max_length=LONG_TEXT)
    kind: Goal.Kind | None = None
    visibility: Goal.Visibility | None = None
    weight: Weight | None = None
    due_on: Day | None = None
    parent_id: int | None = Field(
        None, ge=0, le=MAX_ID, description="Align to this goal; send 0 to remove the alignment."
    )
    state: Goal.State | None = Field(
        None,
        description="A move of the approval flow (docs/goals.md): proposed (send for "
        "approval), active (approve a proposed goal; reopen one approved before), draft "
        "(return for changes; restore a cancelled goal never approved), completed, "
        "cancelled. Any other move is refused with 422 naming the moves possible.",
    )


class CheckInIn(Schema):
    value: Amount
    confidence: CheckIn.Confidence = CheckIn.Confidence.ON_TRACK
    comment: Text = Field("", max_length=COMMENT)


# --- helpers -----------------------------------------------------------------------------


def _period(request: HttpRequest, period_id: int | None) -> PerformancePeriod | None:
    if period_id is None:
        return None
    return planning_access.period_for_read(request.user, period_id)


def _parent_for(request: HttpRequest, parent_id: int | None) -> Goal | None:
    if not parent_id:
        return None
    return access.goal_for_read(request.user, parent_id)


def _goal_out(request: HttpRequest, goal_id: Id) -> Goal:
    """The goal as responses show it, read again through the caller's visible goals."""
    goal = queries.with_key_results(
        access.goals_visible_to(request.user).filter(pk=goal_id)
    ).first()
    if goal is None:
        raise Http404
    return goal


def goal_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``queries.goal_api_rows`` rows as ``GoalOut`` shows them, field for field, with
    no model instance or schema validation per row (tests/goals/test_api.py compares
    the two)."""
    url = url_of("goals:goal")
    former = former_employee()
    items = []
    for row in rows:
        person_id, person_name = row["owner_person_id"], None
        if person_id is not None:
            # Someone who left, to a reader who may not open their profile: "Former
            # employee" and no id (people.display, docs/access.md).
            if row["owner_shown"]:
                person_name = full_name(
                    row["owner_person__first_name"],
                    row["owner_person__last_name"],
                    row["owner_person__work_email"],
                )
            else:
                person_id, person_name = None, former
        items.append(
            {
                "id": row["id"],
                "title": row["title"],
                "description": row["description"],
                "kind": row["kind"],
                "owner": {
                    "type": row["owner_type"],
                    "person_id": person_id,
                    "person_name": person_name,
                    "department_id": row["owner_department_id"],
                    "department_name": row["owner_department__full_name"],
                },
                "period": {"id": row["period_id"], "name": row["period__name"]},
                "parent_id": row["parent_id"],
                "visibility": row["visibility"],
                "state": row["state"],
                "weight": row["weight"],
                "progress": row["progress"],
                "due_on": row["due_on"],
                "last_check_in_at": row["last_check_in_at"],
                "url": url(row["id"]),
            }
        )
    return items


# --- goals -------------------------------------------------------------------------------


@router.get("/goals", response=list[GoalOut], summary="List goals the caller may see")
@paginate_rows(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_goals(
    request: HttpRequest,
    period: Id | None = Query(None, description="Period id."),
    owner: Text | None = Query(None, max_length=20, description="'me' or a person id."),
    department: Id | None = Query(
        None, description="Goals of this department (or below), or of people in it."
    ),
    q: Text = Query("", max_length=SEARCH, description="Words in the title."),
) -> Rows:
    people_access.require_member(request.user)
    owner_person = None
    if owner == "me":
        owner_person = people_access.acting_person(request.user)
        if owner_person is None:
            return Rows(queries.goal_api_rows(request.user, Goal.objects.none()), goal_items)
    elif owner:
        try:
            owner_person = people_access.person_for_read(request.user, int(owner))
        except ValueError:
            raise ValidationError({"owner": _("Give 'me' or a person id.")}) from None
    dept = None
    if department is not None:
        dept = people_access.department_for_read(request.user, department)
    goals = queries.goal_search(
        request.user, period=_period(request, period), owner=owner_person, department=dept, q=q
    )
    return Rows(queries.goal_api_rows(request.user, goals), goal_items)


@router.get(
    "/goals/alignment",
    response=list[AlignmentRootOut],
    summary="The alignment tree's first two levels: company goals and those aligned to them",
)
def alignment(
    request: HttpRequest, period: Id | None = Query(None, description="Default: current.")
) -> list[queries.TreeNode]:
    people_access.require_member(request.user)
    chosen = (
        _period(request, period)
        if period is not None
        else queries.default_period(queries.periods())
    )
    return queries.alignment_first_levels(request.user, chosen, full_goals=True)


@router.get("/goals/{goal_id}", response=GoalDetailOut, summary="One goal with its key results")
def get_goal(request: HttpRequest, goal_id: Id) -> Goal:
    access.goal_for_read(request.user, goal_id)
    return _goal_out(request, goal_id)


@router.get(
    "/goals/{goal_id}/children",
    response=list[TreeNodeOut],
    summary="Goals aligned to this one (the next level of the tree, first 100 by title)",
)
def goal_children(request: HttpRequest, goal_id: Id) -> list[queries.GoalWithChildCount]:
    goal = access.goal_for_read(request.user, goal_id)
    return queries.children_of(request.user, goal)


@router.post(
    "/goals",
    response={201: GoalDetailOut},
    summary="Create a goal: one's own, a report's, a team's or the company's",
)
def create_goal(request: HttpRequest, payload: GoalIn) -> Status:
    people_access.require_member(request.user)
    period = planning_access.period_for_read(request.user, payload.period_id)
    owner: dict = {"owner_type": payload.owner_type}
    if payload.owner_type == Goal.Owner.PERSON:
        if payload.owner_person_id is None:
            owner["owner_person"] = people_access.acting_person(request.user)
        else:
            owner["owner_person"] = people_access.person_for_read(
                request.user, payload.owner_person_id
            )
    elif payload.owner_type == Goal.Owner.TEAM:
        if payload.owner_department_id is None:
            raise ValidationError({"owner_department_id": _("Choose the team.")})
        owner["owner_department"] = people_access.department_for_read(
            request.user, payload.owner_department_id
        )
    if not access.can_create_goal(request.user, period=period, **owner):
        raise people_access.Refused(_("You cannot create goals for that owner in this period."))
    data = payload.dict(
        exclude={"period_id", "parent_id", "owner_type", "owner_person_id", "owner_department_id"}
    )
    goal = services.goal_create(
        actor=request.user,
        period=period,
        **owner,
        parent=_parent_for(request, payload.parent_id),
        **data,
    )
    return Status(201, _goal_out(request, goal.pk))


@router.patch("/goals/{goal_id}", response=GoalDetailOut, summary="Change a goal")
@atomic_retrying  # goal_for_edit locks the goal's row; see cadence.core.db
def update_goal(request: HttpRequest, goal_id: Id, payload: GoalPatch) -> Goal:
    changes = payload.dict(exclude_unset=True)
    goal = access.goal_for_edit(request.user, goal_id, new_parent_id=changes.get("parent_id"))
    parent_id = changes.pop("parent_id", "unset")
    state = changes.pop("state", None)
    if state is not None:
        # Approving and returning are the approvers' moves, not every editor's.
        access.require_transition(request.user, goal, state)
    parent = _parent_for(request, parent_id) if parent_id != "unset" else None
    # As on the page: unalign before turning private, align after turning public.
    if parent_id != "unset" and parent is None:
        services.goal_align(actor=request.user, goal=goal, parent=None)
    if changes:
        services.goal_update(actor=request.user, goal=goal, **changes)
    if parent is not None:
        services.goal_align(actor=request.user, goal=goal, parent=parent)
    if state is not None:
        services.goal_set_state(actor=request.user, goal=goal, state=state)
    return _goal_out(request, goal.pk)


# --- check-ins ---------------------------------------------------------------------------


@router.get(
    "/key-results/{key_result_id}/check-ins",
    response=list[CheckInOut],
    summary="A key result's check-ins, newest first",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_check_ins(request: HttpRequest, key_result_id: Id) -> QuerySet[CheckIn]:
    return queries.check_ins(access.key_result_for_read(request.user, key_result_id))


@router.post(
    "/key-results/{key_result_id}/check-ins",
    response={201: CheckInOut},
    summary="Post a check-in on a key result",
)
def create_check_in(request: HttpRequest, key_result_id: Id, payload: CheckInIn) -> Status:
    key_result = access.key_result_for_check_in(request.user, key_result_id)
    check_in = services.check_in_create(
        actor=request.user,
        key_result=key_result,
        value=payload.value,
        confidence=payload.confidence,
        comment=payload.comment,
    )
    return Status(201, check_in)
