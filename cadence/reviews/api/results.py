"""Review results over the API, with the page's rules: the results of one review (peer
and upward answers only as ``anonymity`` lets the caller see them — aggregates of at
least K, comments without names or times), HR's calibration, release (one review or a
cycle's open reviews) and the reviewee's comment and acknowledgement.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from cadence.core import limits
from cadence.core.api_types import Id, Text
from cadence.people.display import person_shown
from cadence.reviews import access, anonymity, pdf, queries_results, scoring
from cadence.reviews.models import Review
from cadence.reviews.services import results as services

router = Router(tags=["reviews"])


# --- output ------------------------------------------------------------------------------


class ResultsSectionPartOut(Schema):
    kind: str = Field(description="goals, competencies or questions")
    weight: float
    ratings: int
    mean: Decimal | None


class ResultsReviewerPartOut(Schema):
    type: str = Field(description="manager, self, peer or upward")
    weight: float
    withheld: bool = Field(description="Peer/upward with fewer than K reviews: not counted.")
    score: Decimal | None
    share: float = Field(description="This part's share of the overall score, 0.0–1.0.")
    sections: list[ResultsSectionPartOut]


class ResultsBucketOut(Schema):
    value: int
    label: str
    count: int


class ResultsRatingOut(Schema):
    item: str
    label: str
    section: str
    count: int
    mean: Decimal | None
    withheld: bool = Field(description="Fewer than K answered this item.")
    distribution: list[ResultsBucketOut]


class ResultsChoiceOut(Schema):
    item: str
    label: str
    count: int
    withheld: bool
    options: dict[str, int]


class ResultsCommentsOut(Schema):
    item: str
    label: str
    comments: list[str] = Field(description="Without names, in a fixed pseudo-random order.")


class ResultsAnswerOut(Schema):
    item: str
    label: str
    section: str
    rating: int | None
    rating_label: str
    text: str
    choice: str


class ResultsWriterOut(Schema):
    writer_id: int | None
    writer_name: str
    type: str
    answers: list[ResultsAnswerOut]


class ResultsGroupOut(Schema):
    type: str = Field(description="peer or upward")
    shown: bool
    reason: str = Field(description="Why the group is withheld, in a sentence.")
    count: int | None = Field(description="Submitted reviews; null when withheld.")
    ratings: list[ResultsRatingOut]
    choices: list[ResultsChoiceOut]
    comments: list[ResultsCommentsOut]
    attributed: list[ResultsWriterOut] = Field(
        description="Who wrote what: HR admins only, and only when the cycle says so."
    )


class ResultsChangeOut(Schema):
    kind: str
    item: str
    old_value: Decimal | None
    new_value: Decimal | None
    reason: str
    by: str
    at: datetime.datetime


class ResultsOut(Schema):
    review_id: int
    cycle_id: int
    reviewee_id: int
    state: Review.State
    anonymity_threshold: int
    score: Decimal | None = Field(description="The formula's score (docs/reviews.md, Scores).")
    calibrated_score: Decimal | None
    final_score: Decimal | None
    breakdown: list[ResultsReviewerPartOut]
    self_review: list[ResultsWriterOut]
    manager_review: list[ResultsWriterOut]
    groups: list[ResultsGroupOut]
    history: list[ResultsChangeOut]
    released_at: datetime.datetime | None
    employee_comment: str
    commented_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None


class ResultsReleasedOut(Schema):
    released: int


# --- input -------------------------------------------------------------------------------


class ResultsCalibrateIn(Schema):
    score: Decimal = Field(ge=0, le=999, allow_inf_nan=False, decimal_places=2)
    reason: Text = Field(min_length=1, max_length=limits.COMMENT)


class ResultsCommentIn(Schema):
    comment: Text = Field("", max_length=limits.LONG_TEXT)


class ResultsAcknowledgeIn(Schema):
    comment: Text | None = Field(
        None, max_length=limits.LONG_TEXT, description="Replaces the saved comment if given."
    )


# --- building the output ------------------------------------------------------------------


def _writers(request: HttpRequest, writers: list[anonymity.WriterAnswers]) -> list[dict]:
    out = []
    for w in writers:
        shown = person_shown(request.user, w.writer)
        out.append(
            {
                "writer_id": shown.person_id,
                "writer_name": shown.name,
                "type": w.type,
                "answers": [
                    {
                        "item": a.item.key,
                        "label": a.item.label,
                        "section": a.item.section,
                        "rating": a.rating,
                        "rating_label": a.rating_label,
                        "text": a.text,
                        "choice": a.choice,
                    }
                    for a in w.answers
                ],
            }
        )
    return out


def _breakdown(breakdown: scoring.ScoreBreakdown) -> list[dict]:
    return [
        {
            "type": p.type,
            "weight": float(p.weight),
            "withheld": p.withheld,
            "score": p.score_shown,
            "share": float(p.share),
            "sections": [
                {
                    "kind": s.kind,
                    "weight": float(s.weight),
                    "ratings": s.ratings,
                    "mean": s.mean_shown,
                }
                for s in p.sections
            ],
        }
        for p in breakdown.parts
    ]


def _group(request: HttpRequest, g: anonymity.GroupResult) -> dict:
    return {
        "type": g.type,
        "shown": g.shown,
        "reason": g.reason,
        "count": g.count,
        "ratings": [
            {
                "item": r.item.key,
                "label": r.item.label,
                "section": r.item.section,
                "count": r.count if not r.withheld else 0,
                "mean": r.mean,
                "withheld": r.withheld,
                "distribution": [
                    {"value": b.value, "label": b.label, "count": b.count} for b in r.distribution
                ],
            }
            for r in g.ratings
        ],
        "choices": [
            {
                "item": c.item.key,
                "label": c.item.label,
                "count": c.count if not c.withheld else 0,
                "withheld": c.withheld,
                "options": dict(c.options),
            }
            for c in g.choices
        ],
        "comments": [
            {"item": c.item.key, "label": c.item.label, "comments": c.comments} for c in g.comments
        ],
        "attributed": _writers(request, g.attributed),
    }


def results_out(request: HttpRequest, review: Review) -> dict:
    shown = queries_results.review_results(request.user, review)
    return {
        "review_id": review.pk,
        "cycle_id": review.cycle_id,
        "reviewee_id": review.reviewee_id,
        "state": review.state,
        "anonymity_threshold": shown.k,
        "score": review.score,
        "calibrated_score": review.calibrated_score,
        "final_score": shown.final_score,
        "breakdown": _breakdown(shown.breakdown),
        "self_review": _writers(request, shown.self_answers),
        "manager_review": _writers(request, shown.manager_answers),
        "groups": [_group(request, g) for g in shown.groups],
        "history": [
            {
                "kind": c.kind,
                "item": c.item_label,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "reason": c.reason,
                "by": c.by,
                "at": c.at,
            }
            for c in shown.history
        ],
        "released_at": review.released_at,
        "employee_comment": review.employee_comment,
        "commented_at": review.commented_at,
        "acknowledged_at": review.acknowledged_at,
    }


# --- operations ----------------------------------------------------------------------------


@router.get(
    "/reviews/{review_id}/results",
    response=ResultsOut,
    summary="A review's results: score, breakdown, answers (peer and upward as aggregates)",
)
def get_results(request: HttpRequest, review_id: Id) -> dict:
    return results_out(request, access.review_for_results(request.user, review_id))


@router.get(
    "/reviews/{review_id}/results.pdf",
    summary="A released review's results as a PDF (the page's anonymity rules)",
    description=(
        "Whoever may read the results, once the review is released: 404 for the reviewee "
        "before release, 403 for HR and the manager side until it is released."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF, as an attachment.",
                "content": {pdf.CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_results_pdf(request: HttpRequest, review_id: Id) -> HttpResponse:
    return pdf.response(request.user, pdf.review_for_download(request.user, review_id))


@router.post(
    "/reviews/{review_id}/results/calibrate",
    response=ResultsOut,
    summary="Calibrate a review's score (HR admins, calibration phase) with a reason",
)
def calibrate(request: HttpRequest, review_id: Id, payload: ResultsCalibrateIn) -> dict:
    with transaction.atomic():
        review = access.review_for_calibration(request.user, review_id, lock=True)
        services.calibrate(
            actor=request.user, review=review, score=payload.score, reason=payload.reason
        )
    return results_out(request, access.review_for_results(request.user, review_id))


@router.post(
    "/reviews/{review_id}/results/release",
    response=ResultsOut,
    summary="Release a review to its reviewee (HR, or the manager when the cycle allows)",
)
def release(request: HttpRequest, review_id: Id) -> dict:
    with transaction.atomic():
        review = access.review_for_release(request.user, review_id, lock=True)
        services.release(actor=request.user, reviews=[review])
    return results_out(request, access.review_for_results(request.user, review_id))


@router.post(
    "/reviews/cycles/{cycle_id}/results/release",
    response=ResultsReleasedOut,
    summary="Release every open review of a cycle at once (HR admins)",
)
def release_all(request: HttpRequest, cycle_id: Id) -> dict:
    with transaction.atomic():
        cycle = access.cycle_for_release(request.user, cycle_id)
        done = services.release(actor=request.user, reviews=services.open_reviews(cycle))
    return {"released": len(done)}


@router.put(
    "/reviews/{review_id}/results/comment",
    response=ResultsOut,
    summary="The reviewee's comment on their released review (until acknowledged)",
)
def comment(request: HttpRequest, review_id: Id, payload: ResultsCommentIn) -> dict:
    with transaction.atomic():
        review = access.review_for_acknowledgement(request.user, review_id)
        services.comment_save(actor=request.user, review=review, comment=payload.comment)
    return results_out(request, access.review_for_results(request.user, review_id))


@router.post(
    "/reviews/{review_id}/results/acknowledge",
    response=ResultsOut,
    summary="Acknowledge a released review: read, not necessarily agreed",
)
def acknowledge(request: HttpRequest, review_id: Id, payload: ResultsAcknowledgeIn) -> dict:
    with transaction.atomic():
        review = access.review_for_acknowledgement(request.user, review_id)
        services.acknowledge(actor=request.user, review=review, comment=payload.comment)
    return results_out(request, access.review_for_results(request.user, review_id))
