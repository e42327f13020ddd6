"""HR's cycle dashboard (page and API): the figures of a small cycle by phase, reviewer
type, department and manager, late writers past the deadline, a query count that does
not grow with the cycle, managers page by page, outsiders refused, and the nudge that
comes back to the dashboard."""

import datetime
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.accounts.models import User
from cadence.reviews import queries_dashboard
from cadence.reviews.models import Assignment, PeerNomination, Review, ReviewCycle, ReviewerType
from tests.conftest import Org
from tests.reviews.conftest import CycleFactory

S = Assignment.State
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh_figures() -> Iterator[None]:
    # The dashboard keeps its figures; every test counts its own.
    cache.clear()
    yield
    cache.clear()


def page_url(cycle: ReviewCycle) -> str:
    return reverse("reviews:cycle_dashboard", args=[cycle.pk])


def api_url(cycle: ReviewCycle) -> str:
    return f"/api/v1/reviews/cycles/{cycle.pk}/dashboard"


def set_state(cycle: ReviewCycle, writer: Any, kind: str, state: str, reviewee: Any) -> None:
    changed = Assignment.objects.filter(
        cycle=cycle, writer=writer, type=kind, review__reviewee=reviewee
    ).update(state=state)
    assert changed == 1


@pytest.fixture
def late_cycle(org: Org, make_cycle: CycleFactory) -> ReviewCycle:
    """Five reviewees in two departments under four managers, the writing deadline two
    days ago:

    Engineering/Platform — Ann (manager review by Eng Manager), Bob (Eng Manager),
    Eng Manager (reviewed by Eng Head, upward by Ann and Bob); Sales/Enterprise — Sam
    (Sales Manager), Sales Manager (Sales Head, upward by Sam). Ann has two peers."""
    o = org
    cycle = make_cycle(
        [o.engineer, o.engineer2, o.seller, o.eng_manager, o.sales_manager],
        peers={o.engineer: [o.engineer2, o.seller]},
        writing_deadline=TODAY - datetime.timedelta(days=2),
    )
    set_state(cycle, o.engineer, ReviewerType.SELF, S.SUBMITTED, o.engineer)
    set_state(cycle, o.eng_manager, ReviewerType.MANAGER, S.DRAFT, o.engineer)
    set_state(cycle, o.engineer2, ReviewerType.PEER, S.DECLINED, o.engineer)
    set_state(cycle, o.seller, ReviewerType.PEER, S.SUBMITTED, o.engineer)
    set_state(cycle, o.engineer2, ReviewerType.SELF, S.SUBMITTED, o.engineer2)
    set_state(cycle, o.seller, ReviewerType.SELF, S.SUBMITTED, o.seller)
    set_state(cycle, o.sales_manager, ReviewerType.MANAGER, S.SUBMITTED, o.seller)
    set_state(cycle, o.engineer, ReviewerType.UPWARD, S.DRAFT, o.eng_manager)
    return cycle


def completion(row: dict[str, Any]) -> tuple[int, ...]:
    return (row["submitted"], row["draft"], row["to_write"], row["total"], row["late"])


