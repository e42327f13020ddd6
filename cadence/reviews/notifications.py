"""What review cycles tell people: two target types (an assignment, read only by its
writer; a review, read by its reviewee and manager side through ``access``) and the
kinds of the cycle's events. The reviews services call the helpers below inside their
own transactions, so an event that rolls back tells nobody.

Anonymity (docs/reviews.md): nothing here tells a reviewee who writes or who declined.
A reviewee hears only of their own steps (peers to nominate, results released); a peer's
decline goes to the manager side, who sees the peers page anyway. Events that may reach
a whole cycle (assignments opening, nominations to make) are written set-based with
``sweeps.notify_selected``: a launch of 100,000 reviews must not write them one by one.
"""

import datetime

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.notifications import kinds, sweeps
from cadence.notifications.models import Channel
from cadence.notifications.services import notify
from cadence.people.access import acting_person, is_hr_admin
from cadence.people.display import name_shown
from cadence.people.models import Person
from cadence.reviews import access
from cadence.reviews.models import Assignment, Review, ReviewCycle, ReviewerType

ASSIGNMENT_OPENED = "review.assignment_opened"
NOMINATE = "review.nominate_peers"
APPROVE = "review.approve_peers"
DECLINED = "review.peer_declined"
RELEASED = "review.released"

ASSIGNMENT_TARGET = "reviews.assignment"
REVIEW_TARGET = "reviews.review"

Phase = ReviewCycle.Phase
OPEN_STATES = (Assignment.State.OPEN, Assignment.State.DRAFT)


def day(value: datetime.date) -> str:
    """A date as the project writes it ("1 Dec 2026")."""
    return formats.date_format(value, "DATE_FORMAT")


# --- target types ------------------------------------------------------------------------


def assignment_label(reader: Actor, assignment: Assignment) -> str:
    """What the writer reads: which review they write, of whom, in which cycle."""
    cycle = assignment.cycle.name
    if assignment.type == ReviewerType.SELF:
        return _("your self-review (%(cycle)s)") % {"cycle": cycle}
    words = {
        ReviewerType.MANAGER: _("the manager review of %(name)s (%(cycle)s)"),
        ReviewerType.PEER: _("the peer review of %(name)s (%(cycle)s)"),
        ReviewerType.UPWARD: _("the upward review of %(name)s (%(cycle)s)"),
    }[ReviewerType(assignment.type)]
    return words % {"name": name_shown(reader, assignment.review.reviewee), "cycle": cycle}


