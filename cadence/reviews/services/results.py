"""Review cycles: the results use cases — the score, HR's calibration, the record of a
rating changed after submission, release and acknowledgement (every write,
transactional; a later ``notify()`` fits inside each transaction).

* ``score_compute`` stores the formula's result (``cadence.reviews.scoring``) on the
  review; it runs again whenever a submitted rating changes while a score is stored.
* ``calibrate``: HR admins, in the calibration phase, before release; the old and new
  final score and the reason are kept as a ``RatingChange``.
* ``record_rating_change``: the writing part calls it when a writer changes a rating of a
  submitted review (kind REOPEN).
* ``release``: HR admins, or the manager side when the cycle allows it; one review or a
  cycle's whole list at once; only reviews still open, once writing has closed.
* ``comment_save`` / ``acknowledge``: the reviewee, once released. Acknowledging says
  they have read it, not that they agree; the comment can be added or changed until
  then, and both are timed.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.core import limits
from cadence.core.audit import audit
from cadence.people.access import Refused, acting_person, is_hr_admin
from cadence.reviews import access, notifications, queries_results
from cadence.reviews.models import (
    Answer,
    Assignment,
    RatingChange,
    Review,
    ReviewCycle,
)

CENT = Decimal("0.01")


def _user(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _final(review: Review) -> Decimal | None:
    return review.calibrated_score if review.calibrated_score is not None else review.score


def _lock(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("cycle__template_version", "cycle__period", "reviewee", "manager")
        .get(pk=review.pk)
    )


# --- the score ---------------------------------------------------------------------------


@transaction.atomic
def score_compute(*, review: Review) -> Decimal | None:
    """Store the formula's score of the review's submitted ratings (None when nothing
    counted). A calibrated score stays as HR set it; its history says from what."""
    breakdown = queries_results.score_of(review)
    Review.objects.filter(pk=review.pk).update(score=breakdown.score)
    review.score = breakdown.score
    return breakdown.score


@transaction.atomic
def record_rating_change(
    *,
    actor: Actor | None,
    answer: Answer,
    old_value: int | Decimal | None,
    new_value: int | Decimal | None,
    reason: str,
) -> RatingChange | None:
    """A writer changed a rating of a review they had submitted (the writing part calls
    this inside its own save). Nothing is recorded when the value did not change. The
    stored score follows the new rating.

    What the record reveals is ``queries_results``' business: a peer or upward writer's
    change is shown only to HR admins who see attribution."""
    if old_value == new_value:
        return None
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the rating changed after submitting.")})
    if len(reason) > limits.COMMENT:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)s characters.") % {"n": limits.COMMENT}}
        )
    assignment = Assignment.objects.select_related("review").get(pk=answer.assignment_id)
    change = RatingChange.objects.create(
        review=assignment.review,
        answer=answer,
        kind=RatingChange.Kind.REOPEN,
        item=answer.item,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        changed_by=_user(actor),
    )
    if assignment.review.score is not None:
        score_compute(review=assignment.review)
    return change


# --- calibration -------------------------------------------------------------------------


def _parse_score(value: object, review: Review) -> Decimal:
    try:
        score = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": _("Give the score as a number.")}) from None
    scale = list(review.cycle.template_version.scale.values_list("value", flat=True))
    low, high = min(scale, default=1), max(scale, default=5)
    if not score.is_finite() or not low <= score <= high:
        raise ValidationError(
            {
                "score": _("The score must be between %(low)s and %(high)s.")
                % {"low": low, "high": high}
            }
        )
    return score


@transaction.atomic
def calibrate(*, actor: Actor, review: Review, score: object, reason: str) -> Review:
    """HR sets the final score of an unreleased review during calibration; the change
    (from the current final score, to the new one, why) is recorded and audited."""
    review = _lock(review)
    if not is_hr_admin(actor):
        raise Refused(_("Only HR admins calibrate scores."))
    if review.cycle.phase != ReviewCycle.Phase.CALIBRATION:
        raise ValidationError(
            {"score": _("Scores can be calibrated only during the cycle's calibration phase.")}
        )
    if review.state != Review.State.OPEN:
        raise ValidationError({"score": _("This review is released: its score is final.")})
    new = _parse_score(score, review)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the score changes.")})
    if len(reason) > limits.COMMENT:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)s characters.") % {"n": limits.COMMENT}}
        )
    if review.score is None:
        score_compute(review=review)
    old = _final(review)
    if old == new:
        raise ValidationError({"score": _("That is already the score.")})
    review.calibrated_score = new
    review.save(update_fields=["calibrated_score"])
    RatingChange.objects.create(
        review=review,
        kind=RatingChange.Kind.CALIBRATION,
        item="score",
        old_value=old,
        new_value=new,
        reason=reason,
        changed_by=_user(actor),
    )
    audit(
        actor=actor,
        action="review.calibrate",
        target=review,
        summary=f"{review.reviewee.full_name} · {review.cycle.name}: {old} → {new} ({reason})",
    )
    return review


# --- release -----------------------------------------------------------------------------


@transaction.atomic
def release(*, actor: Actor, reviews: Iterable[Review]) -> list[Review]:
    """Release reviews to their reviewees: each must be open, its cycle past writing, and
    the actor HR or (when the cycle allows) on its manager side. All or none: one refusal
    releases nothing. The score is computed first if it was not yet."""
    now = timezone.now()
    released = []
    for given in sorted(reviews, key=lambda r: r.pk):  # one lock order for every caller
        review = _lock(given)
        if not access.may_release(actor, review):
            raise Refused(_("You may not release this review."))
        if review.cycle.phase not in access.RELEASABLE_PHASES:
            raise ValidationError(
                {"review": _("Results are released once writing has closed (from calibration on).")}
            )
        if review.state != Review.State.OPEN:
            raise ValidationError(
                {
                    "review": _("The review of %(name)s is not waiting for release.")
                    % {"name": review.reviewee.full_name}
                }
            )
        if review.score is None:
            score_compute(review=review)
        review.state = Review.State.RELEASED
        review.released_at = now
        review.released_by = _user(actor)
        review.save(update_fields=["state", "released_at", "released_by"])
        audit(
            actor=actor,
            action="review.release",
            target=review,
            summary=f"{review.reviewee.full_name} · {review.cycle.name}",
        )
        released.append(review)
    notifications.results_released(actor, released)
    return released


def open_reviews(cycle: ReviewCycle) -> list[Review]:
    """What "release all" releases: the cycle's reviews still open."""
    return list(Review.objects.filter(cycle=cycle, state=Review.State.OPEN).order_by("pk"))


