"""HR's cycle dashboard in a browser: from the cycle page to the dashboard, the bars and
tables by type, department and manager, and "Nudge everyone late" coming back to it.
The page fits a desktop and a phone, is legible and labelled."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cadence.reviews.models import Assignment, ReviewerType
from tests.browser.conftest import check_page, sign_in
from tests.reviews.conftest import make_cycle, period, version  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def cycle(org, make_cycle):  # noqa: F811
    cycle = make_cycle(
        [org.engineer, org.engineer2, org.seller, org.eng_manager, org.sales_manager],
        peers={org.engineer: [org.engineer2, org.seller]},
        writing_deadline=timezone.localdate() - datetime.timedelta(days=2),
    )
    Assignment.objects.filter(cycle=cycle, type=ReviewerType.SELF, writer=org.engineer).update(
        state=Assignment.State.SUBMITTED
    )
    Assignment.objects.filter(
        cycle=cycle, type=ReviewerType.MANAGER, writer=org.eng_manager
    ).update(state=Assignment.State.DRAFT)
    return cycle


def test_hr_reads_the_dashboard_and_nudges(page: Page, mobile_page: Page, org, cycle) -> None:
    sign_in(page, org.hr.user.email)
    page.goto(f"/reviews/cycles/{cycle.pk}/")
    page.get_by_role("link", name="Cycle dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(page.locator("#by-department tbody tr")).to_have_count(2)
    # Most late first: Ann's and Bob's reviews (5 late), then the Eng Manager's own (4).
    rows = page.locator("#by-manager tbody tr")
    expect(rows.nth(0)).to_contain_text(org.eng_manager.full_name)
    expect(rows.nth(1)).to_contain_text(org.eng_head.full_name)
    expect(page.locator("#by-department .health-bar")).to_have_count(2)
    check_page(page, "review-dashboard")
    page.get_by_role("button", name="Nudge everyone late").click()
    expect(page.locator(".messages")).to_contain_text("late writers reminded")
    assert page.url.endswith(f"/reviews/cycles/{cycle.pk}/dashboard/")

    sign_in(mobile_page, org.hr.user.email)
    mobile_page.goto(f"/reviews/cycles/{cycle.pk}/dashboard/")
    check_page(mobile_page, "review-dashboard")
