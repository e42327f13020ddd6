"""Reads of a review's results, shared by the results page and the API: the score with
its breakdown, the evidence, self and manager answers, the peer and upward groups as
``anonymity`` lets the reader see them, and the history of changed ratings.

A constant number of queries whatever the number of writers and answers: the submitted
answers come in one query with their items and writers, the scale and sections in one
each, the changes in one.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.goals.models import Goal
from cadence.people.display import name_shown
from cadence.planning.queries import plan_goals
from cadence.reviews import access, anonymity, scoring
from cadence.reviews.models import (
    Answer,
    Assignment,
    Question,
    RatingChange,
    Review,
    ReviewCycle,
    ReviewerType,
    Section,
)


@dataclass(frozen=True)
class ChangeShown:
    """One entry of the rating-change history as the reader may see it."""

    kind: str
    kind_label: str
    item_label: str
    old_value: Decimal | None
    new_value: Decimal | None
    reason: str
    by: str
    at: object  # a datetime; None for changes whose time could single out a writer


@dataclass
class ReviewResults:
    review: Review
    k: int
    scale: dict[int, str]
    scale_min: int
    scale_max: int
    breakdown: scoring.ScoreBreakdown
    final_score: Decimal | None
    self_answers: list[anonymity.WriterAnswers]
    manager_answers: list[anonymity.WriterAnswers]
    groups: list[anonymity.GroupResult]
    history: list[ChangeShown]
    goals: list[Goal]
    sees_attribution: bool
    can_calibrate: bool
    can_release: bool
    can_acknowledge: bool
    is_reviewee: bool
    kinds: set[str]


def _items(review: Review, answers: list[Answer]) -> dict[str, anonymity.Item]:
    sections = list(Section.objects.filter(version_id=review.cycle.template_version_id))
    first_of_kind: dict[str, Section] = {}
    for section in sections:
        first_of_kind.setdefault(section.kind, section)
    items: dict[str, anonymity.Item] = {}
    for answer in answers:
        if answer.item in items:
            continue
        question = answer.question
        if question is not None:
            section = question.section
            items[answer.item] = anonymity.Item(
                key=answer.item,
                label=question.text,
                section=section.title,
                section_kind=Section.Kind.QUESTIONS,
                kind=question.kind,
                order=(section.order, question.order, "", question.pk),
                choices=tuple(str(c) for c in question.choices or ()),
            )
            continue
        prefix = answer.item.split(":", 1)[0]
        kind = Section.Kind.GOALS if prefix == "g" else Section.Kind.COMPETENCIES
        holder = first_of_kind.get(kind)
        if prefix == "g":
            label = answer.goal.title if answer.goal is not None else _("A goal since removed")
        elif prefix == "c":
            label = (
                answer.competency.name
                if answer.competency is not None
                else _("A competency since removed")
            )
        else:
            continue
        items[answer.item] = anonymity.Item(
            key=answer.item,
            label=label,
            section=holder.title if holder is not None else str(kind.label),
            section_kind=kind,
            kind=Question.Kind.RATING,
            order=(holder.order if holder is not None else 0, 0, label.casefold(), 0),
        )
    return items


def _submitted_answers(review: Review) -> list[Answer]:
    return list(
        Answer.objects.filter(
            assignment__review=review, assignment__state=Assignment.State.SUBMITTED
        ).select_related("question__section", "goal", "competency", "assignment__writer")
    )


def submitted_counts(review: Review) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in Assignment.objects.filter(
        review=review, state=Assignment.State.SUBMITTED
    ).values_list("type", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def score_of(review: Review) -> scoring.ScoreBreakdown:
    """The formula over the review's submitted ratings (what ``score_compute`` stores)."""
    answers = _submitted_answers(review)
    items = _items(review, answers)
    return _breakdown(review, anonymity.answer_rows(answers, items), submitted_counts(review))


def _breakdown(
    review: Review, rows: list[anonymity.AnswerRow], counts: dict[str, int]
) -> scoring.ScoreBreakdown:
    ratings = [
        scoring.Rating(row.writer_type, row.item.section_kind, row.rating)
        for row in rows
        if row.rating is not None and row.item.kind == Question.Kind.RATING
    ]
    return scoring.compute(
        ratings,
        weights=scoring.parse_weights(review.cycle.score_weights),
        submitted=counts,
        threshold=anonymity.threshold(review.cycle),
    )