def _load_assignments(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    # Only the writer reads an assignment: a manager told of an overdue one reads the
    # neutral words, which never name the reviewee.
    rows = (
        access.assignments_of(reader).filter(pk__in=ids).select_related("cycle", "review__reviewee")
    )
    return {
        a.pk: kinds.Target(assignment_label(reader, a), reverse("reviews:write", args=[a.pk]))
        for a in rows
    }


def review_url(reader: Actor, review: Review) -> str:
    """Where a review leads its reader now. The reviewee: their results once released,
    the peers page while peers are chosen, else their reviews. The manager side and HR:
    the peers page while peers may still change, else the results."""
    peer_phases = (Phase.NOMINATION, Phase.APPROVAL, Phase.WRITING)
    if access.is_reviewee(reader, review):
        if review.state in (Review.State.RELEASED, Review.State.ACKNOWLEDGED):
            return reverse("reviews:results", args=[review.pk])
        if review.cycle.phase in peer_phases and ReviewerType.PEER in review.cycle.review_types:
            return reverse("reviews:nomination_peers", args=[review.pk])
        return reverse("reviews:index")
    if review.cycle.phase in peer_phases and ReviewerType.PEER in review.cycle.review_types:
        return reverse("reviews:nomination_peers", args=[review.pk])
    return reverse("reviews:results", args=[review.pk])


def _readable_reviews(reader: Actor, ids: list[int]) -> list[Review]:
    me = acting_person(reader)
    if me is None:
        return []
    found = {r.pk: r for r in access.reviews_received_by(reader).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        if is_hr_admin(reader):
            rest = access._reviews().filter(pk__in=missing).exclude(cycle__phase=Phase.DRAFT)
        else:
            rest = access.reviews_managed_by(reader).filter(pk__in=missing)
        found.update({r.pk: r for r in rest})
    return list(found.values())


def review_label(reader: Actor, review: Review) -> str:
    if access.is_reviewee(reader, review):
        return _("your review (%(cycle)s)") % {"cycle": review.cycle.name}
    return _("the review of %(name)s (%(cycle)s)") % {
        "name": name_shown(reader, review.reviewee),
        "cycle": review.cycle.name,
    }


def _load_reviews(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    return {
        r.pk: kinds.Target(review_label(reader, r), review_url(reader, r))
        for r in _readable_reviews(reader, ids)
    }


# --- events ------------------------------------------------------------------------------


def assignments_opened(
    cycle: ReviewCycle, *, review: Review | None = None, writer: Person | None = None
) -> int:
    """Tell each writer of the cycle's open assignments (or of one review's, or one
    writer's) that they may write, once per assignment: entering the writing phase, a
    late joiner's assignments in it and a peer added in it all call this, and the dedup
    key lets each writer hear of each assignment once. Only in the writing phase."""
    if cycle.phase != Phase.WRITING:
        return 0
    where = "a.cycle_id = %s"
    params: list = [cycle.pk]
    if review is not None:
        where += " AND a.review_id = %s"
        params.append(review.pk)
    if writer is not None:
        where += " AND a.writer_id = %s"
        params.append(writer.pk)
    candidates = f"""
        SELECT a.writer_id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
               a.id AS target_id, 'review-opened:' || CAST(a.id AS TEXT) AS dedup_key
        FROM reviews_assignment a
        WHERE {where} AND a.state IN (%s, %s)
    """  # noqa: S608 - constant SQL
    return sweeps.notify_selected(
        ASSIGNMENT_OPENED,
        candidates,
        [*params, *OPEN_STATES],
        now=timezone.now(),
        target_type=ASSIGNMENT_TARGET,
        params={"deadline": day(cycle.writing_deadline)},
    )


def nominations_open(cycle: ReviewCycle) -> int:
    """Tell every open review's reviewee that they choose their peers (the cycle is
    launched into its nomination phase); once per review."""
    if cycle.phase != Phase.NOMINATION:
        return 0
    candidates = """
        SELECT r.reviewee_id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
               r.id AS target_id, 'review-nominate:' || CAST(r.id AS TEXT) AS dedup_key
        FROM reviews_review r
        WHERE r.cycle_id = %s AND r.state = %s
    """
    deadline = cycle.nomination_deadline
    return sweeps.notify_selected(
        NOMINATE,
        candidates,
        [cycle.pk, Review.State.OPEN],
        now=timezone.now(),
        target_type=REVIEW_TARGET,
        params={
            "min": cycle.peers_min,
            "by": _(" by %(day)s") % {"day": day(deadline)} if deadline else "",
        },
    )


def peers_proposed(actor: Actor, review: Review) -> None:
    """The reviewee proposed a peer: the review's manager is asked to decide, at most
    once a day per review (a reviewee proposes several in a row)."""
    if review.manager is None:
        return
    today = timezone.localdate().isoformat()
    notify(
        APPROVE,
        [review.manager],
        actor=acting_person(actor),
        target=review,
        dedup_key=f"review-peers-proposed:{review.pk}:{today}",
    )


def peer_declined(actor: Actor, review: Review) -> None:
    """A peer declined: the manager side is told a slot needs replacing (the reviewee
    reads that on the peers page, never who declined)."""
    if review.manager is None:
        return
    notify(DECLINED, [review.manager], actor=acting_person(actor), target=review)


def results_released(actor: Actor, reviews: list[Review]) -> None:
    """Each released review's reviewee is asked to read and acknowledge it."""
    me = acting_person(actor)
    for review in reviews:
        notify(
            RELEASED,
            [review.reviewee],
            actor=me,
            target=review,
            dedup_key=f"review-released:{review.pk}",
        )


def register() -> None:
    kinds.register_target(
        kinds.TargetType(
            key=ASSIGNMENT_TARGET, load=_load_assignments, hidden=str(gettext_lazy("a review"))
        )
    )
    kinds.register_target(
        kinds.TargetType(
            key=REVIEW_TARGET, load=_load_reviews, hidden=str(gettext_lazy("a review"))
        )
    )
    group = str(gettext_lazy("Reviews"))
    kinds.register_kinds(
        [
            kinds.Kind(
                key=ASSIGNMENT_OPENED,
                group=group,
                label=str(gettext_lazy("A review is mine to write")),
                sentence=str(gettext_lazy("You can now write {target}, due {deadline}.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=NOMINATE,
                group=group,
                label=str(gettext_lazy("I am asked to nominate peers for my review")),
                sentence=str(gettext_lazy("Nominate at least {min} peers for {target}{by}.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=APPROVE,
                group=group,
                label=str(gettext_lazy("Peers proposed for a review I manage await approval")),
                sentence=str(gettext_lazy("{actor} proposed peers for {target}: approve them.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=DECLINED,
                group=group,
                label=str(gettext_lazy("A peer declines to review someone in my team")),
                sentence=str(
                    gettext_lazy(
                        "{actor} declined to write a peer review for {target}: "
                        "the slot needs replacing."
                    )
                ),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=RELEASED,
                group=group,
                label=str(gettext_lazy("My review results are released")),
                sentence=str(gettext_lazy("{target} is released: read and acknowledge it.")),
                default=Channel.EMAIL,
            ),
        ]
    )
