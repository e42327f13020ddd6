"""Goals in a real browser: sign in, open My goals, post an inline check-in through htmx
and see the progress move without a page load, then the goal page with its history and
chart; the alignment tree expands and searches in place."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cadence.goals import services
from cadence.goals.models import CheckIn, Goal
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod
from tests.browser.conftest import Console, check_page, sign_in

pytestmark = pytest.mark.browser


def _period(org) -> PerformancePeriod:
    today = timezone.localdate()
    period = planning.period_create(
        actor=org.hr.user,
        name="Browser year",
        kind="year",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=335),
    )
    return planning.period_activate(actor=org.hr.user, period=period)


def _goals(org) -> tuple[Goal, Goal, Goal]:
    period = _period(org)
    company = services.goal_create(
        actor=org.hr.user, period=period, title="Grow revenue", owner_type=Goal.Owner.COMPANY
    )
    team = services.goal_create(
        actor=org.hr.user,
        period=period,
        title="Ship platform v2",
        owner_type=Goal.Owner.TEAM,
        owner_department=org.engineer.department,
        parent=company,
    )
    # Set by her manager, so active at once (one she drafts waits for approval).
    mine = services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Cut build time",
        owner_type=Goal.Owner.PERSON,
        owner_person=org.engineer,
        parent=team,
    )
    services.key_result_create(
        actor=org.engineer.user,
        goal=mine,
        title="Green builds per day",
        start_value=Decimal(0),
        target_value=Decimal(10),
    )
    return company, team, mine


def _mark_document(page: Page) -> None:
    page.evaluate("window.cadenceTestMark = 'same-document'")


def _same_document(page: Page) -> bool:
    return page.evaluate("window.cadenceTestMark") == "same-document"


def test_inline_check_in_then_goal_history(page: Page, console: Console, org) -> None:
    company, team, mine = _goals(org)
    kr = mine.key_results.get()
    sign_in(page, org.engineer.work_email)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Goals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My goals")
    expect(nav.get_by_role("link", name="Goals")).to_have_attribute("aria-current", "page")
    card = page.locator(f"#goal-{mine.pk}")
    expect(card).to_contain_text("Cut build time")
    expect(card).to_contain_text("Green builds per day")
    goal_bar = page.locator(f"#goal-progress-{mine.pk} progress")
    expect(goal_bar).to_have_attribute("value", "0")
    # The progress rule is on hover and behind an accessible disclosure.
    assert "Weighted mean" in page.locator(f"#goal-progress-{mine.pk}").get_attribute("title")
    page.get_by_text("How is progress calculated?").first.click()
    expect(page.get_by_role("link", name="The rule with worked examples").first).to_be_visible()
    check_page(page, "goals-my-goals")

    _mark_document(page)
    row = page.locator(f"#kr-{kr.pk}")
    row.get_by_text("Check in on “Green builds per day”").click()
    row.get_by_label("New value").fill("5")
    row.get_by_label("Confidence").select_option(label="At risk")
    row.get_by_label("Comment").fill("Flaky runners fixed")
    with page.expect_response(
        lambda r: "/check-in/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        row.get_by_role("button", name="Save check-in").click()
    row = page.locator(f"#kr-{kr.pk}")
    expect(row).to_contain_text("Flaky runners fixed")
    expect(row).to_contain_text("At risk")
    expect(row.locator("progress")).to_have_attribute("value", "50")
    expect(row.locator(".kr-progress")).to_have_attribute(
        "title", "(5 − 0) / (10 − 0) = 50 %, clipped to 0–100 %."
    )
    expect(goal_bar).to_have_attribute("value", "50")
    expect(page.locator(f"#goal-progress-{mine.pk}")).to_contain_text("50%")
    assert _same_document(page), "the check-in reloaded the page"
    assert CheckIn.objects.filter(key_result=kr, comment="Flaky runners fixed").exists()

    # The goal page: ancestors, the history entry and the chart.
    card.get_by_role("link", name="Cut build time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cut build time")
    crumbs = page.get_by_role("navigation", name="Aligned to")
    expect(crumbs.get_by_role("link")).to_have_text(["Grow revenue", "Ship platform v2"])
    history = page.locator(".checkin-history tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Flaky runners fixed")
    expect(history.first).to_contain_text("At risk")
    expect(page.locator("figure.chart svg:visible")).to_have_count(1)
    check_page(page, "goals-goal")
    assert not console.errors(), console


def test_alignment_tree_expands_and_searches(page: Page, org) -> None:
    company, team, mine = _goals(org)
    sign_in(page, org.seller.work_email)
    page.goto("/goals/alignment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Goal alignment")
    tree = page.locator("#alignment-tree")
    expect(tree).to_contain_text("Grow revenue")
    expect(tree).to_contain_text("Ship platform v2")
    _mark_document(page)
    children = page.locator(f"#goal-children-{team.pk}")
    expect(children).to_be_hidden()
    page.get_by_text("1 goal aligned to Ship platform v2").click()
    expect(children).to_contain_text("Cut build time")
    check_page(page, "goals-alignment")

    with page.expect_response(lambda r: "q=build" in r.url):
        page.get_by_label("Search goals").fill("build")
    expect(tree.locator(".goal-node.matched")).to_have_count(1)
    expect(tree.locator(".goal-node.matched")).to_contain_text("Cut build time")
    expect(tree).to_contain_text("1 matching goal")
    assert _same_document(page)