# --- the reviewee's comment and acknowledgement --------------------------------------------


def _require_reviewee(actor: Actor, review: Review) -> None:
    me = acting_person(actor)
    if me is None or me.pk != review.reviewee_id:
        raise Refused(_("Only the reviewee acknowledges their review."))


def _clean_comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) > limits.LONG_TEXT:
        raise ValidationError(
            {"comment": _("Keep the comment under %(n)s characters.") % {"n": limits.LONG_TEXT}}
        )
    return comment


@transaction.atomic
def comment_save(*, actor: Actor, review: Review, comment: str) -> Review:
    """The reviewee adds or changes their comment, until they acknowledge."""
    review = _lock(review)
    _require_reviewee(actor, review)
    if review.state == Review.State.ACKNOWLEDGED:
        raise ValidationError(
            {"comment": _("You acknowledged this review: the comment is kept as it was.")}
        )
    if review.state != Review.State.RELEASED:
        raise ValidationError({"comment": _("This review is not released yet.")})
    review.employee_comment = _clean_comment(comment)
    review.commented_at = timezone.now() if review.employee_comment else None
    review.save(update_fields=["employee_comment", "commented_at"])
    return review


@transaction.atomic
def acknowledge(*, actor: Actor, review: Review, comment: str | None = None) -> Review:
    """The reviewee says they have read the review — not that they agree. A comment
    given here replaces the saved one; none keeps it."""
    review = _lock(review)
    _require_reviewee(actor, review)
    if review.state == Review.State.ACKNOWLEDGED:
        raise ValidationError({"review": _("You have already acknowledged this review.")})
    if review.state != Review.State.RELEASED:
        raise ValidationError({"review": _("This review is not released yet.")})
    if review.cycle.phase == ReviewCycle.Phase.CLOSED:
        raise ValidationError({"review": _("This cycle is closed.")})
    now = timezone.now()
    fields = ["state", "acknowledged_at"]
    if comment is not None and comment.strip():
        review.employee_comment = _clean_comment(comment)
        review.commented_at = now
        fields += ["employee_comment", "commented_at"]
    review.state = Review.State.ACKNOWLEDGED
    review.acknowledged_at = now
    review.save(update_fields=fields)
    return review
