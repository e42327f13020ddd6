"""Development plans in a real browser: the agreed plan's need is already on the
employee's page; the manager adds an item on a competency (the behaviour expected at
the level aimed at shows); the employee writes her aspirations, adds an action, marks
it done and completes the item with its evidence; the manager's team view and HR's
coverage draw their bars. At desktop and phone sizes."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cadence.development.models import CareerAspiration, DevelopmentItem
from tests.browser.conftest import Console, check_page, sign_in, sign_out
from tests.development.conftest import (  # noqa: F401 - fixtures
    feedback,
    framework,
    ownership,
    period,
    plan,
)

pytestmark = pytest.mark.browser


def test_a_development_plan_from_agreement_to_done(
    page: Page,
    console: Console,
    org,
    plan,  # noqa: F811 - the fixture
    feedback,  # noqa: F811 - the fixture
) -> None:
    sign_in(page, org.eng_manager.work_email)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Development").click()
    expect(nav.get_by_role("link", name="Development")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Team development").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My team's development")
    expect(page.locator(".health-chart svg.health-bar")).to_have_count(2)
    check_page(page, "development-team")
    page.get_by_role("link", name="Ann Engineer").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Development of Ann Engineer")
    expect(page.get_by_text("Own a release end to end")).to_be_visible()
    page.get_by_role("link", name="Add a development item").click()
    page.get_by_label("Competency").select_option(label="Collaboration · Feedback (FY now)")
    due = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label("Due date").fill(due.isoformat())
    check_page(page, "development-item-form")
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback")
    expect(page.get_by_text("Asks for feedback every sprint")).to_be_visible()
    sign_out(page)

    sign_in(page, org.engineer.work_email)
    page.goto("/development/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My development")
    page.get_by_label("Where I want to go").fill("Lead the platform team in two years")
    page.get_by_role("button", name="Save aspirations").click()
    expect(page.get_by_text("Career aspirations saved.")).to_be_visible()
    check_page(page, "development-mine")
    page.locator("#main").get_by_role("link", name="Feedback", exact=True).click()
    page.get_by_label("Kind").select_option("mentoring")
    page.get_by_role("textbox", name="Action").fill("Ask Bob for feedback after each review")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added.")).to_be_visible()
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    page.get_by_role("combobox", name="Status").select_option("done")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("Evidence: say what shows it is done")).to_be_visible()
    page.get_by_label("Evidence of completion").fill("Feedback asked for in six reviews")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("Status saved.")).to_be_visible()
    check_page(page, "development-item")
    item = DevelopmentItem.objects.get(person=org.engineer, competency=feedback)
    assert item.status == "done" and item.evidence == "Feedback asked for in six reviews"
    assert CareerAspiration.objects.get(person=org.engineer).text.startswith("Lead")
    sign_out(page)

    sign_in(page, org.hr.work_email)
    page.goto("/development/coverage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Competency coverage")
    expect(page.locator(".health-chart svg.health-bar")).to_have_count(2)
    check_page(page, "development-coverage")
    # The browser reports the refused "done without evidence" (422) and nothing else.
    assert all("422" in e for e in console.errors()), console


def test_development_pages_on_a_phone(
    mobile_page: Page,
    org,
    plan,  # noqa: F811 - the fixture
    feedback,  # noqa: F811 - the fixture
) -> None:
    sign_in(mobile_page, org.engineer.work_email)
    mobile_page.goto("/development/")
    expect(mobile_page.get_by_text("Own a release end to end")).to_be_visible()
    check_page(mobile_page, "development-mine")
    item = DevelopmentItem.objects.get(person=org.engineer)
    mobile_page.goto(f"/development/items/{item.pk}/")
    check_page(mobile_page, "development-item")
    sign_out(mobile_page)
    sign_in(mobile_page, org.eng_manager.work_email)
    mobile_page.goto("/development/team/")
    check_page(mobile_page, "development-team")
    sign_out(mobile_page)
    sign_in(mobile_page, org.hr.work_email)
    mobile_page.goto("/development/coverage/")
    check_page(mobile_page, "development-coverage")
