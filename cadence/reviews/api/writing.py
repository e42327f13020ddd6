"""Review cycles over the API: writing — my assignments, one assignment's form with its
answers and version, saving answers, submitting and reopening a submitted review to
change it, with the pages' rules (``services.writing``: optimistic locking by
``version``, deadline and grace, validation; a rating changed after a reopen is recorded
with the reopen's reason when the review is submitted again).
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from cadence.core import limits
from cadence.core.api_types import LONG_TEXT, Id, Text
from cadence.core.pagination import KeysetPagination
from cadence.reviews import access
from cadence.reviews.forms_writing import AnswerValue, ReviewForm, audience
from cadence.reviews.models import Assignment, Question, ReviewerType
from cadence.reviews.services import writing as services

router = Router(tags=["reviews"])

PAGE_SIZE = 50
MAX_VERSION = 2**31 - 1


# --- output ------------------------------------------------------------------------------


class ReviewWritingPerson(Schema):
    id: int
    name: str


class ReviewAssignmentFields(Schema):
    id: int
    cycle_id: int
    cycle_name: str
    type: ReviewerType
    state: Assignment.State
    reviewee: ReviewWritingPerson
    last_day: datetime.date = Field(
        description="The last day to submit: the writing deadline plus the grace days."
    )
    version: int = Field(description="Send it back with answers; a stale one is refused.")
    submitted_at: datetime.datetime | None
    reopened_at: datetime.datetime | None = Field(
        description="When the writer last reopened the submitted review to change it."
    )
    reopen_reason: str = Field(description="Why, in the writer's words (empty if never).")


class ReviewAssignmentOut(ReviewAssignmentFields):
    @staticmethod
    def resolve_cycle_name(obj: Assignment) -> str:
        return obj.cycle.name

    @staticmethod
    def resolve_reviewee(obj: Assignment) -> dict[str, Any]:
        # The writer knows whom they review; the reviewee is an active colleague.
        reviewee = obj.review.reviewee
        return {"id": reviewee.pk, "name": reviewee.full_name}

    @staticmethod
    def resolve_last_day(obj: Assignment) -> datetime.date:
        return services.last_writing_day(obj.cycle)


class ReviewScalePointOut(Schema):
    value: int
    label: str
    description: str


class ReviewFormItemOut(Schema):
    key: str = Field(description="q:<question id>, g:<goal id> or c:<competency id>.")
    kind: Question.Kind
    title: str
    help_text: str
    required: bool
    choices: list[str]
    expected: str = Field(description="Competencies: the behaviour expected at the level.")


class ReviewFormSectionOut(Schema):
    id: int
    title: str
    kind: str
    items: list[ReviewFormItemOut]


class ReviewAnswerOut(Schema):
    rating: int | None
    text: str
    choice: str


class ReviewAssignmentFormOut(ReviewAssignmentFields):
    audience: list[str] = Field(description="Who will read the answers, told before writing.")
    writable: bool
    closed_reason: str | None = Field(description="Why it can no longer be written, if so.")
    reopenable: bool = Field(
        description="Submitted, writing still open and not released: the writer may reopen it."
    )
    scale: list[ReviewScalePointOut]
    sections: list[ReviewFormSectionOut]
    answers: dict[str, ReviewAnswerOut] = Field(description="The answers so far, by item key.")


# --- input -------------------------------------------------------------------------------


class ReviewAnswerIn(Schema):
    rating: int | None = Field(None, ge=0, le=1000)
    text: Text = Field("", max_length=LONG_TEXT)
    choice: Text = Field("", max_length=200)


class ReviewAnswersIn(Schema):
    version: int = Field(ge=0, le=MAX_VERSION)
    answers: dict[Text, ReviewAnswerIn] = Field(default_factory=dict, max_length=500)


class ReviewSubmitIn(Schema):
    version: int = Field(ge=0, le=MAX_VERSION)
    answers: dict[Text, ReviewAnswerIn] = Field(
        default_factory=dict,
        max_length=500,
        description="Last answers to save with the submission (optional).",
    )


class ReviewReopenIn(Schema):
    version: int = Field(ge=0, le=MAX_VERSION)
    reason: Text = Field(
        max_length=limits.COMMENT,
        description="Why the writer reopens it; recorded with every rating then changed.",
    )


def _values(answers: dict[str, ReviewAnswerIn]) -> dict[str, AnswerValue]:
    return {
        key[:40]: AnswerValue(rating=a.rating, text=a.text, choice=a.choice)
        for key, a in answers.items()
    }


def _form_out(request: HttpRequest, assignment: Assignment) -> dict[str, Any]:
    form: ReviewForm = services.form_for(request.user, assignment)
    refusal = services.writing_refusal(assignment)
    answers = {
        a.item: {"rating": a.rating, "text": a.text, "choice": a.choice}
        for a in assignment.answers.all()
    }
    return {
        "id": assignment.pk,
        "cycle_id": assignment.cycle_id,
        "cycle_name": assignment.cycle.name,
        "type": assignment.type,
        "state": assignment.state,
        "reviewee": {
            "id": assignment.review.reviewee_id,
            "name": assignment.review.reviewee.full_name,
        },
        "last_day": services.last_writing_day(assignment.cycle),
        "version": assignment.version,
        "submitted_at": assignment.submitted_at,
        "reopened_at": assignment.reopened_at,
        "reopen_reason": assignment.reopen_reason,
        "audience": audience(assignment),
        "writable": refusal is None,
        "closed_reason": refusal,
        "reopenable": services.reopen_refusal(assignment) is None,
        "scale": [
            {"value": p.value, "label": p.label, "description": p.description} for p in form.scale
        ],
        "sections": [
            {
                "id": s.section.pk,
                "title": s.section.title,
                "kind": s.section.kind,
                "items": [
                    {
                        "key": i.key,
                        "kind": i.kind,
                        "title": i.title,
                        "help_text": i.help_text,
                        "required": i.required,
                        "choices": list(i.choices),
                        "expected": i.competency.expected if i.competency else "",
                    }
                    for i in s.items
                ],
            }
            for s in form.sections
        ],
        "answers": answers,
    }


# --- operations --------------------------------------------------------------------------


@router.get(
    "/review-assignments",
    response=list[ReviewAssignmentOut],
    summary="The reviews the caller writes",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE)
def list_review_assignments(request: HttpRequest) -> QuerySet[Assignment]:
    return (
        access.assignments_of(request.user)
        .exclude(state=Assignment.State.CLOSED)
        .select_related("cycle", "review__reviewee")
        .order_by("id")
    )


@router.get(
    "/review-assignments/{assignment_id}",
    response=ReviewAssignmentFormOut,
    summary="One review to write: its form, the answers so far and the version",
)
def get_review_assignment(request: HttpRequest, assignment_id: Id) -> dict[str, Any]:
    return _form_out(request, access.assignment_for_read(request.user, assignment_id))


@router.put(
    "/review-assignments/{assignment_id}/answers",
    response=ReviewAssignmentFormOut,
    summary="Save answers as a draft (with the version read)",
)
def save_review_answers(
    request: HttpRequest, assignment_id: Id, payload: ReviewAnswersIn
) -> dict[str, Any]:
    assignment = access.assignment_for_read(request.user, assignment_id)
    saved = services.answers_save(
        actor=request.user,
        assignment=assignment,
        answers=_values(payload.answers),
        version=payload.version,
    )
    return _form_out(request, access.assignment_for_read(request.user, saved.pk))


@router.post(
    "/review-assignments/{assignment_id}/submit",
    response=ReviewAssignmentFormOut,
    summary="Submit the review (with the version read)",
)
def submit_review(
    request: HttpRequest, assignment_id: Id, payload: ReviewSubmitIn
) -> dict[str, Any]:
    assignment = access.assignment_for_read(request.user, assignment_id)
    submitted = services.answers_submit(
        actor=request.user,
        assignment=assignment,
        answers=_values(payload.answers),
        version=payload.version,
    )
    return _form_out(request, access.assignment_for_read(request.user, submitted.pk))


@router.post(
    "/review-assignments/{assignment_id}/reopen",
    response=ReviewAssignmentFormOut,
    summary="Reopen a submitted review to change it (with the version read and a reason)",
)
def reopen_review(
    request: HttpRequest, assignment_id: Id, payload: ReviewReopenIn
) -> dict[str, Any]:
    assignment = access.assignment_for_read(request.user, assignment_id)
    reopened = services.assignment_reopen(
        actor=request.user,
        assignment=assignment,
        version=payload.version,
        reason=payload.reason,
    )
    return _form_out(request, access.assignment_for_read(request.user, reopened.pk))
