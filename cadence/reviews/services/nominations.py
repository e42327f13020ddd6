"""Review cycles: the nominations use cases (every write, transactional).

The reviewee proposes peers during the nomination phase; the review's manager (or the
chain above, or HR) approves, removes with a reason or adds; a nominee declines with a
reason. Approval makes the peer's assignment (``services.cycles.peer_assignments_create``, the
same the launch uses); a decline or a removal closes it.

Guard rails (each a ``ValidationError`` naming the field, docs/reviews.md
"Nominations"): not the reviewee, not their manager nor anyone writing the manager
review, not one of their direct reports (they write the upward review), not someone who
left, not someone already nominated, not more than the cycle's ``peers_max``, and not
someone already asked for the cycle's ``peer_load_cap`` peer reviews.

Each service locks the review's row first, so that two tabs proposing at once cannot
both pass the ``peers_max`` count, then the nominee's, so that two reviews asking the
same person at once cannot both pass the load cap. A later ``notify()`` call fits inside
each transaction.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.people.models import Person
from cadence.reviews import notifications
from cadence.reviews.models import Assignment, PeerNomination, Review, ReviewCycle, ReviewerType
from cadence.reviews.services import cycles

Phase = ReviewCycle.Phase
# A nomination that still asks the nominee to write: counted against peers_max and the
# nominee's load.
LIVE = (PeerNomination.State.PROPOSED, PeerNomination.State.APPROVED)
# Phases in which peers are proposed freely; later, only to replace a missing peer.
PROPOSING = (Phase.NOMINATION,)
# Phases in which the manager side approves, removes and adds.
DECIDING = (Phase.NOMINATION, Phase.APPROVAL, Phase.WRITING)
# A nominee may decline until the writing closes.
DECLINING = (Phase.NOMINATION, Phase.APPROVAL, Phase.WRITING)
# Removing an approved peer is possible until writing opens: after that, refusing to
# remove one who has written would tell the manager who wrote.
REMOVING_APPROVED = (Phase.NOMINATION, Phase.APPROVAL)
OPEN_ASSIGNMENT = (Assignment.State.OPEN, Assignment.State.DRAFT)


# --- reads the rules need ------------------------------------------------------------------


def peer_load(cycle: ReviewCycle, person_ids: list[int]) -> dict[int, int]:
    """How many peer reviews each person is asked to write in ``cycle``: the reviews they
    hold a proposed or approved nomination for, or a live peer assignment of (one made
    without a nomination counts too), each review once."""
    pairs = set(
        PeerNomination.objects.filter(
            review__cycle=cycle, nominee_id__in=person_ids, state__in=LIVE
        ).values_list("nominee_id", "review_id")
    )
    pairs |= set(
        Assignment.objects.filter(
            cycle=cycle,
            writer_id__in=person_ids,
            type=ReviewerType.PEER,
            state__in=(*OPEN_ASSIGNMENT, Assignment.State.SUBMITTED),
        ).values_list("writer_id", "review_id")
    )
    load = dict.fromkeys(person_ids, 0)
    for person_id, _review_id in pairs:
        load[person_id] += 1
    return load


def manager_writer_ids(review: Review) -> set[int]:
    """Everyone who writes (or wrote) the review's manager review, and the reviewee's
    manager of record: none of them may also be a peer."""
    ids = set(
        Assignment.objects.filter(review=review, type=ReviewerType.MANAGER).values_list(
            "writer_id", flat=True
        )
    )
    ids |= {i for i in (review.manager_id, review.reviewee.manager_id) if i is not None}
    return ids


def live_count(review: Review) -> int:
    return PeerNomination.objects.filter(review=review, state__in=LIVE).count()


def refusal(
    review: Review,
    nominee: Person,
    *,
    existing: PeerNomination | None,
    managers: set[int],
    load: int,
    by_reviewee: bool,
) -> str | None:
    """Why ``nominee`` may not be nominated for ``review`` (a sentence), or None. Pure:
    the callers read what it needs for one person or for a page of search results."""
    name = nominee.full_name
    if nominee.pk == review.reviewee_id:
        if by_reviewee:
            return _("You cannot nominate yourself as a peer.")
        return _("The reviewee cannot review themselves as a peer.")
    if nominee.pk in managers:
        return _("%(name)s writes the manager review; choose a colleague instead.") % {"name": name}
    if nominee.manager_id == review.reviewee_id:
        return _("%(name)s reports to the reviewee and writes the upward review.") % {"name": name}
    if nominee.status != Person.Status.ACTIVE:
        return _("%(name)s has left the organisation.") % {"name": name}
    if existing is not None:
        if existing.state == PeerNomination.State.REMOVED:
            return _("%(name)s was removed from this review's peers.") % {"name": name}
        if existing.state == PeerNomination.State.DECLINED:
            return _("%(name)s has declined to review this one.") % {"name": name}
        return _("%(name)s is already nominated.") % {"name": name}
    cap = review.cycle.peer_load_cap
    if load >= cap:
        return _(
            "%(name)s has already been asked to write %(count)d peer reviews in this cycle, "
            "the most one person is asked for; choose someone with spare capacity."
        ) % {"name": name, "count": load}
    return None


# --- writes ----------------------------------------------------------------------------------


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _lock(review: Review, nominee: Person) -> tuple[Review, Person]:
    locked = (
        Review.objects.select_for_update(of=("self",))
        .select_related("cycle", "reviewee")
        .get(pk=review.pk)
    )
    person = Person.objects.select_for_update().get(pk=nominee.pk)
    return locked, person


def _check(review: Review, nominee: Person, *, by_reviewee: bool) -> None:
    existing = PeerNomination.objects.filter(review=review, nominee=nominee).first()
    reason = refusal(
        review,
        nominee,
        existing=existing,
        managers=manager_writer_ids(review),
        load=peer_load(review.cycle, [nominee.pk])[nominee.pk],
        by_reviewee=by_reviewee,
    )
    if reason is not None:
        raise ValidationError({"nominee": reason})
    peers_max = review.cycle.peers_max
    if live_count(review) >= peers_max:
        raise ValidationError(
            {
                "nominee": _("This review already has %(count)d peers, the most the cycle allows.")
                % {"count": peers_max}
            }
        )


def needs_replacement(review: Review) -> bool:
    """Fewer live peers than the cycle's minimum: a decline or a removal left a slot."""
    return live_count(review) < review.cycle.peers_min