def _history(
    user: Actor, review: Review, items: dict[str, anonymity.Item], attribution: bool
) -> list[ChangeShown]:
    changes = RatingChange.objects.filter(review=review).select_related(
        "answer__assignment", "answer__question", "changed_by__person"
    )
    shown = []
    for change in changes:
        if change.kind == RatingChange.Kind.CALIBRATION:
            shown.append(
                ChangeShown(
                    kind=change.kind,
                    kind_label=str(change.get_kind_display()),
                    item_label=_("Overall score"),
                    old_value=change.old_value,
                    new_value=change.new_value,
                    reason=change.reason,
                    by=name_shown(user, change.changed_by),
                    at=change.changed_at,
                )
            )
            continue
        assignment = change.answer.assignment if change.answer is not None else None
        writer_type = assignment.type if assignment is not None else None
        # A peer or upward writer changing a rating: who, when, and the single value
        # would single them out — only HR with attribution reads these.
        if writer_type not in anonymity.ATTRIBUTED_TYPES and not attribution:
            continue
        item = items.get(change.item)
        label = item.label if item is not None else change.item
        if change.answer is not None and change.answer.question is not None and item is None:
            label = change.answer.question.text
        shown.append(
            ChangeShown(
                kind=change.kind,
                kind_label=str(change.get_kind_display()),
                item_label=label,
                old_value=change.old_value,
                new_value=change.new_value,
                reason=change.reason,
                by=name_shown(user, change.changed_by),
                at=change.changed_at,
            )
        )
    return shown


def review_results(user: Actor, review: Review) -> ReviewResults:
    """Everything the results page shows ``user`` (who passed ``review_for_results``)."""
    cycle = review.cycle
    k = anonymity.threshold(cycle)
    scale = dict(cycle.template_version.scale.order_by("value").values_list("value", "label"))
    answers = _submitted_answers(review)
    items = _items(review, answers)
    rows = anonymity.answer_rows(answers, items)
    counts = submitted_counts(review)
    attribution = access.sees_attribution(user, review)
    peers_visible = access.can_read_peer_results(user, review)
    groups = []
    # Which kinds of review this one has at all (a reviewee without reports has no
    # upward reviews): whether, never how many — invited and pending are not counted.
    kinds = set(Assignment.objects.filter(review=review).values_list("type", flat=True))
    for kind in anonymity.ANONYMOUS_TYPES:
        if kind not in cycle.review_types or kind not in kinds:
            continue
        label = str(ReviewerType(kind).label)
        group_rows = [r for r in rows if r.writer_type == kind]
        if not peers_visible:
            groups.append(
                anonymity.GroupResult(
                    type=kind,
                    label=label,
                    shown=False,
                    reason=_(
                        "This cycle shares peer and upward results with the reviewee and HR only."
                    ),
                )
            )
            continue
        groups.append(
            anonymity.aggregate_group(
                review_id=review.pk,
                kind=kind,
                label=label,
                rows=group_rows,
                submitted=counts.get(kind, 0),
                k=k,
                scale=scale,
                with_attribution=attribution,
            )
        )
    breakdown = _breakdown(review, rows, counts)
    me_is_reviewee = access.is_reviewee(user, review)
    return ReviewResults(
        review=review,
        k=k,
        scale=scale,
        scale_min=min(scale, default=1),
        scale_max=max(scale, default=5),
        breakdown=breakdown,
        final_score=review.calibrated_score
        if review.calibrated_score is not None
        else review.score,
        self_answers=anonymity.attributed(
            [r for r in rows if r.writer_type == ReviewerType.SELF], scale
        ),
        manager_answers=anonymity.attributed(
            [r for r in rows if r.writer_type == ReviewerType.MANAGER], scale
        ),
        groups=groups,
        history=_history(user, review, items, attribution),
        goals=plan_goals(user, review.reviewee, cycle.period),
        sees_attribution=attribution,
        can_calibrate=access.can_calibrate(user, review),
        can_release=access.can_release(user, review),
        can_acknowledge=me_is_reviewee and review.state == Review.State.RELEASED,
        is_reviewee=me_is_reviewee,
        kinds=kinds,
    )


def reviews_to_release(cycle: ReviewCycle) -> QuerySet[Review]:
    """HR's release list: every review of the cycle with its reviewee, by name."""
    return (
        Review.objects.filter(cycle=cycle)
        .select_related("reviewee", "manager")
        .order_by("reviewee__last_name", "reviewee__first_name", "id")
    )
