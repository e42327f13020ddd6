"""Review cycles: the writing use cases (every write, transactional).

``answers_save`` keeps a draft (the form's autosave), ``answers_submit`` hands the
review in. Both take the assignment through ``access.assignment_for_write`` — the
writer's own, its row locked — and the ``version`` the writer's form was built from:

* **Optimistic locking.** Every save bumps ``Assignment.version``. A save or submit
  carrying an older version (a second tab, a second window, a phone) is refused with a
  sentence saying so, never written over the newer answers. Because the row is locked
  first, two submits at the same moment queue: the first is saved, the second finds the
  version moved on and is told.
* **Deadline.** Writing is open while the cycle is launched and before calibration, up
  to the writing deadline plus the cycle's grace days (inclusive, the organisation's
  time zone); after that a save or submit is refused naming the last day.
* **Validation.** Each answer is checked against its item: a rating on the template's
  scale, a choice among the question's options, no answer to an item that is not on
  this writer's form. Submitting also requires every required item, naming each one
  missing.

* **Reopening.** ``assignment_reopen`` takes a submitted review back to a draft, while
  writing is still open and the review not released, with the writer's reason. Each
  answer keeps ``submitted_rating``, the rating it was last submitted with; the next
  submit records every rating that differs from it (``results.record_rating_change``,
  kind REOPEN, with the reopen's reason) in its own transaction.

No notification is sent yet; a later ``notify()`` (to the reviewee's manager when a
self-review is submitted, for instance) belongs inside these transactions.
"""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core import limits
from cadence.reviews import access
from cadence.reviews.evidence import reviewee_goals
from cadence.reviews.forms_writing import CHOICE, RATING, AnswerValue, ReviewForm, review_form
from cadence.reviews.models import Answer, Assignment, Review, ReviewCycle
from cadence.reviews.services import results

# Phases in which writers write: a self-review may start while peers are still being
# nominated; from calibration on, the answers are HR's to calibrate.
WRITING_PHASES = (
    ReviewCycle.Phase.NOMINATION,
    ReviewCycle.Phase.APPROVAL,
    ReviewCycle.Phase.WRITING,
)
WRITABLE_STATES = (Assignment.State.OPEN, Assignment.State.DRAFT)


def stale_message() -> str:
    return _("This review was changed in another tab or window — reload to see the latest.")


def last_writing_day(cycle: ReviewCycle) -> datetime.date:
    """The last day a review may be saved or submitted: the writing deadline plus the
    cycle's grace days."""
    return cycle.writing_deadline + datetime.timedelta(days=cycle.grace_days)


def _window_refusal(cycle: ReviewCycle, today: datetime.date) -> str | None:
    """Why the cycle's writing is closed, as a sentence; None while it is open."""
    if cycle.phase not in WRITING_PHASES:
        return _("The writing phase of %(cycle)s is over.") % {"cycle": cycle.name}
    last_day = last_writing_day(cycle)
    if today > last_day:
        return _("The writing closed on %(date)s: reviews are no longer accepted.") % {
            "date": formats.date_format(last_day)
        }
    return None


def reopen_refusal(assignment: Assignment, today: datetime.date | None = None) -> str | None:
    """Why the writer may not reopen ``assignment`` now, as a sentence; None when they
    may: it is submitted, writing is still open for it and its review not released."""
    if assignment.state != Assignment.State.SUBMITTED:
        return _("Only a submitted review can be reopened.")
    if assignment.review.state != Review.State.OPEN:
        return _("The results of this review are released: it can no longer be changed.")
    return _window_refusal(assignment.cycle, today or timezone.localdate())


def writing_refusal(assignment: Assignment, today: datetime.date | None = None) -> str | None:
    """Why ``assignment`` may not be written now, as a sentence; None when it may."""
    cycle = assignment.cycle
    today = today or timezone.localdate()
    if assignment.state == Assignment.State.SUBMITTED:
        date = (
            formats.date_format(timezone.localtime(assignment.submitted_at))
            if assignment.submitted_at
            else "—"
        )
        if reopen_refusal(assignment, today) is None:
            return _(
                "This review was submitted on %(date)s. To change it, reopen it and say why."
            ) % {"date": date}
        return _("This review was submitted on %(date)s and can no longer be changed.") % {
            "date": date
        }
    if assignment.state not in WRITABLE_STATES:
        return _("This review is closed: %(state)s.") % {"state": assignment.get_state_display()}
    return _window_refusal(cycle, today)