def test_the_figures_of_a_small_cycle(org: Org, late_cycle: ReviewCycle) -> None:
    response = org.client_for(org.hr).get(api_url(late_cycle), {"page_size": 10})
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["phase"] == {
        "phase": "writing",
        "deadline": (TODAY - datetime.timedelta(days=2)).isoformat(),
        "deadline_passed": True,
        "late_counted": True,
    }
    assert out["reviews"]["total"] == 5
    assert out["reviews"]["open"] == 5
    assert out["nominations"] is None
    by_type = {row["type"]: row for row in out["by_type"]}
    # (submitted, draft, to write, expected, late)
    assert completion(by_type["self"]) == (3, 0, 2, 5, 2)
    assert completion(by_type["manager"]) == (1, 1, 3, 5, 4)
    assert completion(by_type["peer"]) == (1, 0, 0, 1, 0)
    assert by_type["peer"]["declined"] == 1
    assert completion(by_type["upward"]) == (0, 1, 2, 3, 3)
    assert completion(out["total"]) == (5, 2, 7, 14, 9)
    assert out["total"]["percent_complete"] == 36

    departments = {row["department"]: row for row in out["departments"]}
    assert set(departments) == {"Engineering/Platform", "Sales/Enterprise"}
    platform, enterprise = departments["Engineering/Platform"], departments["Sales/Enterprise"]
    assert (platform["reviews"], *completion(platform)) == (3, 3, 2, 4, 9, 6)
    assert platform["percent_complete"] == 33
    assert platform["declined"] == 1
    assert (enterprise["reviews"], *completion(enterprise)) == (2, 2, 0, 3, 5, 3)
    assert enterprise["percent_complete"] == 40

    managers = out["managers"]["items"]
    assert out["managers"]["next"] is None
    # Most late first: Eng Head (4), Sales Head (3), Eng Manager (2), Sales Manager (0).
    assert [m["manager_id"] for m in managers] == [
        org.eng_head.pk,
        org.sales_head.pk,
        org.eng_manager.pk,
        org.sales_manager.pk,
    ]
    assert [(m["reviews"], m["late"]) for m in managers] == [(1, 4), (1, 3), (2, 2), (1, 0)]
    assert completion(managers[2]) == (3, 1, 1, 5, 2)
    assert managers[0]["manager"] == org.eng_head.full_name


def test_the_page_shows_the_same_figures_and_names_no_writer(
    org: Org, late_cycle: ReviewCycle
) -> None:
    response = org.client_for(org.hr).get(page_url(late_cycle))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Completion by department" in html
    assert "Engineering/Platform" in html and "Sales/Enterprise" in html
    assert "3 of 9" in html and "33%" in html and "2 of 5" in html
    # Managers link to their profile in the people area.
    assert reverse("people:person", args=[org.eng_head.pk]) in html
    assert html.index(org.eng_head.full_name) < html.index(org.sales_manager.full_name)
    # No row per writer: Bob and Sam write (and Sam is a peer) but manage nobody here.
    assert org.engineer2.full_name not in html
    assert org.seller.full_name not in html
    assert "Nudge everyone late" in html
    assert '<svg class="health-bar"' in html


def test_nothing_is_late_before_the_deadline_nor_in_a_closed_review(
    org: Org, make_cycle: CycleFactory
) -> None:
    early = make_cycle([org.engineer], name="Early")
    out = org.client_for(org.hr).get(api_url(early)).json()
    assert out["phase"]["late_counted"] is False
    assert out["total"]["late"] == 0 and out["total"]["to_write"] == 2
    page = org.client_for(org.hr).get(page_url(early)).content.decode()
    assert "Nobody is late yet" in page and "Nudge everyone late" not in page

    past = make_cycle(
        [org.engineer, org.seller],
        name="Past",
        writing_deadline=TODAY - datetime.timedelta(days=1),
    )
    Review.objects.filter(cycle=past, reviewee=org.seller).update(state=Review.State.CLOSED)
    out = org.client_for(org.hr).get(api_url(past)).json()
    assert out["total"]["late"] == 2  # Ann's self and manager reviews; Sam's review closed
    assert out["reviews"]["closed"] == 1


