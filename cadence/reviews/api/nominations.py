"""Review cycles over the API: nominations — a review's peers (list, propose or add,
withdraw, approve, remove), suggestions of colleagues with spare capacity, and the
caller's own nominations as a peer (list, decline). The same rules as the peers page:
``cadence.reviews.access`` lets the caller in, ``queries_nominations`` decides what they
read (never whether a peer has written), ``services.nominations`` writes.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cadence.core.api_types import SEARCH, Id, Text
from cadence.people import access as people_access
from cadence.people.display import person_shown
from cadence.reviews import access, queries_nominations
from cadence.reviews.models import PeerNomination, Review
from cadence.reviews.services import nominations as services

router = Router(tags=["reviews"])

REASON = 500


class PeerNominationOut(Schema):
    id: int
    nominee_id: int | None = Field(description="Null for someone who left whom you may not see.")
    nominee_name: str
    state: PeerNomination.State
    reason: str = Field(
        description="A removal's reason; a decline's only for the manager side and HR, "
        "empty for the reviewee."
    )
    can_withdraw: bool
    can_approve: bool
    can_remove: bool


class PeerNominationsOut(Schema):
    review_id: int
    reviewee_name: str
    phase: str
    peers_min: int
    peers_max: int
    proposed: int
    approved: int
    declined: int
    needed: int = Field(description="Approved peers still needed to reach peers_min.")
    declined_to_replace: int = Field(
        description="Declines that left a slot nobody has filled yet ('1 peer declined: "
        "choose another')."
    )
    can_propose: bool
    can_add: bool
    nominations: list[PeerNominationOut] = Field(
        description="No per-peer writing state and no timestamps: whether an approved peer "
        "has written is never shown (docs/reviews.md, Nominations)."
    )


class PeerCandidateOut(Schema):
    person_id: int
    name: str
    job_title: str
    department: str | None
    peer_load: int = Field(description="Peer reviews this person is asked to write in the cycle.")
    refusal: str | None = Field(description="Why they cannot be nominated, or null.")


class PeerNomineeIn(Schema):
    nominee_id: Id


class PeerReasonIn(Schema):
    reason: Text = Field(min_length=1, max_length=REASON)


class AskedNominationOut(Schema):
    id: int
    review_id: int
    reviewee_name: str
    cycle_name: str
    state: PeerNomination.State
    reason: str = Field(description="Your own reason, when you declined.")
    can_decline: bool


def _nominations_out(request: HttpRequest, review: Review) -> dict:
    page = queries_nominations.peers_page(request.user, review)
    return {
        "review_id": review.pk,
        "reviewee_name": review.reviewee.full_name,
        "phase": review.cycle.phase,
        "peers_min": review.cycle.peers_min,
        "peers_max": review.cycle.peers_max,
        "proposed": page.proposed,
        "approved": page.approved,
        "declined": page.declined,
        "needed": page.needed,
        "declined_to_replace": page.declined_to_replace,
        "can_propose": page.can_propose,
        "can_add": page.can_add,
        "nominations": [row.__dict__ for row in page.rows],
    }


def _one(request: HttpRequest, review: Review, nomination_id: int) -> dict:
    found = _nominations_out(request, review)["nominations"]
    return next(row for row in found if row["id"] == nomination_id)


def _candidate(user: object, c: queries_nominations.Candidate) -> dict:
    department = c.person.department
    return {
        "person_id": c.person.pk,
        "name": person_shown(user, c.person).name,  # type: ignore[arg-type]
        "job_title": c.person.job_title,
        "department": department.name if department is not None else None,
        "peer_load": c.load,
        "refusal": c.refusal,
    }


def _asked_out(n: PeerNomination) -> dict:
    return {
        "id": n.pk,
        "review_id": n.review_id,
        "reviewee_name": n.review.reviewee.full_name,
        "cycle_name": n.review.cycle.name,
        "state": n.state,
        "reason": n.reason if n.state == PeerNomination.State.DECLINED else "",
        "can_decline": queries_nominations.declinable(n),
    }


@router.get(
    "/reviews/nominations/asked",
    response=list[AskedNominationOut],
    summary="Your own nominations as a peer (whom you are asked to review)",
)
def list_asked(request: HttpRequest) -> list[dict]:
    people_access.require_member(request.user)
    return [_asked_out(n) for n in queries_nominations.asked_of(request.user)]


@router.post(
    "/reviews/nominations/{nomination_id}/decline",
    response=AskedNominationOut,
    summary="Decline your nomination as a peer, saying why (the manager side reads it)",
)
def decline_nomination(request: HttpRequest, nomination_id: Id, payload: PeerReasonIn) -> dict:
    nomination = access.nomination_for_decline(request.user, nomination_id)
    services.nomination_decline(actor=request.user, nomination=nomination, reason=payload.reason)
    return _asked_out(
        next(n for n in queries_nominations.asked_of(request.user) if n.pk == nomination_id)
    )


@router.get(
    "/reviews/{review_id}/nominations",
    response=PeerNominationsOut,
    summary="A review's peer nominations and what is still needed",
)
def list_nominations(request: HttpRequest, review_id: Id) -> dict:
    return _nominations_out(request, access.review_for_nomination(request.user, review_id))


@router.post(
    "/reviews/{review_id}/nominations",
    response={201: PeerNominationOut},
    summary="Nominate a peer: the reviewee proposes, the manager side adds (approved at once)",
)
def create_nomination(request: HttpRequest, review_id: Id, payload: PeerNomineeIn) -> Status:
    review = access.review_for_nomination(request.user, review_id)
    nominee = people_access.person_for_read(request.user, payload.nominee_id)
    if access.can_propose_peers(request.user, review):
        made = services.nomination_propose(actor=request.user, review=review, nominee=nominee)
    else:
        access.require_nomination_decider(request.user, review)
        made = services.nomination_add(actor=request.user, review=review, nominee=nominee)
    return Status(201, _one(request, review, made.pk))


# Before the routes with a nomination's id, whose path segment would match "suggestions".
@router.get(
    "/reviews/{review_id}/nominations/suggestions",
    response=list[PeerCandidateOut],
    summary="Colleagues to nominate: with q, a search by name (each with why not, if "
    "refused); without, those with spare capacity in the reviewee's team and department",
)
def nomination_suggestions(
    request: HttpRequest,
    review_id: Id,
    q: Text = Query("", max_length=SEARCH, description="Words of a colleague's name."),
) -> list[dict]:
    review = access.review_for_nomination(request.user, review_id)
    page = queries_nominations.peers_page(request.user, review, q=q)
    if not (page.can_propose or page.can_add):
        raise ValidationError({"cycle": _("No peer can be nominated for this review now.")})
    rows = page.candidates if q.strip() else page.suggestions
    return [_candidate(request.user, c) for c in rows]


@router.delete(
    "/reviews/{review_id}/nominations/{nomination_id}",
    response={204: None},
    summary="Withdraw your own proposal before your manager decides",
)
def withdraw_nomination(request: HttpRequest, review_id: Id, nomination_id: Id) -> Status:
    nomination = access.nomination_for_review(request.user, review_id, nomination_id)
    access.require_peer_proposer(request.user, nomination.review)
    services.nomination_withdraw(actor=request.user, nomination=nomination)
    return Status(204, None)


@router.post(
    "/reviews/{review_id}/nominations/{nomination_id}/approve",
    response=PeerNominationOut,
    summary="Approve a proposed peer (their peer review opens)",
)
def approve_nomination(request: HttpRequest, review_id: Id, nomination_id: Id) -> dict:
    nomination = access.nomination_for_review(request.user, review_id, nomination_id)
    access.require_nomination_decider(request.user, nomination.review)
    services.nomination_approve(actor=request.user, nomination=nomination)
    return _one(request, nomination.review, nomination.pk)


@router.post(
    "/reviews/{review_id}/nominations/{nomination_id}/remove",
    response=PeerNominationOut,
    summary="Remove a proposed or approved peer, saying why (the reviewee reads it)",
)
def remove_nomination(
    request: HttpRequest, review_id: Id, nomination_id: Id, payload: PeerReasonIn
) -> dict:
    nomination = access.nomination_for_review(request.user, review_id, nomination_id)
    access.require_nomination_decider(request.user, nomination.review)
    services.nomination_remove(actor=request.user, nomination=nomination, reason=payload.reason)
    return _one(request, nomination.review, nomination.pk)