def form_for(actor: Actor, assignment: Assignment) -> ReviewForm:
    """The assignment's form as its writer sees it (goals they may read)."""
    goals = reviewee_goals(actor, assignment.review, assignment.cycle.period)
    return review_form(assignment, goals=goals)


def _check(form: ReviewForm, answers: Mapping[str, AnswerValue]) -> dict[str, str]:
    """What is wrong with each answer, by item, in sentences naming the question."""
    errors: dict[str, str] = {}
    items = form.items
    scale = form.scale_values
    low, high = (min(scale), max(scale)) if scale else (0, 0)
    for key, value in answers.items():
        item = items.get(key)
        if item is None:
            errors[key] = _("%(item)s is not on this review's form.") % {"item": key}
            continue
        title = item.title
        if value.rating is not None and (item.kind != RATING or value.rating not in scale):
            errors[key] = (
                _("“%(item)s”: a rating must be between %(low)s and %(high)s.")
                % {"item": title, "low": low, "high": high}
                if item.kind == RATING
                else _("“%(item)s” takes no rating.") % {"item": title}
            )
        elif value.choice and (item.kind != CHOICE or value.choice not in item.choices):
            errors[key] = _("“%(item)s”: choose one of %(options)s.") % {
                "item": title,
                "options": ", ".join(item.choices) or "—",
            }
    return errors


