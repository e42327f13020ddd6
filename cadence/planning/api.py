"""Periods, plans and competency frameworks over the API, with the same rules as the
pages: parse → access → service or query → respond, each operation with its own
schemas. Refusals: 401 signed out, 404 for what the caller may not know exists, 403
(with a sentence in ``detail``) for what they may read but not change, 422 for input
the services reject.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cadence.core.api_types import COMMENT, LONG_TEXT, Day, Id, Text
from cadence.people.access import acting_person
from cadence.people.display import name_shown, person_shown
from cadence.people.models import Person
from cadence.planning import access, queries, services
from cadence.planning.models import (
    CompetencyFramework,
    DevelopmentItem,
    PerformancePeriod,
    PerformancePlan,
    PlanEvent,
)

router = Router(tags=["planning"])


# --- schemas -------------------------------------------------------------------------


class PeriodOut(Schema):
    id: int
    name: str
    kind: PerformancePeriod.Kind
    state: PerformancePeriod.State
    starts_on: datetime.date
    ends_on: datetime.date
    parent_id: int | None
    closed_at: datetime.datetime | None


class PersonRef(Schema):
    id: int
    full_name: str


class PlanManagerRef(Schema):
    """A person named in passing, by the rule of the pages (docs/access.md, "People who
    left"): someone who left is named only to those who may open their profile."""

    id: int | None = Field(
        description="None when the caller may not open this person's profile (they left)."
    )
    full_name: str = Field(description='"Former employee" when ``id`` is None.')


class PlanPerson(PersonRef):
    level: str = Field(description="The job level the plan's competencies use.")


class PeriodRef(Schema):
    id: int
    name: str
    state: PerformancePeriod.State


class Signature(Schema):
    signed_at: datetime.datetime | None
    comment: str


class DevelopmentItemOut(Schema):
    id: int
    need: str
    action: str
    due_on: datetime.date | None
    status: DevelopmentItem.Status
    competency_id: int | None


class PlanSummary(Schema):
    id: int
    state: PerformancePlan.State
    revision: int
    agreed_at: datetime.datetime | None
    employee_signed_at: datetime.datetime | None
    manager_signed_at: datetime.datetime | None
    url: str = Field(description="The plan's page in Cadence.")

    @staticmethod
    def resolve_url(obj: PerformancePlan) -> str:
        return reverse("planning:plan", args=[obj.pk])


class PlanOut(PlanSummary):
    person: PlanPerson
    period: PeriodRef
    manager: PlanManagerRef | None = Field(description="The manager at planning time.")
    expectations: str
    employee_signature: Signature
    manager_signature: Signature
    started_from_id: int | None
    updated_at: datetime.datetime
    development_items: list[DevelopmentItemOut]

    @staticmethod
    def resolve_manager(obj: PerformancePlan, context: dict[str, Any]) -> dict[str, Any] | None:
        if obj.manager is None:
            return None
        shown = person_shown(context["request"].user, obj.manager)
        return {"id": shown.person_id, "full_name": shown.name}

    @staticmethod
    def resolve_employee_signature(obj: PerformancePlan) -> dict[str, Any]:
        return {"signed_at": obj.employee_signed_at, "comment": obj.employee_comment}

    @staticmethod
    def resolve_manager_signature(obj: PerformancePlan) -> dict[str, Any]:
        return {"signed_at": obj.manager_signed_at, "comment": obj.manager_comment}

    @staticmethod
    def resolve_development_items(obj: PerformancePlan) -> list[DevelopmentItem]:
        items = getattr(obj, "prefetched_items", None)
        return items if items is not None else list(obj.development_items.all())


class PlanKeyResultOut(Schema):
    title: str
    direction: str
    unit: str
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal
    progress: float


class PlanGoalOut(Schema):
    """A goal as a plan lists it (the goals API's ``GoalOut`` has more)."""

    id: int
    title: str
    state: str
    visibility: str
    progress: float
    key_results: list[PlanKeyResultOut]

    @staticmethod
    def resolve_key_results(obj: Any) -> list[Any]:
        return list(obj.key_results.all())


class ExpectedCompetencyOut(Schema):
    group: str
    name: str
    description: str
    behaviour: str


class PlanEventOut(Schema):
    at: datetime.datetime
    kind: str
    comment: str
    actor: str | None = Field(
        description=(
            'Who acted, named as the plan\'s page names them: "Former employee" for someone '
            "who left whose profile the caller may not open, an account without a person "
            "record by its email; null for a change Cadence made."
        )
    )
    data: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: PlanEvent, context: dict[str, Any]) -> str | None:
        return name_shown(context["request"].user, obj.actor) if obj.actor else None


