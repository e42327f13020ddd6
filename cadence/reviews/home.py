"""What review cycles put on the home page: reviews to write (with their deadline),
peers to nominate or approve, and results to read and acknowledge. Four queries,
whatever the number of reviews; every object comes through ``access``."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.home.registry import HomeItem, HomeSection, register_section
from cadence.people.display import name_shown
from cadence.people.models import Person
from cadence.reviews import access
from cadence.reviews.models import PeerNomination, Review, ReviewCycle, ReviewerType
from cadence.reviews.notifications import OPEN_STATES, assignment_label, day
from cadence.reviews.services.writing import WRITING_PHASES

SHOWN = 5
LIVE = (PeerNomination.State.PROPOSED, PeerNomination.State.APPROVED)


def _to_write(user: Actor) -> list[HomeItem]:
    group = _("Reviews to write")
    rows = list(
        access.assignments_of(user)
        .filter(state__in=OPEN_STATES, cycle__phase__in=WRITING_PHASES)
        .select_related("cycle", "review__reviewee")
        .order_by("cycle__writing_deadline", "type", "id")[: SHOWN + 1]
    )
    out = [
        HomeItem(
            _("Write %(review)s, due %(day)s")
            % {"review": assignment_label(user, a), "day": day(a.cycle.writing_deadline)},
            reverse("reviews:write", args=[a.pk]),
            group=group,
        )
        for a in rows[:SHOWN]
    ]
    if len(rows) > SHOWN:
        out.append(HomeItem(_("All your reviews to write"), reverse("reviews:index"), group=group))
    return out


def _to_nominate(user: Actor) -> list[HomeItem]:
    """My own reviews in a nomination phase with fewer live peers than the cycle asks."""
    group = _("Peers to nominate")
    rows = (
        access.reviews_received_by(user)
        .filter(state=Review.State.OPEN, cycle__phase=ReviewCycle.Phase.NOMINATION)
        .annotate(live=Count("nominations", filter=Q(nominations__state__in=LIVE)))
        .order_by("cycle__nomination_deadline", "id")
    )
    return [
        HomeItem(
            _("Nominate peers for your review (%(cycle)s)") % {"cycle": r.cycle.name},
            reverse("reviews:nomination_peers", args=[r.pk]),
            group=group,
        )
        for r in rows
        if ReviewerType.PEER in r.cycle.review_types and r.live < r.cycle.peers_min
    ]


def _to_approve(user: Actor, me: Person) -> list[HomeItem]:
    """Reviews whose manager review I write with peers proposed and not yet decided."""
    group = _("Peers to approve")
    rows = list(
        access.reviews_managed_by(user)
        .filter(manager=me, state=Review.State.OPEN)
        .annotate(
            proposed=Count(
                "nominations", filter=Q(nominations__state=PeerNomination.State.PROPOSED)
            )
        )
        .filter(proposed__gt=0)
        .order_by("cycle__approval_deadline", "reviewee__last_name", "id")[: SHOWN + 1]
    )
    out = [
        HomeItem(
            _("Approve the peers of %(name)s (%(cycle)s)")
            % {"name": name_shown(user, r.reviewee), "cycle": r.cycle.name},
            reverse("reviews:nomination_peers", args=[r.pk]),
            count=None,
            group=group,
        )
        for r in rows[:SHOWN]
    ]
    if len(rows) > SHOWN:
        out.append(HomeItem(_("All your reviews"), reverse("reviews:index"), group=group))
    return out


def _to_acknowledge(user: Actor) -> list[HomeItem]:
    group = _("Results to read")
    rows = access.reviews_received_by(user).filter(state=Review.State.RELEASED).order_by("-id")
    return [
        HomeItem(
            _("Read and acknowledge your review (%(cycle)s)") % {"cycle": r.cycle.name},
            reverse("reviews:results", args=[r.pk]),
            group=group,
        )
        for r in rows[:SHOWN]
    ]


def items(user: Actor, me: Person | None) -> list[HomeItem]:
    if me is None:
        return []
    return [*_to_write(user), *_to_nominate(user), *_to_approve(user, me), *_to_acknowledge(user)]


def register() -> None:
    register_section(
        HomeSection(key="reviews", title=gettext_lazy("Reviews"), order=35, items=items)
    )
