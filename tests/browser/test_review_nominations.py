"""360° nominations in a real browser: the reviewee searches and nominates peers, the
manager approves them all, a peer declines with a reason, and the reviewee and the
manager both see that a slot needs replacing (1280 and 390 px)."""

import pytest
from playwright.sync_api import Page, expect

from cadence.reviews.models import PeerNomination, Review, ReviewCycle
from tests.browser.conftest import Console, check_page, sign_in, sign_out
from tests.conftest import make_person
from tests.reviews.conftest import make_cycle, period, version  # noqa: F401

pytestmark = pytest.mark.browser


def test_nominate_approve_decline(page: Page, mobile_page: Page, console: Console, org, make_cycle):  # noqa: F811
    peers = [
        make_person(
            f"{name}.peer@example.com", manager=org.eng_manager, department="Engineering/Platform"
        )
        for name in ("cara", "dev", "eli")
    ]
    cycle = make_cycle([org.engineer], phase=ReviewCycle.Phase.NOMINATION, peers_min=3, peers_max=4)
    review = Review.objects.get(cycle=cycle)
    url = f"/reviews/{review.pk}/peers/"

    sign_in(page, org.engineer.work_email)
    page.goto(url)
    expect(page.get_by_role("heading", name="Your peer reviewers")).to_be_visible()
    page.get_by_label("Name").fill("peer")
    page.get_by_role("button", name="Search").click()
    found = page.locator("section[aria-labelledby=peers-search-h]")
    found.get_by_role("button", name=f"Add {peers[0].full_name}").click()
    expect(page.locator(".message-success")).to_contain_text(peers[0].full_name)
    suggested = page.locator(".card .nomination-candidates")
    suggested.get_by_role("button", name=f"Add {peers[1].full_name}").click()
    suggested.get_by_role("button", name=f"Add {peers[2].full_name}").click()
    check_page(page, "nominations-reviewee")
    sign_out(page)

    sign_in(page, org.eng_manager.work_email)
    page.goto(url)
    page.get_by_role("button", name="Approve all proposed").click()
    expect(page.locator(".badge.nomination-approved")).to_have_count(3)
    check_page(page, "nominations-manager")
    sign_out(page)

    sign_in(mobile_page, peers[0].work_email)
    mobile_page.goto("/reviews/peers/asked/")
    mobile_page.locator("summary", has_text="Decline").click()
    mobile_page.get_by_label("Why you decline").fill("I barely work with Ann this year.")
    check_page(mobile_page, "nominations-asked")
    mobile_page.get_by_role("button", name="Decline", exact=True).click()
    expect(mobile_page.locator(".badge.nomination-declined")).to_be_visible()
    assert PeerNomination.objects.filter(state="declined").count() == 1
    sign_out(mobile_page)

    for who, name in ((org.engineer, "reviewee"), (org.eng_manager, "manager")):
        sign_in(mobile_page, who.work_email)
        mobile_page.goto(url)
        expect(mobile_page.locator(".nomination-replace")).to_have_text(
            "1 peer declined: choose another."
        )
        check_page(mobile_page, f"nominations-declined-{name}")
        sign_out(mobile_page)
    assert console.errors() == []