class PlanDetailOut(PlanOut):
    goals: list[PlanGoalOut]
    competencies: list[ExpectedCompetencyOut] = Field(
        description="What the period's framework expects at the person's level."
    )
    history: list[PlanEventOut]


class PlanRow(Schema):
    person: PersonRef
    plan: PlanSummary | None
    agreed: bool


class PlanOpenIn(Schema):
    period_id: Id
    person_id: Id | None = Field(None, description="Defaults to the caller.")
    from_previous: bool = Field(
        False,
        description="Copy expectations and open development items from the person's previous plan.",
    )


class PlanPatchIn(Schema):
    expectations: Text = Field(max_length=LONG_TEXT)


class SignIn(Schema):
    comment: Text = Field("", max_length=COMMENT)


class DevelopmentItemIn(Schema):
    need: Text = Field(min_length=1, max_length=300)
    action: Text = Field(max_length=LONG_TEXT)
    due_on: Day | None = None
    status: DevelopmentItem.Status = DevelopmentItem.Status.OPEN


class ExpectationOut(Schema):
    level: str
    behaviour: str


class CompetencyOut(Schema):
    id: int
    name: str
    description: str
    expectations: list[ExpectationOut]

    @staticmethod
    def resolve_expectations(obj: Any) -> list[Any]:
        return sorted(obj.expectations.all(), key=lambda e: queries.level_sort_key(e.level))


class GroupOut(Schema):
    id: int
    name: str
    competencies: list[CompetencyOut]

    @staticmethod
    def resolve_competencies(obj: Any) -> list[Any]:
        return list(obj.competencies.all())


class FrameworkOut(Schema):
    id: int
    name: str
    version: int
    period: PeriodRef | None
    based_on_id: int | None
    groups: list[GroupOut]


# --- helpers ---------------------------------------------------------------------------


def _detail(request: HttpRequest, plan: PerformancePlan) -> PerformancePlan:
    """The plan carrying what ``PlanDetailOut`` shows beyond its own fields."""
    detail = queries.plan_detail(request.user, plan)
    plan.goals = detail.goals  # type: ignore[attr-defined]
    plan.competencies = detail.competencies  # type: ignore[attr-defined]
    plan.history = detail.events  # type: ignore[attr-defined]
    plan.prefetched_items = detail.development_items  # type: ignore[attr-defined]
    return plan


def _person_ref(person: Person) -> dict[str, Any]:
    return {"id": person.pk, "full_name": person.full_name}


# --- periods and frameworks ----------------------------------------------------------


@router.get("/periods", response=list[PeriodOut], summary="Performance periods, newest first")
def list_periods(request: HttpRequest) -> list[PerformancePeriod]:
    access.require_member(request.user)
    return queries.periods()


@router.get(
    "/competency-frameworks/{framework_id}",
    response=FrameworkOut,
    summary="A competency framework version with its groups, competencies and "
    "expected behaviour per level",
)
def get_framework(request: HttpRequest, framework_id: Id) -> dict[str, Any]:
    framework: CompetencyFramework = access.framework_for_read(request.user, framework_id)
    return {
        "id": framework.pk,
        "name": framework.name,
        "version": framework.version,
        "period": framework.period,
        "based_on_id": framework.based_on_id,
        "groups": queries.framework_tree(framework),
    }


# --- plans -----------------------------------------------------------------------------


@router.get(
    "/plans/mine",
    response={200: PlanDetailOut, 404: dict},
    summary="The caller's plan for a period (default: the active one)",
)
def my_plan(request: HttpRequest, period: Id | None = Query(None)) -> Any:
    access.require_member(request.user)
    me = acting_person(request.user)
    chosen = queries.period_from(period, queries.periods())
    plan = queries.plan_of(me, chosen) if me is not None else None
    if plan is None:
        return Status(404, {"detail": "No plan for this period yet."})
    return Status(200, _detail(request, plan))


@router.get(
    "/plans",
    response=list[PlanRow],
    summary="Plans of a period: team=me lists each direct report, with or without "
    "a plan; otherwise the plans the caller may read",
)
def list_plans(
    request: HttpRequest,
    period: Id | None = Query(None, description="Period id; default the active one."),
    team: Text | None = Query(None, max_length=10, description="'me': my direct reports."),
) -> list[dict[str, Any]]:
    access.require_member(request.user)
    chosen = queries.period_from(period, queries.periods())
    if chosen is None:
        return []
    if team == "me":
        me = acting_person(request.user)
        if me is None:
            return []
        rows = queries.team_plans(me, chosen).rows
        return [{"person": _person_ref(r.person), "plan": r.plan, "agreed": r.agreed} for r in rows]
    if team is not None:
        raise ValidationError({"team": _("Give 'me', or leave it out.")})
    plans = (
        queries.plans_visible_to(request.user)
        .filter(period=chosen)
        .order_by("person__last_name", "person__first_name", "id")
    )
    return [
        {
            "person": _person_ref(p.person),
            "plan": p,
            "agreed": p.state == PerformancePlan.State.AGREED,
        }
        for p in plans
    ]