def test_peers_figures_while_nominating(org: Org, make_cycle: CycleFactory) -> None:
    cycle = make_cycle(
        [org.engineer, org.engineer2, org.seller],
        phase=ReviewCycle.Phase.NOMINATION,
        peers_min=2,
        nomination_deadline=TODAY + datetime.timedelta(days=3),
    )
    reviews = {r.reviewee_id: r for r in Review.objects.filter(cycle=cycle)}
    P = PeerNomination.State
    for reviewee, nominee, state in [
        (org.engineer, org.seller, P.APPROVED),
        (org.engineer, org.hr, P.APPROVED),
        (org.engineer, org.sales_manager, P.PROPOSED),
        (org.engineer2, org.seller, P.APPROVED),
        (org.engineer2, org.hr, P.REMOVED),
    ]:
        PeerNomination.objects.create(review=reviews[reviewee.pk], nominee=nominee, state=state)
    out = org.client_for(org.hr).get(api_url(cycle)).json()
    assert out["nominations"] == {
        "reviews": 3,
        "with_proposed": 1,
        "with_enough": 1,
        "short": 2,
        "peers_min": 2,
    }
    assert out["phase"]["deadline"] == (TODAY + datetime.timedelta(days=3)).isoformat()
    html = org.client_for(org.hr).get(page_url(cycle)).content.decode()
    assert "Still short of peers" in html and "3 days left" in html


def test_scores_and_release_figures(org: Org, make_cycle: CycleFactory) -> None:
    cycle = make_cycle(
        [org.engineer, org.engineer2, org.seller], phase=ReviewCycle.Phase.ACKNOWLEDGEMENT
    )
    Review.objects.filter(cycle=cycle).update(score=3)
    Review.objects.filter(cycle=cycle, reviewee=org.engineer).update(
        calibrated_score=4, state=Review.State.ACKNOWLEDGED
    )
    Review.objects.filter(cycle=cycle, reviewee=org.seller).update(state=Review.State.RELEASED)
    out = org.client_for(org.hr).get(api_url(cycle)).json()
    assert out["reviews"] == {
        "total": 3,
        "open": 1,
        "released": 1,
        "acknowledged": 1,
        "closed": 0,
        "scored": 3,
        "calibrated": 1,
    }
    html = org.client_for(org.hr).get(page_url(cycle)).content.decode()
    assert "Calibrated" in html and "Acknowledged" in html


def _queries(client: Client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as counted:
        assert client.get(url).status_code == 200
    return len(counted.captured_queries)


def test_the_query_count_does_not_grow_with_the_cycle(org: Org, make_cycle: CycleFactory) -> None:
    o = org
    small = make_cycle(
        [o.engineer, o.engineer2, o.seller],
        name="Small",
        writing_deadline=TODAY - datetime.timedelta(days=1),
    )
    everyone = [
        o.ceo,
        o.eng_head,
        o.eng_manager,
        o.engineer,
        o.engineer2,
        o.sales_head,
        o.sales_manager,
        o.seller,
        o.hr,
    ]
    large = make_cycle(
        everyone,
        peers={p: [q for q in everyone if q != p][:2] for p in everyone},
        name="Large",
        writing_deadline=TODAY - datetime.timedelta(days=1),
    )
    assert (
        Assignment.objects.filter(cycle=large).count()
        > 3 * Assignment.objects.filter(cycle=small).count()
    )
    hr = org.client_for(org.hr)
    for url in (page_url, api_url):
        assert _queries(hr, url(small)) == _queries(hr, url(large))
    # Kept figures: no grouped count at all the second time.
    hr.get(page_url(large))
    with CaptureQueriesContext(connection) as again:
        hr.get(page_url(large))
    assert not any("GROUP BY" in q["sql"] for q in again.captured_queries)


def test_managers_page_by_page(org: Org, late_cycle: ReviewCycle) -> None:
    hr = org.client_for(org.hr)
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"page_size": 3}
        if cursor:
            params["cursor"] = cursor
        managers = hr.get(api_url(late_cycle), params).json()["managers"]
        seen += [m["manager_id"] for m in managers["items"]]
        cursor = managers["next"]
        if cursor is None:
            break
    assert seen == [org.eng_head.pk, org.sales_head.pk, org.eng_manager.pk, org.sales_manager.pk]

    bad = hr.get(api_url(late_cycle), {"cursor": "not-a-cursor"})
    assert bad.status_code == 422
    assert "cursor" in str(bad.json()["detail"])
    assert hr.get(api_url(late_cycle), {"page_size": 0}).status_code == 422
    # The page starts again from the first page for a cursor that is not one.
    assert hr.get(page_url(late_cycle), {"managers": "not-a-cursor"}).status_code == 200