def _missing(form: ReviewForm, answers: Mapping[str, AnswerValue]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, item in form.items.items():
        if not item.required:
            continue
        value = answers.get(key) or AnswerValue()
        if item.kind == RATING:
            answered = value.rating is not None
        elif item.kind == CHOICE:
            answered = bool(value.choice)
        else:
            answered = bool(value.text.strip())
        if not answered:
            errors[key] = _("“%(item)s” needs an answer.") % {"item": item.title}
    return errors


def _item_fields(key: str) -> dict[str, int | None]:
    kind, _sep, pk = key.partition(":")
    ident = int(pk)
    return {
        "question_id": ident if kind == "q" else None,
        "goal_id": ident if kind == "g" else None,
        "competency_id": ident if kind == "c" else None,
    }


def _write(assignment: Assignment, answers: Mapping[str, AnswerValue]) -> None:
    """Upsert one row per item: a second save of the same item changes its row, and an
    answer emptied again is removed (an item without a row is unanswered)."""
    now = timezone.now()
    existing = {a.item: a for a in assignment.answers.all()}
    new, changed, emptied = [], [], []
    for key, value in answers.items():
        row = existing.get(key)
        if value.is_empty:
            if row is not None:
                emptied.append(row.pk)
        elif row is None:
            new.append(
                Answer(
                    assignment=assignment,
                    item=key,
                    rating=value.rating,
                    text=value.text,
                    choice=value.choice,
                    updated_at=now,
                    **_item_fields(key),
                )
            )
        elif (row.rating, row.text, row.choice) != (value.rating, value.text, value.choice):
            row.rating, row.text, row.choice, row.updated_at = (
                value.rating,
                value.text,
                value.choice,
                now,
            )
            changed.append(row)
    # A row that was submitted with a rating is kept, blank, rather than deleted: the
    # record of its rating removed after a reopen points at it (and so at its writer).
    kept = [existing[k] for k, v in answers.items() if k in existing and v.is_empty]
    kept = [row for row in kept if row.submitted_rating is not None]
    for row in kept:
        row.rating, row.text, row.choice, row.updated_at = None, "", "", now
    changed += kept
    Answer.objects.filter(pk__in=set(emptied) - {row.pk for row in kept}).delete()
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(changed, ["rating", "text", "choice", "updated_at"])


def _record_changes(actor: Actor, assignment: Assignment) -> int:
    """After a submit: a reopened assignment's ratings that differ from those it was last
    submitted with are recorded (who, when, from → to, the reopen's reason); then every
    answer's ``submitted_rating`` is its rating. The number of changes recorded."""
    recorded = 0
    if assignment.reopened_at is not None:
        for answer in assignment.answers.order_by("id"):
            change = results.record_rating_change(
                actor=actor,
                answer=answer,
                old_value=answer.submitted_rating,
                new_value=answer.rating,
                reason=assignment.reopen_reason,
            )
            recorded += change is not None
    Answer.objects.filter(assignment=assignment).update(submitted_rating=F("rating"))
    return recorded


def _refuse_stale(assignment: Assignment, version: int) -> None:
    if version == assignment.version:
        return
    if assignment.state == Assignment.State.SUBMITTED:
        # The usual second-tab case: the other tab submitted first.
        raise ValidationError(
            {
                "version": _(
                    "This review was already submitted from another tab or window — "
                    "reload to see what was submitted."
                )
            }
        )
    raise ValidationError({"version": stale_message()})


def _lock(actor: Actor, assignment: Assignment) -> Assignment:
    """The assignment again, its row locked, as it is now (not as the caller read it)."""
    return access.assignment_for_write(actor, assignment.pk)


@transaction.atomic
def answers_save(
    *,
    actor: Actor,
    assignment: Assignment,
    answers: Mapping[str, AnswerValue],
    version: int,
) -> Assignment:
    """Keep the writer's draft (autosave). Before: ``assignment`` is the actor's own
    (``access.assignment_for_read``). After: each given answer is stored (unanswered
    items may stay empty), ``state`` is DRAFT and ``version`` one higher — or nothing
    changed and a ValidationError says why (stale version, closed, a bad answer)."""
    assignment = _lock(actor, assignment)
    _refuse_stale(assignment, version)
    refusal = writing_refusal(assignment)
    if refusal:
        raise ValidationError({"__all__": refusal})
    form = form_for(actor, assignment)
    errors = _check(form, answers)
    if errors:
        raise ValidationError(errors)
    _write(assignment, answers)
    assignment.state = Assignment.State.DRAFT
    assignment.version += 1
    assignment.save(update_fields=["state", "version"])
    return assignment


@transaction.atomic
def answers_submit(
    *,
    actor: Actor,
    assignment: Assignment,
    version: int,
    answers: Mapping[str, AnswerValue] | None = None,
) -> Assignment:
    """Hand the review in, with the form's last ``answers`` if given. Before: as for
    ``answers_save``. After: every required item is answered, ``state`` is SUBMITTED,
    ``submitted_at`` set and ``version`` one higher — or nothing changed (not even the
    given answers) and a ValidationError names each problem."""
    assignment = _lock(actor, assignment)
    _refuse_stale(assignment, version)
    refusal = writing_refusal(assignment)
    if refusal:
        raise ValidationError({"__all__": refusal})
    form = form_for(actor, assignment)
    stored = {
        a.item: AnswerValue(rating=a.rating, text=a.text, choice=a.choice)
        for a in assignment.answers.all()
        # An answer to an item no longer on the form (a goal since cancelled) is kept
        # but neither required nor checked.
        if a.item in form.items
    }
    given = dict(answers or {})
    errors = _check(form, given)
    errors.update({k: v for k, v in _missing(form, {**stored, **given}).items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    _write(assignment, given)
    assignment.state = Assignment.State.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.version += 1
    assignment.save(update_fields=["state", "submitted_at", "version"])
    # Once submitted again, so that a stored score counts the new ratings.
    _record_changes(actor, assignment)
    return assignment


@transaction.atomic
def assignment_reopen(
    *, actor: Actor, assignment: Assignment, version: int, reason: str
) -> Assignment:
    """The writer takes their submitted review back to change it. Before: ``assignment``
    is the actor's own (``access.assignment_for_read``), submitted, writing still open
    for it (the deadline plus grace not passed) and its review not released; ``reason``
    says why. After: ``state`` is DRAFT, ``reopened_at`` and ``reopen_reason`` set and
    ``version`` one higher — or nothing changed and a ValidationError says why. The
    ratings changed before the next submit are recorded with this reason."""
    assignment = _lock(actor, assignment)  # anyone but the writer: 404
    if version != assignment.version:
        if assignment.state in WRITABLE_STATES and assignment.reopened_at is not None:
            raise ValidationError(
                {
                    "version": _(
                        "This review was already reopened from another tab or window — "
                        "reload to go on with it."
                    )
                }
            )
        raise ValidationError({"version": stale_message()})
    refusal = reopen_refusal(assignment)
    if refusal:
        raise ValidationError({"__all__": refusal})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you reopen this review.")})
    if len(reason) > limits.COMMENT:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)s characters.") % {"n": limits.COMMENT}}
        )
    assignment.state = Assignment.State.DRAFT
    assignment.reopened_at = timezone.now()
    assignment.reopen_reason = reason
    assignment.version += 1
    assignment.save(update_fields=["state", "reopened_at", "reopen_reason", "version"])
    return assignment
