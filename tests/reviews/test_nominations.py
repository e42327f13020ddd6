"""360° nominations: the reviewee proposes, the manager side approves, removes or adds, a
nominee declines; guard rails, the load cap and suggestions; what each reader sees;
outsiders refused (docs/reviews.md, "Nominations")."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from cadence.people import services as people_services
from cadence.people.models import Person
from cadence.reviews.models import Assignment, PeerNomination, Review, ReviewCycle, ReviewerType
from cadence.reviews.services import nominations as services
from tests.conftest import Org, make_person
from tests.reviews.conftest import CycleFactory

Phase = ReviewCycle.Phase
API = "/api/v1/reviews"


@pytest.fixture
def colleagues(org: Org) -> list[Person]:
    """Four more engineers in Ann's team: enough peers to fill a cycle."""
    return [
        make_person(
            f"peer{i}.engineer@example.com",
            manager=org.eng_manager,
            department="Engineering/Platform",
        )
        for i in range(4)
    ]


@pytest.fixture
def review(org: Org, make_cycle: CycleFactory, colleagues: list[Person]) -> Review:
    """Ann's review in a cycle in its nomination phase: 2 to 4 peers, each person asked
    for at most 2 peer reviews."""
    cycle = make_cycle(
        [org.engineer, org.engineer2],
        phase=Phase.NOMINATION,
        peers_min=2,
        peers_max=4,
        peer_load_cap=2,
    )
    return Review.objects.select_related("cycle", "reviewee").get(
        cycle=cycle, reviewee=org.engineer
    )


def peers_url(review: Review) -> str:
    return reverse("reviews:nomination_peers", args=[review.pk])