@router.get(
    "/plans/{plan_id}",
    response=PlanDetailOut,
    summary="One plan with its goals, expected competencies, development items and history",
)
def get_plan(request: HttpRequest, plan_id: Id) -> PerformancePlan:
    return _detail(request, access.plan_for_read(request.user, plan_id))


@router.post(
    "/plans",
    response={200: PlanDetailOut, 201: PlanDetailOut},
    summary="Open a plan (returns the existing one if there is one)",
)
@transaction.atomic
def open_plan(request: HttpRequest, payload: PlanOpenIn) -> Any:
    period = access.period_for_read(request.user, payload.period_id)
    person_id = payload.person_id
    if person_id is None:
        me = acting_person(request.user)
        if me is None:
            raise ValidationError(
                {"person_id": _("Give person_id: your account has no employee record.")}
            )
        person_id = me.pk
    person = access.person_for_planning(request.user, person_id, period)
    existed = access.has_plan(request.user, person, period)
    plan = services.plan_open(
        actor=request.user, person=person, period=period, from_previous=payload.from_previous
    )
    plan = access.plan_for_read(request.user, plan.pk)
    return Status(200 if existed else 201, _detail(request, plan))


@router.patch(
    "/plans/{plan_id}",
    response=PlanDetailOut,
    summary="Change the expectations (reopens an agreed plan)",
)
@transaction.atomic
def patch_plan(request: HttpRequest, plan_id: Id, payload: PlanPatchIn) -> PerformancePlan:
    plan = access.plan_for_edit(request.user, plan_id)
    plan = services.plan_update(actor=request.user, plan=plan, expectations=payload.expectations)
    return _detail(request, access.plan_for_read(request.user, plan.pk))


@router.post("/plans/{plan_id}/propose", response=PlanDetailOut, summary="Draft → proposed")
@transaction.atomic
def propose_plan(request: HttpRequest, plan_id: Id) -> PerformancePlan:
    plan = access.plan_for_edit(request.user, plan_id)
    services.plan_propose(actor=request.user, plan=plan)
    return _detail(request, access.plan_for_read(request.user, plan.pk))


@router.post(
    "/plans/{plan_id}/sign",
    response=PlanDetailOut,
    summary="Sign as the employee or as the manager, whichever the caller is",
)
@transaction.atomic
def sign_plan(request: HttpRequest, plan_id: Id, payload: SignIn) -> PerformancePlan:
    plan = access.plan_for_sign(request.user, plan_id)
    services.plan_sign(actor=request.user, plan=plan, comment=payload.comment)
    return _detail(request, access.plan_for_read(request.user, plan.pk))


@router.post(
    "/plans/{plan_id}/development-items",
    response={201: DevelopmentItemOut},
    summary="Add a development item (reopens an agreed plan)",
)
@transaction.atomic
def add_development_item(request: HttpRequest, plan_id: Id, payload: DevelopmentItemIn) -> Any:
    plan = access.plan_for_edit(request.user, plan_id)
    item = services.development_item_add(
        actor=request.user,
        plan=plan,
        need=payload.need,
        action=payload.action,
        due_on=payload.due_on,
    )
    return Status(201, item)


@router.patch(
    "/development-items/{item_id}",
    response=DevelopmentItemOut,
    summary="Change a development item (reopens an agreed plan)",
)
@transaction.atomic
def update_development_item(
    request: HttpRequest, item_id: Id, payload: DevelopmentItemIn
) -> DevelopmentItem:
    item = access.development_item_for_edit(request.user, item_id)
    return services.development_item_update(
        actor=request.user,
        item=item,
        need=payload.need,
        action=payload.action,
        due_on=payload.due_on,
        status=payload.status,
    )


@router.delete(
    "/development-items/{item_id}",
    response={204: None},
    summary="Remove a development item (reopens an agreed plan)",
)
@transaction.atomic
def remove_development_item(request: HttpRequest, item_id: Id) -> Any:
    item = access.development_item_for_edit(request.user, item_id)
    services.development_item_remove(actor=request.user, item=item)
    return Status(204, None)
