"""Review cycles over the API, for HR admins (as the pages): list, create, one cycle
with its counts, the participants preview (counts, then who is in and who is left out
and why, page by page), launch (again: only what is missing), late joiners, people
changes and the next phase, the nudge and the dashboard. Everyone else: 404 without
membership, 403 as a member.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from cadence.core.api_types import Day, Id, Text
from cadence.core.pagination import KeysetPagination
from cadence.planning import access as planning_access
from cadence.reviews import access, nudges
from cadence.reviews import queries_cycles as queries
from cadence.reviews import queries_dashboard as dashboard
from cadence.reviews.models import ReviewCycle, ReviewerType
from cadence.reviews.services import cycles as services

router = Router(tags=["reviews"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# --- output ------------------------------------------------------------------------------


class CycleCriteriaOut(Schema):
    departments: list[int] = Field(description="With the departments below them.")
    locations: list[str]
    levels: list[str]
    started_before: datetime.date | None
    exclude: list[int] = Field(description="Person ids left out by name.")


class CycleWeightsOut(Schema):
    sections: dict[str, int] = Field(description="goals, competencies, questions: sum 100.")
    reviewers: dict[str, int] = Field(description="manager, self, peer, upward: sum 100.")


class CycleOut(Schema):
    id: int
    name: str
    phase: ReviewCycle.Phase
    template_id: int
    template_version_id: int
    template_version: int = Field(description="The version's number.")
    period_id: int
    period_name: str
    review_types: list[ReviewerType]
    criteria: CycleCriteriaOut
    nomination_deadline: datetime.date | None
    approval_deadline: datetime.date | None
    writing_deadline: datetime.date
    calibration_deadline: datetime.date | None
    acknowledgement_deadline: datetime.date | None
    grace_days: int
    peers_min: int
    peers_max: int
    peer_load_cap: int
    anonymity_threshold: int
    hr_sees_attribution: bool
    manager_sees_peer_results: bool
    manager_may_release: bool
    reminder_days_before: int
    escalate_after_days: int
    score_weights: CycleWeightsOut | None = Field(description="Null: the documented defaults.")
    launched_at: datetime.datetime | None
    next_phase: ReviewCycle.Phase | None

    @staticmethod
    def resolve_template_id(obj: ReviewCycle) -> int:
        return obj.template_version.template_id

    @staticmethod
    def resolve_template_version(obj: ReviewCycle) -> int:
        return obj.template_version.number

    @staticmethod
    def resolve_period_name(obj: ReviewCycle) -> str:
        return obj.period.name

    @staticmethod
    def resolve_criteria(obj: ReviewCycle) -> dict[str, Any]:
        criteria = obj.criteria or {}
        return {
            "departments": criteria.get("departments", []),
            "locations": criteria.get("locations", []),
            "levels": criteria.get("levels", []),
            "started_before": criteria.get("started_before"),
            "exclude": criteria.get("exclude", []),
        }

    @staticmethod
    def resolve_score_weights(obj: ReviewCycle) -> dict[str, Any] | None:
        return obj.score_weights or None

    @staticmethod
    def resolve_next_phase(obj: ReviewCycle) -> str | None:
        return services.next_phase(obj)


class CycleTypeCountOut(Schema):
    type: ReviewerType
    total: int
    by_state: dict[str, int] = Field(description="open, draft, submitted, declined, closed.")


class CycleDetailOut(CycleOut):
    reviews: dict[str, int] = Field(description="Reviews by state (empty while draft).")
    assignments: list[CycleTypeCountOut]

    @staticmethod
    def resolve_reviews(obj: ReviewCycle) -> dict[str, int]:
        return queries.cycle_counts(obj).reviews

    @staticmethod
    def resolve_assignments(obj: ReviewCycle) -> list[dict[str, Any]]:
        counts = queries.cycle_counts(obj)
        return [
            {
                "type": row.type,
                "total": row.total,
                "by_state": {
                    state: n for (state, _l), n in zip(counts.states, row.states, strict=True)
                },
            }
            for row in counts.rows
        ]


class CyclePreviewOut(Schema):
    included: int
    without_manager: int = Field(description="In, with no manager: no manager review.")
    left_out: dict[str, int] = Field(
        description="How many are left out per reason: " + ", ".join(services.LeftOut.values)
    )


class CycleParticipantOut(Schema):
    id: int
    name: str
    department: str | None
    manager_review: bool = Field(description="False when the person has no manager now.")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.full_name

    @staticmethod
    def resolve_department(obj: Any) -> str | None:
        return obj.department.full_name if obj.department is not None else None

    @staticmethod
    def resolve_manager_review(obj: Any) -> bool:
        return obj.now_manager is not None


class CycleLeftOutOut(Schema):
    id: int
    name: str
    department: str | None
    reason: services.LeftOut

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.full_name

    @staticmethod
    def resolve_department(obj: Any) -> str | None:
        return obj.department.full_name if obj.department is not None else None

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return obj.left_out


class CycleLaunchOut(Schema):
    reviews: int = Field(description="Reviews added by this call (0 when none were missing).")
    assignments: dict[str, int] = Field(description="Assignments added, per reviewer type.")
    cycle: CycleOut


class CycleSyncOut(Schema):
    moved: int = Field(description="Manager reviews handed to a new manager.")
    reviews_closed: int = Field(description="Reviews of people who left.")
    assignments_closed: int = Field(description="Open assignments of people who left.")


# --- input -------------------------------------------------------------------------------


class CycleCriteriaIn(Schema):
    departments: list[Id] = Field(default_factory=list, max_length=1000)
    locations: list[Text] = Field(default_factory=list, max_length=1000)
    levels: list[Text] = Field(default_factory=list, max_length=1000)
    started_before: Day | None = None
    exclude: list[Id] = Field(default_factory=list, max_length=10_000)


class CycleWeightsIn(Schema):
    sections: dict[str, int] = Field(description="goals, competencies, questions: sum 100.")
    reviewers: dict[str, int] = Field(description="manager, self, peer, upward: sum 100.")


class CycleIn(Schema):
    name: Text = Field(min_length=1, max_length=200)
    template_id: Id = Field(description="The cycle takes the template's latest version.")
    period_id: Id
    review_types: list[ReviewerType] = Field(min_length=1, max_length=4)
    criteria: CycleCriteriaIn | None = None
    nomination_deadline: Day | None = None
    approval_deadline: Day | None = None
    writing_deadline: Day
    calibration_deadline: Day | None = None
    acknowledgement_deadline: Day | None = None
    grace_days: int = Field(0, ge=0, le=365)
    peers_min: int = Field(3, ge=0, le=50)
    peers_max: int = Field(5, ge=0, le=50)
    peer_load_cap: int = Field(5, ge=1, le=100)
    anonymity_threshold: int = Field(3, ge=2, le=100)
    hr_sees_attribution: bool = False
    manager_sees_peer_results: bool = True
    manager_may_release: bool = False
    reminder_days_before: int = Field(3, ge=0, le=365)
    escalate_after_days: int = Field(3, ge=0, le=365)
    score_weights: CycleWeightsIn | None = None


class CycleAdvanceIn(Schema):
    phase: ReviewCycle.Phase


class LeftOutFilter(Schema):
    reason: services.LeftOut | None = None


# --- operations --------------------------------------------------------------------------


def _cycle(request: HttpRequest, cycle_id: int) -> ReviewCycle:
    return access.cycle_for_manage(request.user, cycle_id)


@router.get("/reviews/cycles", response=list[CycleOut], summary="Review cycles (HR)")
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_cycles(request: HttpRequest) -> QuerySet[ReviewCycle]:
    access.require_review_manager(request.user)
    return queries.cycles().order_by("-id")


@router.post("/reviews/cycles", response={201: CycleDetailOut}, summary="Create a draft cycle")
@transaction.atomic
def create_cycle(request: HttpRequest, payload: CycleIn) -> Status:
    access.require_review_manager(request.user)
    # A missing template or period is bad input naming its field (422), not a 404 of
    # the operation.
    try:
        template = access.template_for_manage(request.user, payload.template_id)
    except Http404:
        raise ValidationError({"template_id": _("No such review template.")}) from None
    try:
        period = planning_access.period_for_manage(request.user, payload.period_id)
    except Http404:
        raise ValidationError({"period_id": _("No such period.")}) from None
    data = payload.dict(exclude={"template_id", "period_id"})
    criteria = data.pop("criteria") or {}
    if criteria.get("started_before"):
        criteria["started_before"] = criteria["started_before"].isoformat()
    cycle = services.cycle_create(
        actor=request.user,
        template=template,
        period=period,
        criteria={k: v for k, v in criteria.items() if v},
        score_weights=data.pop("score_weights") or {},
        **data,
    )
    return Status(201, _cycle(request, cycle.pk))


@router.get("/reviews/cycles/{cycle_id}", response=CycleDetailOut, summary="One cycle")
def get_cycle(request: HttpRequest, cycle_id: Id) -> ReviewCycle:
    return _cycle(request, cycle_id)


@router.get(
    "/reviews/cycles/{cycle_id}/preview",
    response=CyclePreviewOut,
    summary="How many take part, and how many are left out per reason",
)
def preview_cycle(request: HttpRequest, cycle_id: Id) -> services.ParticipantsPreview:
    return services.participants_preview(_cycle(request, cycle_id))


@router.get(
    "/reviews/cycles/{cycle_id}/preview/included",
    response=list[CycleParticipantOut],
    summary="Who takes part, in name order",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def preview_included(request: HttpRequest, cycle_id: Id) -> QuerySet:
    return services.participants_list(_cycle(request, cycle_id))


@router.get(
    "/reviews/cycles/{cycle_id}/preview/left-out",
    response=list[CycleLeftOutOut],
    summary="Who is left out and why, in name order",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def preview_left_out(request: HttpRequest, cycle_id: Id, filters: Query[LeftOutFilter]) -> QuerySet:
    cycle = _cycle(request, cycle_id)
    return services.left_out_list(cycle, filters.reason or "")


def _launched(request: HttpRequest, cycle_id: int, result: services.LaunchResult) -> dict[str, Any]:
    """What a launch or a late-joiners run made, with the cycle as it now stands."""
    return {
        "reviews": result.reviews,
        "assignments": result.assignments,
        "cycle": _cycle(request, cycle_id),
    }


@router.post(
    "/reviews/cycles/{cycle_id}/launch",
    response=CycleLaunchOut,
    summary="Launch (or add only what is missing to a launched cycle)",
)
@transaction.atomic
def launch_cycle(request: HttpRequest, cycle_id: Id) -> dict[str, Any]:
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=True)
    return _launched(request, cycle_id, services.cycle_launch(actor=request.user, cycle=cycle))


@router.post(
    "/reviews/cycles/{cycle_id}/late-joiners",
    response=CycleLaunchOut,
    summary="Add whoever the criteria take in now and the cycle lacks",
)
@transaction.atomic
def late_joiners(request: HttpRequest, cycle_id: Id) -> dict[str, Any]:
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=True)
    return _launched(
        request, cycle_id, services.cycle_add_late_joiners(actor=request.user, cycle=cycle)
    )


@router.post(
    "/reviews/cycles/{cycle_id}/sync",
    response=CycleSyncOut,
    summary="Apply manager changes and leavers to a launched cycle",
)
@transaction.atomic
def sync_cycle(request: HttpRequest, cycle_id: Id) -> services.SyncResult:
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=True)
    return services.cycle_sync_people(actor=request.user, cycle=cycle)


@router.post(
    "/reviews/cycles/{cycle_id}/advance",
    response=CycleOut,
    summary="Move the cycle to its next phase (phases go in order)",
)
@transaction.atomic
def advance_cycle(request: HttpRequest, cycle_id: Id, payload: CycleAdvanceIn) -> ReviewCycle:
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=True)
    services.cycle_advance(actor=request.user, cycle=cycle, phase=payload.phase)
    return _cycle(request, cycle_id)


class CycleNudgeOut(Schema):
    reminded: int = Field(
        description="Late writers reminded now (0 when each was already reminded today)."
    )


@router.post(
    "/reviews/cycles/{cycle_id}/nudge",
    response=CycleNudgeOut,
    summary="Remind every writer with an overdue review, once a day at most",
)
@transaction.atomic
def nudge_cycle(request: HttpRequest, cycle_id: Id) -> dict[str, int]:
    cycle = access.cycle_for_manage(request.user, cycle_id, lock=True)
    return {"reminded": nudges.nudge_late_writers(actor=request.user, cycle=cycle)}


# --- the dashboard -----------------------------------------------------------------------


class CycleDashboardPhaseOut(Schema):
    phase: ReviewCycle.Phase
    deadline: datetime.date | None = Field(description="The current phase's deadline.")
    deadline_passed: bool
    late_counted: bool = Field(
        description="The writing deadline has passed: open and draft assignments are late."
    )


class CycleDashboardReviewsOut(Schema):
    total: int
    open: int
    released: int = Field(description="Released, not yet acknowledged.")
    acknowledged: int
    closed: int = Field(description="The reviewee left before release.")
    scored: int = Field(description="With the formula's score (the writing closed).")
    calibrated: int = Field(description="With a score calibrated by HR.")


class CycleDashboardNominationsOut(Schema):
    reviews: int = Field(description="Open reviews.")
    with_proposed: int = Field(description="Reviews with peers waiting for approval.")
    with_enough: int = Field(description="Reviews with at least peers_min approved peers.")
    short: int = Field(description="Reviews still short of peers_min approved peers.")
    peers_min: int


class CycleDashboardCompletionOut(Schema):
    submitted: int
    draft: int
    to_write: int
    declined: int = Field(description="Peers who declined (not expected any more).")
    total: int = Field(description="Expected: submitted + draft + to write.")
    percent_complete: int | None = Field(description="Submitted of total; null when none.")
    late: int = Field(description="Draft or to write, past the writing deadline.")


class CycleDashboardTypeOut(CycleDashboardCompletionOut):
    type: ReviewerType


class CycleDashboardDepartmentOut(CycleDashboardCompletionOut):
    department_id: int | None = Field(description="Null: reviewees without a department.")
    department: str | None
    reviews: int


class CycleDashboardManagerOut(CycleDashboardCompletionOut):
    manager_id: int | None = Field(description="Null: reviews without a manager.")
    manager: str | None
    reviews: int


class CycleDashboardManagersOut(Schema):
    items: list[CycleDashboardManagerOut]
    next: str | None = Field(
        description="Pass as `cursor` for the following page; null on the last page."
    )


class CycleDashboardOut(Schema):
    cycle_id: int
    counted_at: datetime.datetime = Field(description="Figures are kept up to a minute.")
    phase: CycleDashboardPhaseOut
    reviews: CycleDashboardReviewsOut
    nominations: CycleDashboardNominationsOut | None = Field(
        description="While peers are nominated and approved (cycles with peer reviews)."
    )
    by_type: list[CycleDashboardTypeOut]
    total: CycleDashboardCompletionOut
    departments: list[CycleDashboardDepartmentOut] = Field(
        description="By the reviewee's department, in name order."
    )
    managers: CycleDashboardManagersOut = Field(
        description="By the review's manager, most late first, a page at a time."
    )


class CycleDashboardPage(Schema):
    cursor: Text | None = Field(
        None, max_length=200, description="The managers' `next` of the previous answer."
    )
    page_size: int | None = Field(
        None, ge=1, le=dashboard.MAX_MANAGER_PAGE_SIZE, description="Managers per page."
    )


def _completion(counts: dashboard.Completion) -> dict[str, Any]:
    return {
        "submitted": counts.submitted,
        "draft": counts.draft,
        "to_write": counts.to_write,
        "declined": counts.declined,
        "total": counts.total,
        "percent_complete": counts.percent,
        "late": counts.late,
    }


@router.get(
    "/reviews/cycles/{cycle_id}/dashboard",
    response=CycleDashboardOut,
    summary="Completion by phase, reviewer type, department and manager (HR)",
)
def cycle_dashboard(
    request: HttpRequest, cycle_id: Id, page: Query[CycleDashboardPage]
) -> dict[str, Any]:
    cycle = _cycle(request, cycle_id)
    board = dashboard.dashboard(cycle)
    try:
        managers = dashboard.manager_page(
            request.user,
            board,
            page.cursor,
            page.page_size,
            strict=True,
        )
    except ValueError:
        raise NinjaValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["query", "cursor"],
                    "msg": _("cursor: this is not a cursor of this list; start again without it."),
                }
            ]
        ) from None
    return {
        "cycle_id": cycle.pk,
        "counted_at": board.counted_at,
        "phase": {
            "phase": board.phase,
            "deadline": board.deadline,
            "deadline_passed": board.deadline_passed,
            "late_counted": board.late_counted,
        },
        "reviews": board.reviews,
        "nominations": board.nominations,
        "by_type": [{"type": row.type, **_completion(row.counts)} for row in board.types],
        "total": _completion(board.total),
        "departments": [
            {
                "department_id": row.department_id,
                "department": row.name or None,
                "reviews": row.counts.reviews,
                **_completion(row.counts),
            }
            for row in board.departments
        ],
        "managers": {
            "items": [
                {
                    "manager_id": row.manager_id,
                    "manager": row.name if row.manager_id is not None else None,
                    "reviews": row.counts.reviews,
                    **_completion(row.counts),
                }
                for row in managers.rows
            ],
            "next": managers.next_cursor,
        },
    }