def _require_phase(review: Review, phases: tuple[str, ...], message: str) -> None:
    if review.cycle.phase not in phases:
        raise ValidationError({"cycle": message})


@transaction.atomic
def nomination_propose(*, actor: Actor, review: Review, nominee: Person) -> PeerNomination:
    """The reviewee proposes ``nominee`` as a peer. Before: the cycle is in its
    nomination phase, or later while a declined or removed peer leaves fewer than
    ``peers_min`` (a replacement). After: a PROPOSED nomination waiting for the manager."""
    review, nominee = _lock(review, nominee)
    if review.cycle.phase not in PROPOSING and not (
        review.cycle.phase in DECIDING and needs_replacement(review)
    ):
        raise ValidationError(
            {"cycle": _("Peers are nominated during the cycle's nomination phase, now over.")}
        )
    _check(review, nominee, by_reviewee=True)
    nomination = PeerNomination.objects.create(
        review=review, nominee=nominee, nominated_by=_user(actor)
    )
    notifications.peers_proposed(actor, review)
    return nomination


@transaction.atomic
def nomination_withdraw(*, actor: Actor, nomination: PeerNomination) -> None:
    """The reviewee takes back a proposal the manager has not decided on yet: no trace is
    kept (nobody was asked anything), so the same person may be proposed again."""
    nomination = PeerNomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.state != PeerNomination.State.PROPOSED:
        raise ValidationError(
            {"nomination": _("Only a proposal waiting for your manager can be withdrawn.")}
        )
    nomination.delete()


def _close_assignment(
    review: Review, nominee: Person, state: str, now: datetime.datetime, reason: str = ""
) -> None:
    Assignment.objects.filter(
        review=review, writer=nominee, type=ReviewerType.PEER, state__in=OPEN_ASSIGNMENT
    ).update(state=state, closed_at=now, decline_reason=reason)


@transaction.atomic
def nomination_approve(*, actor: Actor, nomination: PeerNomination) -> PeerNomination:
    """The manager side approves a proposal. Before: PROPOSED, the nominee still active.
    After: APPROVED, and the peer's assignment exists (open)."""
    review, nominee = _lock(nomination.review, nomination.nominee)
    nomination = PeerNomination.objects.select_for_update().get(pk=nomination.pk)
    _require_phase(review, DECIDING, _("Peers are approved before the writing closes."))
    if nomination.state != PeerNomination.State.PROPOSED:
        raise ValidationError({"nomination": _("Only a proposed peer can be approved.")})
    if nominee.status != Person.Status.ACTIVE:
        raise ValidationError(
            {"nominee": _("%(name)s has left the organisation.") % {"name": nominee.full_name}}
        )
    nomination.state = PeerNomination.State.APPROVED
    nomination.decided_by = _user(actor)
    nomination.decided_at = timezone.now()
    nomination.save(update_fields=["state", "decided_by", "decided_at"])
    cycles.peer_assignments_create(review, [nominee])
    notifications.assignments_opened(review.cycle, review=review, writer=nominee)
    audit(
        actor=actor,
        action="review.peer_approve",
        summary=f"{nominee.full_name} approved as a peer of {review.reviewee.full_name}",
        target=review,
        data={"nomination": nomination.pk, "nominee": nominee.pk},
    )
    return nomination


