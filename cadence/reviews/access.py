"""Who may see and do what in review cycles — the only place it is decided. People rules
come from ``cadence.people.access``; what an answer may reveal about its writer is
``cadence.reviews.anonymity``'s (called from here and from the results' queries).

Rules (docs/reviews.md):

* Templates and cycles are managed by HR admins; members never see a draft cycle.
* An **assignment** is read and written only by its writer (never HR, never the
  reviewee): the writer's own answers are theirs until submitted.
* A **review's results** are read by HR admins (attribution of peer and upward answers
  only when the cycle says so), by the review's manager and the manager chain above the
  reviewee (peer results only when the cycle allows it), and by the reviewee once the
  review is released — peer and upward answers always as anonymous aggregates.
* **Nominations** of a review: the reviewee proposes during the nomination phase; the
  review's manager (or the chain above) approves, removes or adds; the nominee declines
  their own nomination.

Refusals answer 404 where the actor may not know the object exists, 403 where they may
read it but not do this with it.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from cadence.accounts.types import Actor
from cadence.people.access import (
    Refused,
    acting_person,
    is_hr_admin,
    is_in_line_of,
    is_member,
    line_filter,
    require_member,
)
from cadence.reviews.models import (
    Assignment,
    PeerNomination,
    Question,
    Review,
    ReviewCycle,
    ReviewerType,
    ReviewTemplate,
    Section,
    TemplateVersion,
)

__all__ = ["Refused", "require_member"]


# --- HR: templates and cycles -------------------------------------------------------


def can_manage_reviews(user: Actor) -> bool:
    return is_hr_admin(user)


def require_review_manager(user: Actor) -> None:
    """404 for non-members, 403 for members who are not HR admins (the audit log's rule)."""
    require_member(user)
    if not can_manage_reviews(user):
        raise Refused


def template_for_manage(user: Actor, template_id: int) -> ReviewTemplate:
    require_review_manager(user)
    template = ReviewTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise Http404
    return template


def version_for_manage(user: Actor, version_id: int) -> TemplateVersion:
    require_review_manager(user)
    version = TemplateVersion.objects.select_related("template").filter(pk=version_id).first()
    if version is None:
        raise Http404
    return version


def cycle_for_manage(user: Actor, cycle_id: int, *, lock: bool = False) -> ReviewCycle:
    require_review_manager(user)
    cycles = ReviewCycle.objects.select_related("template_version__template", "period")
    if lock:
        cycles = cycles.select_for_update(of=("self",))
    cycle = cycles.filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    return cycle


# --- writers -------------------------------------------------------------------------


def assignments_of(user: Actor) -> QuerySet[Assignment]:
    """The user's own assignments in launched cycles (what they write)."""
    me = acting_person(user) if is_member(user) else None
    if me is None:
        return Assignment.objects.none()
    return Assignment.objects.filter(writer=me).exclude(cycle__phase=ReviewCycle.Phase.DRAFT)


def assignment_for_read(user: Actor, assignment_id: int) -> Assignment:
    """One of the user's own assignments; anyone else's reads as missing (404)."""
    found = (
        assignments_of(user)
        .select_related("review__reviewee", "review__manager", "cycle__template_version")
        .filter(pk=assignment_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- reviews and results ---------------------------------------------------------------


def _manages_review(user: Actor, review: Review) -> bool:
    """The review's manager, or anyone above the reviewee in the manager chain."""
    me = acting_person(user)
    if me is None:
        return False
    if review.manager_id == me.pk:
        return True
    return is_in_line_of(me, review.reviewee)


def can_read_results(user: Actor, review: Review) -> bool:
    if not is_member(user) or review.cycle.phase == ReviewCycle.Phase.DRAFT:
        return False
    if is_hr_admin(user) or _manages_review(user, review):
        return True
    me = acting_person(user)
    return (
        me is not None
        and review.reviewee_id == me.pk
        and review.state in (Review.State.RELEASED, Review.State.ACKNOWLEDGED)
    )


def can_read_peer_results(user: Actor, review: Review) -> bool:
    """Peer and upward aggregates: HR, the reviewee once released, and the managers
    when the cycle lets them."""
    if not can_read_results(user, review):
        return False
    if is_hr_admin(user):
        return True
    me = acting_person(user)
    if me is not None and review.reviewee_id == me.pk:
        return True
    return review.cycle.manager_sees_peer_results


def sees_attribution(user: Actor, review: Review) -> bool:
    """Who wrote which peer or upward answer: HR admins, when the cycle says so (writers
    are told before they write). Nobody else, ever."""
    return is_hr_admin(user) and review.cycle.hr_sees_attribution


def _reviews() -> QuerySet[Review]:
    return Review.objects.select_related(
        "cycle__template_version", "cycle__period", "reviewee", "manager"
    )


def review_for_results(user: Actor, review_id: int) -> Review:
    review = _reviews().filter(pk=review_id).first()
    if review is None or not can_read_results(user, review):
        raise Http404
    return review


def reviews_managed_by(user: Actor) -> QuerySet[Review]:
    """Reviews whose manager review the user writes or whose reviewee is in their line."""
    me = acting_person(user) if is_member(user) else None
    if me is None:
        return Review.objects.none()
    return (
        _reviews()
        .filter(Q(manager=me) | line_filter(me, through="reviewee__"))
        .exclude(cycle__phase=ReviewCycle.Phase.DRAFT)
    )


def review_for_acknowledgement(user: Actor, review_id: int) -> Review:
    """The reviewee's own released review; someone else's is missing (404)."""
    me = acting_person(user) if is_member(user) else None
    review = _reviews().filter(pk=review_id).first()
    if me is None or review is None or review.reviewee_id != me.pk:
        raise Http404
    if review.state not in (Review.State.RELEASED, Review.State.ACKNOWLEDGED):
        raise Http404
    return review


# --- nominations -------------------------------------------------------------------------


def review_for_nomination(user: Actor, review_id: int) -> Review:
    """A review whose peers the user may propose (the reviewee) or decide on (the
    manager side, HR): anyone else gets 404."""
    review = _reviews().filter(pk=review_id).first()
    if review is None or review.cycle.phase == ReviewCycle.Phase.DRAFT or not is_member(user):
        raise Http404
    me = acting_person(user)
    is_reviewee = me is not None and review.reviewee_id == me.pk
    if not (is_reviewee or is_hr_admin(user) or _manages_review(user, review)):
        raise Http404
    return review


def can_decide_nominations(user: Actor, review: Review) -> bool:
    return is_hr_admin(user) or _manages_review(user, review)


def nomination_for_decline(user: Actor, nomination_id: int) -> PeerNomination:
    """The user's own nomination as a peer (to decline it); anyone else's is 404."""
    me = acting_person(user) if is_member(user) else None
    found = (
        PeerNomination.objects.select_related("review__cycle", "review__reviewee")
        .filter(pk=nomination_id, nominee=me)
        .first()
        if me is not None
        else None
    )
    if found is None:
        raise Http404
    return found


# --- writing (the review form, its evidence panel) -------------------------------------


def assignment_for_write(user: Actor, assignment_id: int) -> Assignment:
    """One of the user's own assignments, its row locked until the transaction ends: two
    tabs saving at once queue here, so the second compares its version with the first's
    result (optimistic locking, ``services.writing``). Anyone else's is missing (404)."""
    found = (
        assignments_of(user)
        .select_related("review__reviewee", "review__manager", "cycle__template_version")
        .select_for_update(of=("self",))
        .filter(pk=assignment_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def reviews_received_by(user: Actor) -> QuerySet[Review]:
    """The user's own reviews (as the reviewee) in launched cycles, for "My reviews"."""
    me = acting_person(user) if is_member(user) else None
    if me is None:
        return Review.objects.none()
    return _reviews().filter(reviewee=me).exclude(cycle__phase=ReviewCycle.Phase.DRAFT)


def self_review_for_manager(assignment: Assignment) -> Assignment | None:
    """The reviewee's submitted self-review, read-only, for the writer of the manager
    review (``assignment`` came through ``assignment_for_read``, so it is the user's own).
    A draft self-review stays the reviewee's until they submit it; nobody else gets one."""
    if assignment.type != ReviewerType.MANAGER:
        return None
    return (
        Assignment.objects.filter(
            review_id=assignment.review_id,
            type=ReviewerType.SELF,
            state=Assignment.State.SUBMITTED,
        )
        .prefetch_related("answers")
        .first()
    )


def previous_manager_draft(assignment: Assignment) -> Assignment | None:
    """The previous manager's manager review of the same review, when it moved to this
    writer after a manager change (``moved_from``): the new manager goes on from it."""
    if assignment.type != ReviewerType.MANAGER or assignment.moved_from_id is None:
        return None
    return (
        Assignment.objects.filter(
            pk=assignment.moved_from_id,
            review_id=assignment.review_id,
            type=ReviewerType.MANAGER,
        )
        .select_related("writer")
        .prefetch_related("answers")
        .first()
    )


# --- nominations: the peers page, its actions and the nominee's list ---------------------
# (part "nominations"; review_for_nomination, can_decide_nominations and
# nomination_for_decline above are the lead's)


def is_reviewee(user: Actor, review: Review) -> bool:
    me = acting_person(user)
    return me is not None and review.reviewee_id == me.pk


def can_propose_peers(user: Actor, review: Review) -> bool:
    """Proposing and withdrawing proposals is the reviewee's: they choose their peers."""
    return is_reviewee(user, review)


def require_peer_proposer(user: Actor, review: Review) -> None:
    """403: the caller reads the peers page (manager side, HR) but proposes nothing."""
    if not can_propose_peers(user, review):
        raise Refused


def require_nomination_decider(user: Actor, review: Review) -> None:
    """403: the reviewee reads their peers page but approves or removes nothing."""
    if not can_decide_nominations(user, review):
        raise Refused


def nomination_for_review(user: Actor, review_id: int, nomination_id: int) -> PeerNomination:
    """A nomination of a review whose peers page the user may open; a nomination of
    another review (or of a review they may not open) is 404."""
    review = review_for_nomination(user, review_id)
    found = (
        PeerNomination.objects.select_related("nominee__department", "nominee__manager")
        .filter(pk=nomination_id, review=review)
        .first()
    )
    if found is None:
        raise Http404
    found.review = review
    return found


def nominations_asked_of(user: Actor) -> QuerySet[PeerNomination]:
    """The user's own nominations as a peer, in launched cycles (their "asked to review"
    list). Nobody else's."""
    me = acting_person(user) if is_member(user) else None
    if me is None:
        return PeerNomination.objects.none()
    return PeerNomination.objects.filter(nominee=me).exclude(
        review__cycle__phase=ReviewCycle.Phase.DRAFT
    )


# --- templates: the editor's sections and questions (part "templates") -----------------


def section_for_manage(user: Actor, section_id: int) -> Section:
    """A section of any template version, for HR admins (404 for an unknown id)."""
    require_review_manager(user)
    section = Section.objects.select_related("version__template").filter(pk=section_id).first()
    if section is None:
        raise Http404
    return section


def question_for_manage(user: Actor, question_id: int) -> Question:
    """A question of any template version, for HR admins (404 for an unknown id)."""
    require_review_manager(user)
    question = (
        Question.objects.select_related("section__version__template").filter(pk=question_id).first()
    )
    if question is None:
        raise Http404
    return question


def templates_for_manage(user: Actor) -> QuerySet[ReviewTemplate]:
    """Every template, for HR admins (the list page and the API's list)."""
    require_review_manager(user)
    return ReviewTemplate.objects.all()


# --- results: calibration, release, acknowledgement (part "results") ---------------------

# Writing has closed in these phases, so a score exists to calibrate or release.
RELEASABLE_PHASES = (
    ReviewCycle.Phase.CALIBRATION,
    ReviewCycle.Phase.RELEASE,
    ReviewCycle.Phase.ACKNOWLEDGEMENT,
)


def can_calibrate(user: Actor, review: Review) -> bool:
    """HR admins, during the calibration phase, before the review is released."""
    return (
        is_hr_admin(user)
        and review.cycle.phase == ReviewCycle.Phase.CALIBRATION
        and review.state == Review.State.OPEN
    )


def may_release(user: Actor, review: Review) -> bool:
    """Who releases: HR admins, or the review's manager side when the cycle allows it."""
    if is_hr_admin(user):
        return True
    return review.cycle.manager_may_release and _manages_review(user, review)


def can_release(user: Actor, review: Review) -> bool:
    return (
        may_release(user, review)
        and review.cycle.phase in RELEASABLE_PHASES
        and review.state == Review.State.OPEN
    )


def review_for_release(user: Actor, review_id: int, *, lock: bool = False) -> Review:
    """404 for whoever may not read the results; 403 for readers who may not release."""
    review = review_for_results(user, review_id)
    if not may_release(user, review):
        raise Refused
    if lock:
        review = _reviews().select_for_update(of=("self",)).get(pk=review.pk)
    return review


def review_for_calibration(user: Actor, review_id: int, *, lock: bool = False) -> Review:
    """404 for whoever may not read the results; 403 for readers who are not HR."""
    review = review_for_results(user, review_id)
    if not is_hr_admin(user):
        raise Refused
    if lock:
        review = _reviews().select_for_update(of=("self",)).get(pk=review.pk)
    return review


def cycle_for_release(user: Actor, cycle_id: int) -> ReviewCycle:
    """HR's release list of a cycle (HR admins only, like every cycle page)."""
    cycle = cycle_for_manage(user, cycle_id)
    if cycle.phase == ReviewCycle.Phase.DRAFT:
        raise Http404
    return cycle
