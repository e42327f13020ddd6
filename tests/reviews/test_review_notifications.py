"""Review cycles through the notification system: each event reaches the right people
only, the reminder sweeps tell nobody twice, the reviewee learns nothing of their
peers, HR's nudge reminds each late writer once a day, and the home page's review
items lead to pages their reader may open."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadence.home.registry import sections
from cadence.notifications import rendering
from cadence.notifications.models import Notification
from cadence.people.models import Person
from cadence.reviews import notifications as review_notifications
from cadence.reviews import reminders
from cadence.reviews.home import items as home_items
from cadence.reviews.models import Assignment, PeerNomination, Review, ReviewCycle, ReviewerType
from cadence.reviews.nudges import NUDGE
from cadence.reviews.services import cycles as cycle_services
from cadence.reviews.services import nominations as nomination_services
from cadence.reviews.services import results as result_services
from tests.conftest import Org, make_person
from tests.reviews.conftest import CycleFactory

Phase = ReviewCycle.Phase


@pytest.fixture(autouse=True)
def _awake(settings) -> None:
    settings.CADENCE_REMINDER_HOURS = (0, 24)  # whatever the hour of the run


@pytest.fixture
def peers(org: Org) -> list[Person]:
    return [
        make_person(f"rn.peer{i}@example.com", manager=org.sales_manager, department="Sales")
        for i in range(3)
    ]


def told(kind: str) -> dict[int, int]:
    """{recipient id: how many} of ``kind``."""
    out: dict[int, int] = {}
    for recipient in Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True):
        out[recipient] = out.get(recipient, 0) + 1
    return out


def texts_of(person: Person) -> list[str]:
    mine = Notification.objects.filter(recipient=person).select_related("actor")
    return [item.text for item in rendering.render(person.user, list(mine))]


def test_entering_writing_opens_each_assignment_to_its_writer_once(
    org: Org, make_cycle: CycleFactory, peers: list[Person]
):
    cycle = make_cycle([org.engineer], peers={org.engineer: peers[:2]}, phase=Phase.APPROVAL)
    cycle_services.cycle_advance(actor=org.hr.user, cycle=cycle, phase=Phase.WRITING)

    opened = told(review_notifications.ASSIGNMENT_OPENED)
    assert opened == {org.engineer.pk: 1, org.eng_manager.pk: 1, peers[0].pk: 1, peers[1].pk: 1}
    # Late joiners in the writing phase (everyone: the criteria are empty) tell only
    # the writers of the new assignments: one notification per assignment, ever.
    cycle.refresh_from_db()
    cycle_services.cycle_add_late_joiners(actor=org.hr.user, cycle=cycle)
    self_review = Assignment.objects.get(review__reviewee=org.engineer, type=ReviewerType.SELF)
    kind = review_notifications.ASSIGNMENT_OPENED
    assert Notification.objects.filter(kind=kind, target_id=self_review.pk).count() == 1
    assert Notification.objects.filter(kind=kind).count() == (
        Assignment.objects.filter(cycle=cycle).count()
    )
    assert (
        f"You can now write the peer review of {org.engineer.full_name} "
        f"(FY2027 annual review), due {review_notifications.day(cycle.writing_deadline)}."
    ) in texts_of(peers[1])
    # Ann hears of her own self-review, and of nobody who writes about her.
    ann = texts_of(org.engineer)
    assert any("your self-review" in text for text in ann)
    for text in ann:
        assert all(p.full_name not in text for p in peers)


def test_a_peer_approved_during_writing_is_told(
    org: Org, make_cycle: CycleFactory, peers: list[Person]
):
    cycle = make_cycle([org.engineer], phase=Phase.WRITING, peers_min=1)
    review = Review.objects.get(cycle=cycle)
    nomination_services.nomination_add(actor=org.eng_manager.user, review=review, nominee=peers[0])
    assert told(review_notifications.ASSIGNMENT_OPENED) == {peers[0].pk: 1}


def test_nomination_events_reach_the_other_side_only(
    org: Org, make_cycle: CycleFactory, peers: list[Person]
):
    cycle = make_cycle([org.engineer], phase=Phase.NOMINATION, peers_min=2)
    review_notifications.nominations_open(cycle)
    assert told(review_notifications.NOMINATE) == {org.engineer.pk: 1}

    review = Review.objects.select_related("cycle", "reviewee").get(cycle=cycle)
    for peer in peers[:2]:
        nomination_services.nomination_propose(actor=org.engineer.user, review=review, nominee=peer)
    # Two proposals the same day ask the manager once.
    assert told(review_notifications.APPROVE) == {org.eng_manager.pk: 1}

    nomination = PeerNomination.objects.get(review=review, nominee=peers[0])
    nomination_services.nomination_approve(actor=org.eng_manager.user, nomination=nomination)
    nomination = PeerNomination.objects.get(pk=nomination.pk)
    nomination_services.nomination_decline(
        actor=peers[0].user, nomination=nomination, reason="On leave all month"
    )
    assert told(review_notifications.DECLINED) == {org.eng_manager.pk: 1}
    manager_text = texts_of(org.eng_manager)
    assert any(peers[0].full_name in t and "declined" in t for t in manager_text)
    # The reviewee hears of nothing a peer did: no names, no decline.
    for text in texts_of(org.engineer):
        assert all(p.full_name not in text for p in peers)
        assert "declined" not in text


def test_release_tells_the_reviewee(org: Org, make_cycle: CycleFactory):
    cycle = make_cycle([org.engineer, org.engineer2], phase=Phase.CALIBRATION)
    review = Review.objects.get(cycle=cycle, reviewee=org.engineer)
    result_services.release(actor=org.hr.user, reviews=[review])
    assert told(review_notifications.RELEASED) == {org.engineer.pk: 1}
    [item] = rendering.render(
        org.engineer.user,
        list(Notification.objects.filter(recipient=org.engineer).select_related("actor")),
    )
    assert item.url == reverse("reviews:results", args=[review.pk])
    assert org.engineer.user and Client().get(item.url).status_code == 302  # signed out
    assert org.client_for(org.engineer).get(item.url).status_code == 200


def _noon() -> datetime.datetime:
    return timezone.now()


def test_due_soon_reminders_once_per_assignment_and_deadline(
    org: Org, make_cycle: CycleFactory, peers: list[Person]
):
    today = timezone.localdate()
    cycle = make_cycle(
        [org.engineer],
        peers={org.engineer: peers[:1]},
        writing_deadline=today + datetime.timedelta(days=2),
        reminder_days_before=3,
    )
    submitted = Assignment.objects.get(cycle=cycle, type=ReviewerType.SELF)
    Assignment.objects.filter(pk=submitted.pk).update(state=Assignment.State.SUBMITTED)

    first = reminders.review_reminders(_noon())
    assert first == 2
    assert told(reminders.DUE_SOON) == {org.eng_manager.pk: 1, peers[0].pk: 1}
    assert reminders.review_reminders(_noon()) == 0
    # A deadline HR moves starts a new round.
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        writing_deadline=today + datetime.timedelta(days=1)
    )
    assert reminders.review_reminders(_noon()) == 2


def test_not_reminded_before_the_window(org: Org, make_cycle: CycleFactory):
    make_cycle(
        [org.engineer],
        writing_deadline=timezone.localdate() + datetime.timedelta(days=10),
        reminder_days_before=3,
    )
    assert reminders.review_reminders(_noon()) == 0
    assert reminders.review_escalations(_noon()) == 0


def test_overdue_reminds_then_escalates_without_naming_the_reviewee(
    org: Org, make_cycle: CycleFactory, peers: list[Person]
):
    cycle = make_cycle(
        [org.eng_manager],
        peers={org.eng_manager: peers[:1]},
        writing_deadline=timezone.localdate() - datetime.timedelta(days=5),
        escalate_after_days=3,
    )
    assert reminders.review_reminders(_noon()) > 0
    overdue = told(reminders.OVERDUE)
    assert overdue[peers[0].pk] == 1 and overdue[org.engineer.pk] == 1
    assert reminders.review_reminders(_noon()) == 0

    assert reminders.review_escalations(_noon()) > 0
    escalated = told(reminders.ESCALATED)
    # The peer's manager learns their report owes a review — of whom, never.
    assert escalated[org.sales_manager.pk] == 1
    [text] = texts_of(org.sales_manager)
    assert peers[0].full_name in text
    assert org.eng_manager.full_name not in text
    # The upward writers' manager is the reviewee: told nothing about who has written.
    assert org.eng_manager.pk not in escalated
    assert not Notification.objects.filter(
        recipient=org.eng_manager, kind=reminders.ESCALATED
    ).exists()
    assert reminders.review_escalations(_noon()) == 0
    assert cycle.pk


def test_the_reviewee_learns_nothing_of_peers_through_any_notification(
    org: Org, make_cycle: CycleFactory, peers: list[Person]
):
    cycle = make_cycle(
        [org.engineer],
        peers={org.engineer: peers},
        writing_deadline=timezone.localdate() - datetime.timedelta(days=9),
        escalate_after_days=1,
    )
    reminders.review_reminders(_noon())
    reminders.review_escalations(_noon())
    review_notifications.assignments_opened(cycle)
    mine = Notification.objects.filter(recipient=org.engineer)
    assert {n.kind for n in mine} <= {reminders.OVERDUE, review_notifications.ASSIGNMENT_OPENED}
    for n in mine:
        assert n.actor_id is None
    for text in texts_of(org.engineer):
        assert all(p.full_name not in text for p in peers)


def nudge_url(cycle: ReviewCycle) -> str:
    return f"/api/v1/reviews/cycles/{cycle.pk}/nudge"


def test_nudge_everyone_late_once_a_day(org: Org, make_cycle: CycleFactory, peers: list[Person]):
    cycle = make_cycle(
        [org.engineer, org.engineer2],
        peers={org.engineer: peers[:1], org.engineer2: peers[:1]},
        writing_deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    Assignment.objects.filter(cycle=cycle, writer=org.engineer2, type=ReviewerType.SELF).update(
        state=Assignment.State.SUBMITTED
    )
    hr = org.client_for(org.hr)
    response = hr.post(nudge_url(cycle))
    assert response.status_code == 200
    # Ann (self + upward? no reports), Bob (upward none, self submitted: nothing),
    # the manager (two manager reviews: one reminder), the peer (two: one reminder).
    nudged = told(NUDGE)
    assert nudged == {org.engineer.pk: 1, org.eng_manager.pk: 1, peers[0].pk: 1}
    assert response.json() == {"reminded": 3}
    assert hr.post(nudge_url(cycle)).json() == {"reminded": 0}
    assert told(NUDGE) == nudged


def test_nudge_refusals(org: Org, make_cycle: CycleFactory):
    cycle = make_cycle([org.engineer])  # deadline in two weeks
    hr = org.client_for(org.hr)
    early = hr.post(nudge_url(cycle))
    assert early.status_code == 422
    assert "writing deadline" in early.json()["detail"]
    assert org.client_for(org.engineer).post(nudge_url(cycle)).status_code == 403
    assert org.client_for(org.eng_manager).post(nudge_url(cycle)).status_code == 403
    assert Client().post(nudge_url(cycle)).status_code == 401


def test_nudge_button_on_the_cycle_page(org: Org, make_cycle: CycleFactory):
    cycle = make_cycle(
        [org.engineer], writing_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    hr = org.client_for(org.hr)
    page = hr.get(reverse("reviews:cycle_detail", args=[cycle.pk]))
    assert "Nudge everyone late" in page.content.decode()
    url = reverse("reviews:cycle_nudge", args=[cycle.pk])
    response = hr.post(url, follow=True)
    assert response.status_code == 200
    assert "late writers reminded" in response.content.decode()
    assert told(NUDGE) == {org.engineer.pk: 1, org.eng_manager.pk: 1}
    assert org.client_for(org.engineer).post(url).status_code == 403
    assert org.client_for(org.engineer).get(url).status_code == 405


def test_home_items_lead_to_pages_their_reader_may_open(
    org: Org, make_cycle: CycleFactory, peers: list[Person]
):
    writing = make_cycle([org.engineer], peers={org.engineer: peers[:1]}, name="Writing now")
    nominating = make_cycle(
        [org.engineer2], phase=Phase.NOMINATION, name="Nominating now", peers_min=1
    )
    released = make_cycle([org.seller], phase=Phase.ACKNOWLEDGEMENT, name="Done")
    Review.objects.filter(cycle=released).update(
        state=Review.State.RELEASED, released_at=timezone.now()
    )
    bob_review = Review.objects.get(cycle=nominating)
    nomination_services.nomination_propose(
        actor=org.engineer2.user, review=bob_review, nominee=peers[2]
    )
    nominating_ann = Review.objects.create(
        cycle=nominating, reviewee=org.engineer, manager=org.eng_manager
    )
    assert nominating_ann.pk and writing.pk

    def texts(person: Person) -> dict[str, str]:
        return {i.text: i.url for i in home_items(person.user, person)}

    ann = texts(org.engineer)
    assert any(t.startswith("Write your self-review (Writing now)") for t in ann)
    assert "Nominate peers for your review (Nominating now)" in ann
    manager = texts(org.eng_manager)
    assert any(
        t.startswith(f"Write the manager review of {org.engineer.full_name}") for t in manager
    )
    assert f"Approve the peers of {org.engineer2.full_name} (Nominating now)" in manager
    assert texts(peers[0]) and all("peer review" in t for t in texts(peers[0]))
    assert "Read and acknowledge your review (Done)" in texts(org.seller)
    # Bob has proposed his one peer: nothing left to nominate.
    assert not any("Nominate" in t for t in texts(org.engineer2))

    for person in (org.engineer, org.eng_manager, peers[0], org.seller):
        client = org.client_for(person)
        for text, url in texts(person).items():
            assert client.get(url).status_code == 200, (person, text, url)
    # Someone else following Ann's item is refused.
    ann_write = next(u for t, u in ann.items() if "self-review" in t)
    assert org.client_for(org.engineer2).get(ann_write).status_code == 404
    assert "reviews" in [s.key for s in sections()]


def test_nomination_and_approval_reminders_before_their_deadlines(
    org: Org, make_cycle: CycleFactory, peers: list[Person]
):
    today = timezone.localdate()
    cycle = make_cycle(
        [org.engineer, org.seller],
        phase=Phase.NOMINATION,
        peers_min=2,
        nomination_deadline=today + datetime.timedelta(days=2),
        approval_deadline=today + datetime.timedelta(days=3),
        reminder_days_before=3,
    )
    ann = Review.objects.get(cycle=cycle, reviewee=org.engineer)
    sam = Review.objects.get(cycle=cycle, reviewee=org.seller)
    # Sam has proposed enough peers (awaiting his manager); Ann only one.
    PeerNomination.objects.create(review=ann, nominee=org.engineer2)
    for peer in peers[:2]:
        PeerNomination.objects.create(review=sam, nominee=peer)

    assert reminders.nomination_reminders(_noon()) == 3
    assert told(reminders.NOMINATE_DUE) == {org.engineer.pk: 1}
    assert told(reminders.APPROVE_DUE) == {org.eng_manager.pk: 1, org.sales_manager.pk: 1}
    assert any("nominate at least 2 peers" in t for t in texts_of(org.engineer))
    # Once per review and deadline.
    assert reminders.nomination_reminders(_noon()) == 0
    # Decided peers are no longer reminded of; a reviewee with enough is not either.
    PeerNomination.objects.filter(review=sam).update(state=PeerNomination.State.APPROVED)
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        approval_deadline=today + datetime.timedelta(days=2)
    )
    assert reminders.nomination_reminders(_noon()) == 1  # Ann's manager: a new deadline
    assert told(reminders.APPROVE_DUE)[org.sales_manager.pk] == 1


def test_no_nomination_reminder_outside_the_window_or_phase(org: Org, make_cycle: CycleFactory):
    today = timezone.localdate()
    make_cycle(
        [org.engineer],
        phase=Phase.NOMINATION,
        nomination_deadline=today + datetime.timedelta(days=9),
        approval_deadline=today + datetime.timedelta(days=12),
        reminder_days_before=3,
    )
    make_cycle(
        [org.seller],
        name="Writing already",
        nomination_deadline=today + datetime.timedelta(days=1),
        approval_deadline=today + datetime.timedelta(days=1),
    )
    assert reminders.nomination_reminders(_noon()) == 0