@transaction.atomic
def nomination_approve_all(*, actor: Actor, review: Review) -> int:
    """Approve every proposal of the review at once (the manager's usual move); the
    proposals of people who left since are left for a decision one by one."""
    proposed = list(
        PeerNomination.objects.filter(
            review=review,
            state=PeerNomination.State.PROPOSED,
            nominee__status=Person.Status.ACTIVE,
        ).select_related("nominee")
    )
    for nomination in proposed:
        nomination.review = review
        nomination_approve(actor=actor, nomination=nomination)
    return len(proposed)


@transaction.atomic
def nomination_add(*, actor: Actor, review: Review, nominee: Person) -> PeerNomination:
    """The manager side adds a peer the reviewee did not propose: approved at once, with
    its assignment. The same guard rails as a proposal."""
    review, nominee = _lock(review, nominee)
    _require_phase(review, DECIDING, _("Peers are added before the writing closes."))
    _check(review, nominee, by_reviewee=False)
    now = timezone.now()
    nomination = PeerNomination.objects.create(
        review=review,
        nominee=nominee,
        state=PeerNomination.State.APPROVED,
        nominated_by=_user(actor),
        decided_by=_user(actor),
        decided_at=now,
    )
    cycles.peer_assignments_create(review, [nominee])
    notifications.assignments_opened(review.cycle, review=review, writer=nominee)
    audit(
        actor=actor,
        action="review.peer_add",
        summary=f"{nominee.full_name} added as a peer of {review.reviewee.full_name}",
        target=review,
        data={"nomination": nomination.pk, "nominee": nominee.pk},
    )
    return nomination


@transaction.atomic
def nomination_remove(*, actor: Actor, nomination: PeerNomination, reason: str) -> PeerNomination:
    """The manager side removes a proposed or approved peer, saying why. An approved
    peer's open assignment closes; removing an approved peer is refused once writing has
    opened (whether they have written must stay unknown to the manager)."""
    review, nominee = _lock(nomination.review, nomination.nominee)
    nomination = PeerNomination.objects.select_for_update().get(pk=nomination.pk)
    _require_phase(review, DECIDING, _("Peers are removed before the writing closes."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you remove this peer.")})
    if nomination.state not in LIVE:
        raise ValidationError({"nomination": _("This peer is no longer nominated.")})
    if nomination.state == PeerNomination.State.APPROVED and review.cycle.phase not in (
        REMOVING_APPROVED
    ):
        raise ValidationError(
            {"nomination": _("An approved peer cannot be removed once writing has opened.")}
        )
    now = timezone.now()
    nomination.state = PeerNomination.State.REMOVED
    nomination.reason = reason
    nomination.decided_by = _user(actor)
    nomination.decided_at = now
    nomination.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    _close_assignment(review, nominee, Assignment.State.CLOSED, now)
    audit(
        actor=actor,
        action="review.peer_remove",
        summary=f"{nominee.full_name} removed from the peers of {review.reviewee.full_name}",
        target=review,
        data={"nomination": nomination.pk, "nominee": nominee.pk, "reason": reason},
    )
    return nomination


@transaction.atomic
def nomination_decline(*, actor: Actor, nomination: PeerNomination, reason: str) -> PeerNomination:
    """The nominee declines, saying why. Before: proposed or approved, the cycle not past
    writing, their peer review not submitted. After: DECLINED; their open peer
    assignment is DECLINED too (with the reason); the review shows a slot to replace."""
    review, nominee = _lock(nomination.review, nomination.nominee)
    nomination = PeerNomination.objects.select_for_update().get(pk=nomination.pk)
    _require_phase(review, DECLINING, _("This cycle's writing is over."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline.")})
    if nomination.state not in LIVE:
        raise ValidationError({"nomination": _("This nomination is no longer open.")})
    submitted = Assignment.objects.filter(
        review=review, writer=nominee, type=ReviewerType.PEER, state=Assignment.State.SUBMITTED
    ).exists()
    if submitted:
        raise ValidationError(
            {"nomination": _("You have already submitted this review; it cannot be declined.")}
        )
    now = timezone.now()
    nomination.state = PeerNomination.State.DECLINED
    nomination.reason = reason
    nomination.decided_at = now
    nomination.save(update_fields=["state", "reason", "decided_at"])
    _close_assignment(review, nominee, Assignment.State.DECLINED, now, reason[:500])
    notifications.peer_declined(actor, review)
    return nomination
