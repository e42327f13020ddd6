"""Review results in a browser: HR calibrates and releases from the results page; the
reviewee reads it — peer reviews as a summary without names — comments and
acknowledges. The page fits a phone, is legible and labelled."""

import pytest
from playwright.sync_api import Page, expect

from cadence.reviews.models import Review, ReviewCycle
from tests.browser.conftest import check_page, sign_in
from tests.reviews.conftest import make_cycle, period, version  # noqa: F401
from tests.reviews.results_support import MANAGER, PEER, SELF, submit

pytestmark = pytest.mark.browser

PEER_COMMENTS = [
    "Always reviews my pull requests within the hour, with kind and precise notes.",
    "Explains the platform to customers patiently.",
    "Could share plans earlier with the wider team.",
]


@pytest.fixture
def review(org, make_cycle) -> Review:  # noqa: F811
    peers = [org.engineer2, org.seller, org.exec_viewer]
    cycle = make_cycle(
        [org.engineer], peers={org.engineer: peers}, phase=ReviewCycle.Phase.CALIBRATION
    )
    review = cycle.reviews.get()
    submit(review, org.engineer, SELF, rating=4, comment="I kept the build green all year.")
    submit(review, org.eng_manager, MANAGER, rating=3, comment="Reliable; now lead a project.")
    for peer, rating, text in zip(peers, (5, 4, 2), PEER_COMMENTS, strict=True):
        submit(review, peer, PEER, rating=rating, comment=text)
    return review


def test_hr_calibrates_and_releases_then_the_reviewee_acknowledges(page: Page, org, review) -> None:
    sign_in(page, org.hr.user.email)
    page.goto(f"/reviews/{review.pk}/results/")
    check_page(page, "review-results-hr")
    page.get_by_label("Calibrated score").fill("3.40")
    page.get_by_label("Why").fill("Calibration panel: delivery was stronger in Q4.")
    page.get_by_role("button", name="Save calibrated score").click()
    expect(page.locator(".results-history")).to_contain_text("delivery was stronger in Q4")
    page.get_by_role("button", name="Release to the reviewee").click()
    expect(page.locator(".results-meta .badge")).to_have_text("Released")

    page.context.clear_cookies()
    sign_in(page, org.engineer.user.email)
    page.goto(f"/reviews/{review.pk}/results/")
    expect(page.locator(".results-figure")).to_contain_text("3.40")
    expect(page.locator(".results-comment")).to_have_count(3)
    body = page.locator("body").inner_text()
    assert "Always reviews my pull requests" in body
    for peer in (org.engineer2, org.seller, org.exec_viewer):
        assert peer.full_name not in body
    check_page(page, "review-results-reviewee")
    comment = page.get_by_role("textbox", name="Your comment")
    comment.fill("Fair overall; I see delivery differently.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#ack-h")).to_be_visible()
    expect(page.get_by_text("You acknowledged this review on")).to_be_visible()
    review.refresh_from_db()
    assert review.state == Review.State.ACKNOWLEDGED


def test_the_results_page_fits_a_phone(mobile_page: Page, org, review) -> None:
    sign_in(mobile_page, org.hr.user.email)
    mobile_page.goto(f"/reviews/{review.pk}/results/")
    check_page(mobile_page, "review-results-hr")
    mobile_page.goto(f"/reviews/cycles/{review.cycle_id}/results/")
    check_page(mobile_page, "review-results-release-list")
    Review.objects.filter(pk=review.pk).update(state=Review.State.RELEASED)
    mobile_page.context.clear_cookies()
    sign_in(mobile_page, org.engineer.user.email)
    mobile_page.goto(f"/reviews/{review.pk}/results/")
    check_page(mobile_page, "review-results-reviewee")
