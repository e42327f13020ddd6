"""The review form's evidence of the reviewee's development plan: the items worked on in
the cycle's period, read through the development area's rules as the writer — the
reviewee and their manager chain (and HR) see them; a peer or an upward writer sees no
trace of the plan, unless those rules already let them read it."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cadence.development import services as development
from cadence.development.models import DevelopmentItem
from cadence.people.models import Person
from cadence.planning.models import PerformancePeriod
from cadence.reviews.models import Assignment, ReviewCycle, ReviewerType
from tests.conftest import Org

CARD = "evidence-development-plan"  # the card's class
OPEN = "Public speaking"
DONE = "Incident command"
EVIDENCE = "Ran the October outage call end to end."
DONE_BEFORE = "Touch typing"
DROPPED = "Kotlin"
LATER = "Rust"


def form(org: Org, cycle: ReviewCycle, writer: Person, kind: str) -> str:
    assignment = Assignment.objects.get(cycle=cycle, writer=writer, type=kind)
    response = org.client_for(writer).get(reverse("reviews:write", args=[assignment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def plan_of(org: Org, person: Person, period: PerformancePeriod) -> None:
    """One item of each kind the period's filter separates: open (two actions, one done),
    done in the period (with its evidence), done before it began, dropped, and one added
    after the period ended."""
    today = timezone.localdate()
    manager = person.manager
    assert manager is not None
    actor = manager.user

    def add(skill: str) -> DevelopmentItem:
        return development.item_add(
            actor=actor, person=person, skill=skill, due_on=today + datetime.timedelta(days=20)
        )

    speaking = add(OPEN)
    development.item_update(actor=actor, item=speaking, status="in_progress")
    first = development.action_add(actor=actor, item=speaking, kind="course", description="Course")
    development.action_add(actor=actor, item=speaking, kind="mentoring", description="Mentor")
    development.action_update(actor=actor, action=first, done=True)
    development.item_update(actor=actor, item=add(DONE), status="done", evidence=EVIDENCE)
    before = add(DONE_BEFORE)
    development.item_update(actor=actor, item=before, status="done", evidence="Typed a lot.")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    DevelopmentItem.objects.filter(pk=before.pk).update(
        created_at=long_ago, completed_at=long_ago + datetime.timedelta(days=10)
    )
    development.item_update(actor=actor, item=add(DROPPED), status="dropped")
    later = add(LATER)
    DevelopmentItem.objects.filter(pk=later.pk).update(
        created_at=timezone.now() + datetime.timedelta(days=(period.ends_on - today).days + 5)
    )


def test_the_reviewee_and_their_manager_read_the_items_of_the_period(
    org: Org, make_cycle, period: PerformancePeriod
) -> None:
    cycle = make_cycle([org.engineer])
    plan_of(org, org.engineer, period)
    for writer, kind in (
        (org.engineer, ReviewerType.SELF),
        (org.eng_manager, ReviewerType.MANAGER),
    ):
        page = form(org, cycle, writer, kind)
        assert CARD in page, kind
        assert OPEN in page and "1 of 2 actions done" in page and "devp-status-in_progress" in page
        assert DONE in page and EVIDENCE in page
        for left_out in (DONE_BEFORE, DROPPED, LATER):
            assert left_out not in page, (kind, left_out)
        assert page.count('class="evidence-development"') == 2


def test_peer_and_upward_writers_see_no_trace_of_the_plan(
    org: Org, make_cycle, period: PerformancePeriod
) -> None:
    # The engineer is reviewed by a peer of the team and one of another team; their
    # manager by the manager's two reports (upward).
    cycle = make_cycle(
        [org.engineer, org.eng_manager], peers={org.engineer: [org.engineer2, org.seller]}
    )
    plan_of(org, org.engineer, period)
    plan_of(org, org.eng_manager, period)
    for writer in (org.engineer2, org.seller):
        page = form(org, cycle, writer, ReviewerType.PEER)
        assert CARD not in page and OPEN not in page and DONE not in page, writer
    for writer in (org.engineer, org.engineer2):
        assignment = Assignment.objects.get(
            cycle=cycle, writer=writer, type=ReviewerType.UPWARD, review__reviewee=org.eng_manager
        )
        response = org.client_for(writer).get(reverse("reviews:write", args=[assignment.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert CARD not in page and OPEN not in page and EVIDENCE not in page, writer


def test_a_peer_whom_the_development_rules_let_read_sees_the_plan(
    org: Org, make_cycle, period: PerformancePeriod
) -> None:
    """HR admins read everyone's development plan, and the manager's manager their
    line's: asked as peers, their form shows what they could open anyway."""
    cycle = make_cycle([org.engineer], peers={org.engineer: [org.hr, org.eng_head]})
    plan_of(org, org.engineer, period)
    for writer in (org.hr, org.eng_head):
        page = form(org, cycle, writer, ReviewerType.PEER)
        assert CARD in page and OPEN in page and EVIDENCE in page, writer


def test_an_empty_plan_says_so_to_those_who_may_read_it(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.engineer], peers={org.engineer: [org.engineer2]})
    manager = form(org, cycle, org.eng_manager, ReviewerType.MANAGER)
    assert CARD in manager and "No development items in the period." in manager
    peer = form(org, cycle, org.engineer2, ReviewerType.PEER)
    assert "No development items in the period." not in peer