def post_json(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def propose(org: Org, review: Review, person: Person) -> PeerNomination:
    return services.nomination_propose(actor=org.engineer.user, review=review, nominee=person)


# --- guard rails -------------------------------------------------------------------------


def refusal_of(org: Org, review: Review, person_id: int) -> dict:
    response = post_json(
        org.client_for(org.engineer), f"{API}/{review.pk}/nominations", {"nominee_id": person_id}
    )
    assert response.status_code == 422, response.content
    return response.json()


def test_the_reviewee_proposes_a_colleague(org: Org, review: Review, colleagues: list[Person]):
    response = post_json(
        org.client_for(org.engineer),
        f"{API}/{review.pk}/nominations",
        {"nominee_id": colleagues[0].pk},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "proposed"
    assert body["nominee_name"] == colleagues[0].full_name
    assert body["can_withdraw"] is True
    assert not Assignment.objects.filter(review=review, type=ReviewerType.PEER).exists()


def test_not_yourself(org: Org, review: Review):
    assert refusal_of(org, review, org.engineer.pk) == {
        "detail": "nominee: You cannot nominate yourself as a peer."
    }


def test_not_your_direct_manager(org: Org, review: Review):
    detail = refusal_of(org, review, org.eng_manager.pk)["detail"]
    assert detail == (
        f"nominee: {org.eng_manager.full_name} writes the manager review; "
        "choose a colleague instead."
    )


def test_not_whoever_writes_the_manager_review(org: Org, review: Review):
    # The manager review moved to the head of engineering (a manager change mid-cycle).
    Assignment.objects.filter(review=review, type=ReviewerType.MANAGER).update(
        state=Assignment.State.CLOSED
    )
    Assignment.objects.create(
        review=review, cycle=review.cycle, writer=org.eng_head, type=ReviewerType.MANAGER
    )
    assert "writes the manager review" in refusal_of(org, review, org.eng_head.pk)["detail"]


def test_not_a_direct_report(org: Org, make_cycle: CycleFactory):
    cycle = make_cycle([org.eng_manager], phase=Phase.NOMINATION, name="Managers")
    review = Review.objects.get(cycle=cycle)
    response = post_json(
        org.client_for(org.eng_manager),
        f"{API}/{review.pk}/nominations",
        {"nominee_id": org.engineer.pk},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"nominee: {org.engineer.full_name} reports to the reviewee and writes the upward review."
    )


def test_not_someone_who_left(org: Org, review: Review, colleagues: list[Person]):
    people_services.person_mark_left(actor=org.hr.user, person=colleagues[0])
    # The reviewee no longer finds them (404), and the service refuses them by name.
    response = post_json(
        org.client_for(org.engineer),
        f"{API}/{review.pk}/nominations",
        {"nominee_id": colleagues[0].pk},
    )
    assert response.status_code == 404
    gone = Person.objects.get(pk=colleagues[0].pk)
    with pytest.raises(services.ValidationError) as refused:
        services.nomination_add(actor=org.hr.user, review=review, nominee=gone)
    assert refused.value.message_dict == {
        "nominee": [f"{gone.full_name} has left the organisation."]
    }


def test_not_someone_already_nominated(org: Org, review: Review, colleagues: list[Person]):
    propose(org, review, colleagues[0])
    assert refusal_of(org, review, colleagues[0].pk) == {
        "detail": f"nominee: {colleagues[0].full_name} is already nominated."
    }


def test_not_more_than_peers_max(org: Org, review: Review, colleagues: list[Person]):
    for person in colleagues:  # peers_max = 4
        propose(org, review, person)
    assert refusal_of(org, review, org.seller.pk) == {
        "detail": "nominee: This review already has 4 peers, the most the cycle allows."
    }


def test_proposals_only_in_the_nomination_phase(org: Org, review: Review, colleagues):
    propose(org, review, colleagues[0])
    propose(org, review, colleagues[1])
    ReviewCycle.objects.filter(pk=review.cycle_id).update(phase=Phase.APPROVAL)
    assert refusal_of(org, review, colleagues[2].pk) == {
        "detail": "cycle: Peers are nominated during the cycle's nomination phase, now over."
    }


def test_the_reviewee_withdraws_a_proposal(org: Org, review: Review, colleagues):
    nomination = propose(org, review, colleagues[0])
    client = org.client_for(org.engineer)
    response = client.delete(f"{API}/{review.pk}/nominations/{nomination.pk}")
    assert response.status_code == 204
    assert not PeerNomination.objects.filter(pk=nomination.pk).exists()
    # …and may propose them again.
    assert propose(org, review, colleagues[0]).state == PeerNomination.State.PROPOSED


# --- load balancing -----------------------------------------------------------------------


def test_a_nominee_at_the_cap_is_refused_and_others_are_suggested(
    org: Org, review: Review, colleagues: list[Person]
):
    bob_review = Review.objects.get(cycle=review.cycle, reviewee=org.engineer2)
    busy = colleagues[0]
    services.nomination_propose(actor=org.engineer2.user, review=bob_review, nominee=busy)
    # Asked twice already: a proposal for Bob and a peer assignment of a third review.
    third = Review.objects.create(cycle=review.cycle, reviewee=org.seller)
    Assignment.objects.create(review=third, cycle=review.cycle, writer=busy, type=ReviewerType.PEER)
    assert refusal_of(org, review, busy.pk) == {
        "detail": f"nominee: {busy.full_name} has already been asked to write 2 peer reviews "
        "in this cycle, the most one person is asked for; choose someone with spare capacity."
    }
    response = org.client_for(org.engineer).get(f"{API}/{review.pk}/nominations/suggestions")
    assert response.status_code == 200
    suggested = [row["person_id"] for row in response.json()]
    assert busy.pk not in suggested
    assert org.engineer.pk not in suggested and org.eng_manager.pk not in suggested
    # Fewest nominations first: Bob (asked for none) before nobody busier.
    assert set(suggested) == {org.engineer2.pk, *[c.pk for c in colleagues[1:]]}
    assert all(row["peer_load"] == 0 for row in response.json())
    page = org.client_for(org.engineer).get(peers_url(review))
    assert "Colleagues with spare capacity" in page.content.decode()


def test_suggestions_put_the_least_asked_first(org: Org, review: Review, colleagues):
    bob_review = Review.objects.get(cycle=review.cycle, reviewee=org.engineer2)
    for person in colleagues[:3]:
        services.nomination_propose(actor=org.engineer2.user, review=bob_review, nominee=person)
    rows = org.client_for(org.engineer).get(f"{API}/{review.pk}/nominations/suggestions").json()
    assert [r["peer_load"] for r in rows] == sorted(r["peer_load"] for r in rows)
    assert rows[0]["peer_load"] == 0


def test_search_names_why_a_colleague_cannot_be_nominated(org: Org, review: Review):
    rows = (
        org.client_for(org.engineer)
        .get(f"{API}/{review.pk}/nominations/suggestions", {"q": "manager"})
        .json()
    )
    by_id = {r["person_id"]: r for r in rows}
    assert "writes the manager review" in by_id[org.eng_manager.pk]["refusal"]
    assert by_id[org.sales_manager.pk]["refusal"] is None
    page = org.client_for(org.engineer).get(peers_url(review), {"q": "manager"}).content.decode()
    assert "writes the manager review; choose a colleague instead." in page


# --- the manager side ---------------------------------------------------------------------


def test_the_manager_approves_and_the_peer_assignment_opens(org: Org, review: Review, colleagues):
    nomination = propose(org, review, colleagues[0])
    response = post_json(
        org.client_for(org.eng_manager),
        f"{API}/{review.pk}/nominations/{nomination.pk}/approve",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assignment = Assignment.objects.get(review=review, writer=colleagues[0], type="peer")
    assert assignment.state == Assignment.State.OPEN
    # Approving twice makes no second assignment and is refused by name.
    again = post_json(
        org.client_for(org.eng_manager),
        f"{API}/{review.pk}/nominations/{nomination.pk}/approve",
    )
    assert again.status_code == 422
    assert again.json() == {"detail": "nomination: Only a proposed peer can be approved."}
    assert Assignment.objects.filter(review=review, type="peer").count() == 1


def test_the_chain_above_and_hr_decide_too(org: Org, review: Review, colleagues):
    first, second = propose(org, review, colleagues[0]), propose(org, review, colleagues[1])
    url = f"{API}/{review.pk}/nominations/{{}}/approve"
    assert post_json(org.client_for(org.eng_head), url.format(first.pk)).status_code == 200
    assert post_json(org.client_for(org.hr), url.format(second.pk)).status_code == 200


def test_the_manager_removes_with_a_reason_the_reviewee_reads(org: Org, review: Review, colleagues):
    nomination = propose(org, review, colleagues[0])
    client = org.client_for(org.eng_manager)
    url = f"{API}/{review.pk}/nominations/{nomination.pk}/remove"
    missing = post_json(client, url, {"reason": "   "})
    assert missing.status_code == 422
    assert missing.json() == {"detail": "reason: Say why you remove this peer."}
    response = post_json(client, url, {"reason": "Works on another product."})
    assert response.status_code == 200
    assert response.json()["state"] == "removed"
    mine = org.client_for(org.engineer).get(f"{API}/{review.pk}/nominations").json()
    assert mine["nominations"][0]["reason"] == "Works on another product."
    # Removed: the reviewee may not propose them again.
    assert "was removed" in refusal_of(org, review, colleagues[0].pk)["detail"]


def test_removing_an_approved_peer_closes_their_assignment(org: Org, review: Review, colleagues):
    nomination = propose(org, review, colleagues[0])
    services.nomination_approve(actor=org.eng_manager.user, nomination=nomination)
    services.nomination_remove(actor=org.eng_manager.user, nomination=nomination, reason="Busy")
    assignment = Assignment.objects.get(review=review, writer=colleagues[0], type="peer")
    assert assignment.state == Assignment.State.CLOSED


def test_an_approved_peer_stays_once_writing_opens(org: Org, review: Review, colleagues):
    nomination = propose(org, review, colleagues[0])
    services.nomination_approve(actor=org.eng_manager.user, nomination=nomination)
    ReviewCycle.objects.filter(pk=review.cycle_id).update(phase=Phase.WRITING)
    response = post_json(
        org.client_for(org.eng_manager),
        f"{API}/{review.pk}/nominations/{nomination.pk}/remove",
        {"reason": "Changed my mind"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "nomination: An approved peer cannot be removed once writing has opened."
    }


def test_the_manager_adds_a_peer_approved_at_once(org: Org, review: Review):
    response = post_json(
        org.client_for(org.eng_manager),
        f"{API}/{review.pk}/nominations",
        {"nominee_id": org.seller.pk},
    )
    assert response.status_code == 201
    assert response.json()["state"] == "approved"
    assert Assignment.objects.filter(review=review, writer=org.seller, type="peer").exists()
    # The same guard rails: not the reviewee.
    refused = post_json(
        org.client_for(org.eng_manager),
        f"{API}/{review.pk}/nominations",
        {"nominee_id": org.engineer.pk},
    )
    assert refused.json() == {"detail": "nominee: The reviewee cannot review themselves as a peer."}


def test_the_pages_approve_all_and_remove(org: Org, review: Review, colleagues):
    for person in colleagues[:2]:
        propose(org, review, person)
    client = org.client_for(org.eng_manager)
    page = client.get(peers_url(review)).content.decode()
    assert "Approve all proposed" in page
    response = client.post(reverse("reviews:nomination_approve_all", args=[review.pk]))
    assert response.status_code == 302
    assert set(PeerNomination.objects.filter(review=review).values_list("state", flat=True)) == {
        "approved"
    }
    nomination = PeerNomination.objects.filter(review=review).first()
    assert nomination is not None
    client.post(
        reverse("reviews:nomination_remove", args=[review.pk, nomination.pk]), {"reason": ""}
    )
    assert PeerNomination.objects.get(pk=nomination.pk).state == "approved"
    client.post(
        reverse("reviews:nomination_remove", args=[review.pk, nomination.pk]),
        {"reason": "Moved teams"},
    )
    assert PeerNomination.objects.get(pk=nomination.pk).state == "removed"


def test_the_reviewee_page_proposes_and_withdraws(org: Org, review: Review, colleagues):
    client = org.client_for(org.engineer)
    page = client.get(peers_url(review)).content.decode()
    assert "Your peer reviewers" in page and "Nominate a colleague" in page
    assert "Approve" not in page
    response = client.post(
        reverse("reviews:nomination_propose", args=[review.pk]), {"nominee": colleagues[0].pk}
    )
    assert response.status_code == 302
    nomination = PeerNomination.objects.get(review=review)
    refused = client.post(
        reverse("reviews:nomination_propose", args=[review.pk]),
        {"nominee": org.engineer.pk},
        follow=True,
    )
    assert "You cannot nominate yourself as a peer." in refused.content.decode()
    client.post(reverse("reviews:nomination_withdraw", args=[review.pk, nomination.pk]))
    assert not PeerNomination.objects.filter(review=review).exists()


# --- declines -----------------------------------------------------------------------------


def approved(org: Org, review: Review, people: list[Person]) -> list[PeerNomination]:
    made = [propose(org, review, p) for p in people]
    for nomination in made:
        services.nomination_approve(actor=org.eng_manager.user, nomination=nomination)
    return made


def test_a_nominee_declines_and_the_slot_shows(org: Org, review: Review, colleagues):
    first, _second = approved(org, review, colleagues[:2])  # peers_min = 2
    ReviewCycle.objects.filter(pk=review.cycle_id).update(phase=Phase.WRITING)
    nominee = org.client_for(colleagues[0])
    asked = nominee.get(f"{API}/nominations/asked").json()
    assert [(r["id"], r["can_decline"]) for r in asked] == [(first.pk, True)]
    missing = post_json(nominee, f"{API}/nominations/{first.pk}/decline", {"reason": ""})
    assert missing.status_code == 422
    response = post_json(
        nominee, f"{API}/nominations/{first.pk}/decline", {"reason": "I barely work with Ann."}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "declined"
    assignment = Assignment.objects.get(review=review, writer=colleagues[0], type="peer")
    assert assignment.state == Assignment.State.DECLINED
    assert assignment.decline_reason == "I barely work with Ann."
    for person in (org.engineer, org.eng_manager):
        page = org.client_for(person).get(peers_url(review)).content.decode()
        assert "1 peer declined: choose another." in page
        assert "1 more approved peer is needed." in page
        listed = org.client_for(person).get(f"{API}/{review.pk}/nominations").json()
        assert (listed["declined_to_replace"], listed["needed"]) == (1, 1)
    # The manager side reads the reason; the reviewee does not.
    manager_rows = org.client_for(org.eng_manager).get(f"{API}/{review.pk}/nominations").json()
    assert "I barely work with Ann." in [r["reason"] for r in manager_rows["nominations"]]
    reviewee_page = org.client_for(org.engineer).get(peers_url(review)).content.decode()
    assert "I barely work with Ann." not in reviewee_page
    # In writing, the reviewee may propose a replacement, and the slot is filled.
    assert propose(org, review, colleagues[2]).state == "proposed"
    page = org.client_for(org.engineer).get(peers_url(review)).content.decode()
    assert "peer declined" not in page


def test_a_submitted_peer_review_cannot_be_declined(org: Org, review: Review, colleagues):
    (nomination,) = approved(org, review, colleagues[:1])
    Assignment.objects.filter(review=review, writer=colleagues[0]).update(
        state=Assignment.State.SUBMITTED
    )
    response = post_json(
        org.client_for(colleagues[0]),
        f"{API}/nominations/{nomination.pk}/decline",
        {"reason": "Too late"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "nomination: You have already submitted this review; it cannot be declined."
    }


def test_the_asked_page_declines(org: Org, review: Review, colleagues):
    (nomination,) = approved(org, review, colleagues[:1])
    client = org.client_for(colleagues[0])
    page = client.get(reverse("reviews:nomination_asked")).content.decode()
    assert org.engineer.full_name in page and "Decline" in page
    response = client.post(
        reverse("reviews:nomination_decline", args=[nomination.pk]), {"reason": "On leave"}
    )
    assert response.status_code == 302
    assert PeerNomination.objects.get(pk=nomination.pk).state == "declined"


# --- anonymity ----------------------------------------------------------------------------


def without_tokens(html: str) -> str:
    """The page less what changes on every request (CSP nonces, CSRF tokens)."""
    html = re.sub(r'nonce="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_reviewee_never_learns_who_has_written(org: Org, review: Review, colleagues):
    approved(org, review, colleagues[:3])
    ReviewCycle.objects.filter(pk=review.cycle_id).update(phase=Phase.WRITING)
    client = org.client_for(org.engineer)
    before_api = client.get(f"{API}/{review.pk}/nominations").json()
    before_page = client.get(peers_url(review)).content.decode()
    # One peer writes a draft, another submits.
    Assignment.objects.filter(review=review, writer=colleagues[0]).update(
        state=Assignment.State.DRAFT
    )
    Assignment.objects.filter(review=review, writer=colleagues[1]).update(
        state=Assignment.State.SUBMITTED
    )
    assert client.get(f"{API}/{review.pk}/nominations").json() == before_api
    after_page = client.get(peers_url(review)).content.decode()
    assert without_tokens(after_page) == without_tokens(before_page)
    for word in ("Submitted", "Draft saved", "submitted_at", "written"):
        assert word not in json.dumps(before_api)


# --- outsiders ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["seller", "engineer2", "sales_manager"])
def test_outsiders_cannot_open_a_review_s_peers(org: Org, review: Review, who: str, colleagues):
    nomination = propose(org, review, colleagues[0])
    client = org.client_for(getattr(org, who))
    assert client.get(peers_url(review)).status_code == 404
    assert client.get(f"{API}/{review.pk}/nominations").status_code == 404
    assert client.get(f"{API}/{review.pk}/nominations/suggestions").status_code == 404
    assert (
        post_json(
            client, f"{API}/{review.pk}/nominations", {"nominee_id": org.seller.pk}
        ).status_code
        == 404
    )
    assert (
        post_json(client, f"{API}/{review.pk}/nominations/{nomination.pk}/approve").status_code
        == 404
    )
    assert client.post(reverse("reviews:nomination_propose", args=[review.pk])).status_code == 404
    assert (
        client.post(
            reverse("reviews:nomination_approve", args=[review.pk, nomination.pk])
        ).status_code
        == 404
    )
    # Nobody but the nominee declines.
    assert (
        post_json(client, f"{API}/nominations/{nomination.pk}/decline", {"reason": "x"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("reviews:nomination_decline", args=[nomination.pk]), {"reason": "x"}
        ).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(org: Org, review: Review, colleagues):
    nomination = propose(org, review, colleagues[0])
    client = Client()
    page = client.get(peers_url(review))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert client.get(reverse("reviews:nomination_asked")).status_code == 302
    assert client.get(f"{API}/{review.pk}/nominations").status_code == 401
    assert client.get(f"{API}/nominations/asked").status_code == 401
    assert (
        post_json(client, f"{API}/nominations/{nomination.pk}/decline", {"reason": "x"}).status_code
        == 401
    )


def test_the_reviewee_may_not_decide_and_the_manager_may_not_propose_for_them(
    org: Org, review: Review, colleagues
):
    nomination = propose(org, review, colleagues[0])
    reviewee = org.client_for(org.engineer)
    assert (
        post_json(reviewee, f"{API}/{review.pk}/nominations/{nomination.pk}/approve").status_code
        == 403
    )
    assert (
        reviewee.post(
            reverse("reviews:nomination_approve", args=[review.pk, nomination.pk])
        ).status_code
        == 403
    )
    assert reviewee.post(reverse("reviews:nomination_add", args=[review.pk])).status_code == 403
    manager = org.client_for(org.eng_manager)
    assert manager.delete(f"{API}/{review.pk}/nominations/{nomination.pk}").status_code == 403
    assert manager.post(reverse("reviews:nomination_propose", args=[review.pk])).status_code == 403


def test_a_draft_cycle_s_review_is_missing(org: Org, make_cycle: CycleFactory):
    cycle = make_cycle([org.engineer], phase=Phase.DRAFT, name="Draft")
    review = Review.objects.get(cycle=cycle)
    assert org.client_for(org.engineer).get(peers_url(review)).status_code == 404


def test_the_peers_page_s_queries_do_not_grow(
    org: Org, review: Review, colleagues, django_assert_max_num_queries
):
    client = org.client_for(org.eng_manager)
    propose(org, review, colleagues[0])
    with django_assert_max_num_queries(30) as first:
        client.get(peers_url(review))
    for person in colleagues[1:]:
        propose(org, review, person)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(peers_url(review))


# --- the published document --------------------------------------------------------------


def test_every_nomination_operation_matches_the_published_document(
    org: Org, review: Review, colleagues
):
    """tests/test_openapi.py's check for this part's operations (its shared world has no
    review cycle yet): each answers with success once, as documented."""
    from tests.test_openapi import operation_of, validator

    document = Client().get("/api/v1/openapi.json").json()
    reviewee, manager = org.client_for(org.engineer), org.client_for(org.eng_manager)
    kept = propose(org, review, colleagues[0])
    withdrawn = propose(org, review, colleagues[1])
    removed = propose(org, review, colleagues[2])
    base = f"/reviews/{review.pk}/nominations"
    steps = [
        (reviewee, "GET", base, None),
        (reviewee, "GET", f"{base}/suggestions?q=engineer", None),
        (reviewee, "POST", base, {"nominee_id": colleagues[3].pk}),
        (reviewee, "DELETE", f"{base}/{withdrawn.pk}", None),
        (manager, "POST", f"{base}/{kept.pk}/approve", None),
        (manager, "POST", f"{base}/{removed.pk}/remove", {"reason": "Another team"}),
        (org.client_for(colleagues[0]), "GET", "/reviews/nominations/asked", None),
        (
            org.client_for(colleagues[0]),
            "POST",
            f"/reviews/nominations/{kept.pk}/decline",
            {"reason": "On leave"},
        ),
    ]
    succeeded = set()
    for client, method, path, body in steps:
        response = client.generic(
            method,
            "/api/v1" + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
        )
        assert 200 <= response.status_code < 300, (method, path, response.content)
        template, operation = operation_of(document, method, path.split("?")[0])
        succeeded.add((method.lower(), template))
        content = operation["responses"][str(response.status_code)].get("content")
        if content is None:
            assert not response.content
            continue
        schema = content["application/json"]["schema"]
        assert not list(validator(document, schema).iter_errors(response.json())), path
    mine = {(m, p) for p, ops in document["paths"].items() for m in ops if "/nominations" in p}
    assert mine == succeeded