def test_outsiders_are_refused(org: Org, late_cycle: ReviewCycle) -> None:
    robot = User.objects.create_user("robot@example.com", "pw-robot-123")
    no_person = Client()
    no_person.force_login(robot)
    outsiders = {
        "anonymous": (Client(), 302, 401),
        "employee": (org.client_for(org.engineer), 403, 403),
        "another team's manager": (org.client_for(org.sales_manager), 403, 403),
        "the reviewees' manager": (org.client_for(org.eng_manager), 403, 403),
        "executive": (org.client_for(org.exec_viewer), 403, 403),
        "no person": (no_person, 404, 404),
    }
    for who, (client, page_status, api_status) in outsiders.items():
        assert client.get(page_url(late_cycle)).status_code == page_status, who
        assert client.get(api_url(late_cycle)).status_code == api_status, who
    hr = org.client_for(org.hr)
    assert hr.get(reverse("reviews:cycle_dashboard", args=[999999])).status_code == 404
    assert hr.get("/api/v1/reviews/cycles/999999/dashboard").status_code == 404


def test_linked_from_the_cycle_page_and_the_list(org: Org, late_cycle: ReviewCycle) -> None:
    hr = org.client_for(org.hr)
    for url in (
        reverse("reviews:cycle_detail", args=[late_cycle.pk]),
        reverse("reviews:cycle_list"),
    ):
        assert page_url(late_cycle) in hr.get(url).content.decode(), url


def test_a_draft_cycle_has_nothing_to_count(org: Org, make_cycle: CycleFactory) -> None:
    draft = make_cycle([], phase=ReviewCycle.Phase.DRAFT, name="Draft")
    response = org.client_for(org.hr).get(page_url(draft))
    assert response.status_code == 200
    assert "not launched yet" in response.content.decode()


def test_nudge_from_the_dashboard_comes_back_to_it(org: Org, late_cycle: ReviewCycle) -> None:
    hr = org.client_for(org.hr)
    url = reverse("reviews:cycle_nudge", args=[late_cycle.pk])
    response = hr.post(url, {"next": "dashboard"})
    assert response.status_code == 302
    assert response["Location"] == page_url(late_cycle)
    followed = hr.get(response["Location"])
    assert "late writers reminded" in followed.content.decode()
    # Anything else in ``next`` goes to the cycle page, never elsewhere.
    other = hr.post(url, {"next": "https://example.com/"})
    assert other["Location"] == reverse("reviews:cycle_detail", args=[late_cycle.pk])
    assert org.client_for(org.engineer).post(url, {"next": "dashboard"}).status_code == 403


def test_the_page_shows_managers_page_by_page(
    org: Org, late_cycle: ReviewCycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cadence.reviews.queries_dashboard.MANAGER_PAGE_SIZE", 3)
    hr = org.client_for(org.hr)
    first = hr.get(page_url(late_cycle)).content.decode()
    assert org.eng_head.full_name in first and org.sales_manager.full_name not in first
    cursor = re.search(r'href="\?managers=([^"#]+)#by-manager"', first)
    assert cursor is not None
    second = hr.get(page_url(late_cycle), {"managers": unquote(cursor.group(1))})
    html = second.content.decode()
    assert org.sales_manager.full_name in html and org.eng_head.full_name not in html
    assert "First page" in html and "Next page" not in html


def test_the_sweep_keeps_live_cycles_figures_ready(org, make_cycle, django_assert_num_queries):
    live = make_cycle([org.engineer, org.seller])
    make_cycle([org.engineer2], name="Closed cycle", phase=ReviewCycle.Phase.CLOSED)
    cache.clear()
    assert queries_dashboard.dashboards_sweep(timezone.now()) == 1
    # The page's read now finds the figures: one cache read, no count.
    with django_assert_num_queries(0):
        kept = queries_dashboard.dashboard(live)
    assert kept.reviews.total == 2
