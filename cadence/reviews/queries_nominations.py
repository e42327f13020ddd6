"""Reads of the peers page and the nominee's list, shared by the pages and the API.

What each reader sees (docs/reviews.md, "Nominations"): the reviewee sees whom they and
their manager nominated, each one's state (proposed, approved, removed with the
manager's reason, declined without the nominee's reason) and how many approved peers are
still needed; the manager side also reads decline reasons. Nobody reads, from here, the
state of a peer's assignment: whether an approved peer has *written* is never shown.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import ngettext

from cadence.accounts.types import Actor
from cadence.people.display import person_shown
from cadence.people.models import Person
from cadence.people.queries import directory_search
from cadence.reviews import access
from cadence.reviews.models import PeerNomination, Review
from cadence.reviews.services import nominations as rules

SUGGESTIONS = 5
SEARCH_RESULTS = 10
# Colleagues looked at for suggestions: the reviewee's team and department, enough to
# find five with spare capacity without reading a whole department of thousands.
SUGGESTION_POOL = 200


@dataclass
class NominationRow:
    id: int
    nominee_id: int | None
    nominee_name: str
    state: str
    state_label: str
    reason: str  # the removal's for everyone; the decline's for the manager side only
    can_withdraw: bool
    can_approve: bool
    can_remove: bool


@dataclass
class Candidate:
    person: Person
    load: int
    refusal: str | None


@dataclass
class PeersPage:
    review: Review
    rows: list[NominationRow]
    as_reviewee: bool
    as_decider: bool
    proposed: int
    approved: int
    declined: int
    needed: int  # approved peers still needed to reach peers_min
    declined_to_replace: int  # declines that left a slot nobody has filled yet
    slots_left: int  # proposals still possible before peers_max
    can_propose: bool
    can_add: bool
    candidates: list[Candidate] = field(default_factory=list)
    suggestions: list[Candidate] = field(default_factory=list)


def _row(
    user: Actor, n: PeerNomination, *, decider: bool, reviewee: bool, phase: str
) -> NominationRow:
    shown = person_shown(user, n.nominee)
    live = n.state in rules.LIVE
    show_reason = n.state == PeerNomination.State.REMOVED or decider
    return NominationRow(
        id=n.pk,
        nominee_id=shown.person_id,
        nominee_name=shown.name,
        state=n.state,
        state_label=str(n.get_state_display()),
        reason=n.reason if show_reason else "",
        can_withdraw=reviewee and n.state == PeerNomination.State.PROPOSED,
        can_approve=decider
        and n.state == PeerNomination.State.PROPOSED
        and phase in rules.DECIDING,
        can_remove=decider
        and live
        and phase in rules.DECIDING
        and (n.state == PeerNomination.State.PROPOSED or phase in rules.REMOVING_APPROVED),
    )


def peers_page(user: Actor, review: Review, *, q: str = "") -> PeersPage:
    """The peers page of ``review`` as ``user`` sees it (the access layer has let them in)."""
    decider = access.can_decide_nominations(user, review)
    reviewee = access.can_propose_peers(user, review)
    cycle = review.cycle
    nominations = list(
        PeerNomination.objects.filter(review=review)
        .select_related("nominee")
        .order_by("nominee__last_name", "nominee__first_name", "id")
    )
    rows = [
        _row(user, n, decider=decider, reviewee=reviewee, phase=cycle.phase) for n in nominations
    ]
    count = {s: sum(1 for n in nominations if n.state == s) for s in PeerNomination.State}
    proposed, approved = count[PeerNomination.State.PROPOSED], count[PeerNomination.State.APPROVED]
    live = proposed + approved
    short = max(0, cycle.peers_min - live)
    replacing = live < cycle.peers_min and cycle.phase in rules.DECIDING
    page = PeersPage(
        review=review,
        rows=rows,
        as_reviewee=reviewee,
        as_decider=decider,
        proposed=proposed,
        approved=approved,
        declined=count[PeerNomination.State.DECLINED],
        needed=max(0, cycle.peers_min - approved),
        declined_to_replace=min(count[PeerNomination.State.DECLINED], short),
        slots_left=max(0, cycle.peers_max - live),
        can_propose=reviewee
        and live < cycle.peers_max
        and (cycle.phase in rules.PROPOSING or replacing),
        can_add=decider and live < cycle.peers_max and cycle.phase in rules.DECIDING,
    )
    if page.can_propose or page.can_add:
        context = _Context.of(review, nominations)
        if q.strip():
            found = list(directory_search(user, q=q)[:SEARCH_RESULTS])
            page.candidates = context.candidates(found, by_reviewee=reviewee)
        page.suggestions = suggestions(review, context=context)
    return page


@dataclass
class _Context:
    """What the guard rails read, once per page: existing nominations and manager writers."""

    review: Review
    existing: dict[int, PeerNomination]
    managers: set[int]

    @classmethod
    def of(cls, review: Review, nominations: list[PeerNomination]) -> "_Context":
        return cls(review, {n.nominee_id: n for n in nominations}, rules.manager_writer_ids(review))

    def candidates(self, people: list[Person], *, by_reviewee: bool) -> list[Candidate]:
        load = rules.peer_load(self.review.cycle, [p.pk for p in people])
        return [
            Candidate(
                person=p,
                load=load[p.pk],
                refusal=rules.refusal(
                    self.review,
                    p,
                    existing=self.existing.get(p.pk),
                    managers=self.managers,
                    load=load[p.pk],
                    by_reviewee=by_reviewee,
                ),
            )
            for p in people
        ]


def suggestions(review: Review, *, context: _Context | None = None) -> list[Candidate]:
    """Colleagues with spare capacity: people sharing the reviewee's manager first, then
    their department, fewest peer reviews asked of them first, each one nominable."""
    if context is None:
        context = _Context.of(review, list(PeerNomination.objects.filter(review=review)))
    reviewee = review.reviewee
    near = Q(pk__in=[])
    if reviewee.manager_id is not None:
        near |= Q(manager_id=reviewee.manager_id)
    if reviewee.department_id is not None:
        near |= Q(department_id=reviewee.department_id)
    pool = list(
        Person.objects.filter(near, status=Person.Status.ACTIVE)
        .exclude(pk=reviewee.pk)
        .exclude(pk__in=context.managers)
        .exclude(manager_id=reviewee.pk)
        .exclude(pk__in=list(context.existing))
        .select_related("department")
        .order_by("last_name", "first_name", "id")[:SUGGESTION_POOL]
    )
    rows = [c for c in context.candidates(pool, by_reviewee=False) if c.refusal is None]
    team = reviewee.manager_id
    rows.sort(key=lambda c: (c.load, c.person.manager_id != team))
    return rows[:SUGGESTIONS]


def asked_of(user: Actor) -> list[PeerNomination]:
    """The user's nominations as a peer: whom they are asked to review, in which cycle,
    newest cycle first."""
    return list(
        access.nominations_asked_of(user)
        .select_related("review__reviewee", "review__cycle")
        .order_by("-review__cycle__created_at", "review__reviewee__last_name", "id")
    )


def declinable(nomination: PeerNomination) -> bool:
    return nomination.state in rules.LIVE and nomination.review.cycle.phase in rules.DECLINING


def summary_sentence(page: PeersPage) -> str:
    """ "1 peer declined: choose another" — what the reviewee and manager must act on."""
    count = page.declined_to_replace
    if not count:
        return ""
    return ngettext(
        "%(count)d peer declined: choose another.",
        "%(count)d peers declined: choose others.",
        count,
    ) % {"count": count}
