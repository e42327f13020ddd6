"""The home page in a real browser: each item leads to its object (a manager's goal to
approve, an employee's plan to sign), nothing waiting says so, and HR's organisation
figures (loaded by htmx once the page is shown) lead to the people and goals behind
them — at desktop and phone sizes.

With CADENCE_SCREENSHOTS=/some/dir, ``check_page`` keeps each role's home page there."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from cadence.planning import services as planning
from tests.browser.conftest import check_page, sign_in
from tests.home.conftest import World, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(org) -> World:
    # The organisation's health is kept per reader and day in the cache, which outlives
    # one test's database: count this test's figures, not an earlier test's.
    cache.clear()
    return build_world(org)


def section(page: Page, key: str) -> Locator:
    return page.locator(f"#home-{key}")


def test_a_manager_opens_the_goal_awaiting_approval(
    page: Page, mobile_page: Page, world: World
) -> None:
    org = world.org
    sign_in(page, org.eng_manager.work_email)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Eng")
    goals = section(page, "goals")
    expect(goals.get_by_role("heading", level=4)).to_contain_text(["Goals awaiting your approval"])
    expect(section(page, "plans").get_by_role("link", name="Sign Ann Engineer's FY2027 plan"))
    check_page(page, "home-manager")

    goals.get_by_role("link", name="Learn Rust, proposed by Ann Engineer").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("goals:goal", args=[world.proposed.pk]))))
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn Rust")

    sign_in(mobile_page, org.eng_manager.work_email)
    mobile_page.goto("/")
    expect(section(mobile_page, "goals")).to_be_visible()
    check_page(mobile_page, "home-manager")


def test_an_employee_opens_the_plan_to_sign(page: Page, mobile_page: Page, world: World) -> None:
    org = world.org
    plan = planning.plan_open(actor=org.eng_manager.user, person=org.engineer2, period=world.period)
    planning.plan_sign(actor=org.eng_manager.user, plan=plan)  # proposed, the manager signed
    sign_in(page, org.engineer2.work_email)
    page.goto("/")
    plans = section(page, "plans")
    expect(plans.get_by_role("heading", level=3)).to_contain_text("Plans")
    check_page(page, "home-employee")

    plans.get_by_role("link", name="Sign your FY2027 plan").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("planning:plan", args=[plan.pk]))))
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan of Bob Engineer · FY2027")

    sign_in(mobile_page, org.engineer2.work_email)
    mobile_page.goto("/")
    expect(section(mobile_page, "plans")).to_be_visible()
    check_page(mobile_page, "home-employee")


def test_nothing_waiting_says_all_is_done(mobile_page: Page, world: World) -> None:
    sign_in(mobile_page, world.org.seller.work_email)
    mobile_page.goto("/")
    expect(mobile_page.get_by_text("All done — nothing needs you right now.")).to_be_visible()
    expect(mobile_page.locator(".home-section")).to_have_count(0)
    expect(mobile_page.locator(".home-health")).to_have_count(0)  # not HR's panel
    check_page(mobile_page, "home-empty")


def test_hr_figures_lead_to_the_people_behind_them(
    page: Page, mobile_page: Page, world: World
) -> None:
    org = world.org
    sign_in(page, org.hr.work_email)
    page.goto("/")
    health = page.locator(".home-health")
    expect(health.get_by_role("heading", level=2)).to_contain_text("The organisation's health")
    # The page is shown first; htmx then swaps the counted figures in for the notice.
    expect(health.locator(".health-panel")).to_have_count(3)
    expect(page.get_by_text("The figures are being counted")).to_have_count(0)
    check_page(page, "home-hr")

    # Engineering: 4 people, none with an agreed plan; the figure lists them.
    plans = health.locator(".health-panel").filter(has_text="People with an agreed plan")
    engineering = plans.get_by_role("row", name=re.compile(r"^Engineering\b"))
    expect(engineering.get_by_role("cell")).to_have_text(["4", "0 (0%)", "4"])
    engineering.get_by_role("link", name="4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People without an agreed plan")
    expect(page.locator("tbody tr")).to_have_count(4)
    for name in ("Eng Head", "Eng Manager", "Ann Engineer", "Bob Engineer"):
        expect(page.get_by_role("link", name=name)).to_be_visible()

    # Engineering's goal without a recent check-in leads to the goal itself.
    page.goto("/")
    expect(health.locator(".health-panel")).to_have_count(3)
    goals = health.locator(".health-panel").filter(has_text="Goals on track, at risk")
    stale = goals.get_by_role("row", name=re.compile(r"^Engineering\b")).get_by_role("link").last
    expect(stale).to_have_text("1")
    stale.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Goals without a recent check-in")
    page.get_by_role("link", name="Ship the importer").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("goals:goal", args=[world.stale.pk]))))

    sign_in(mobile_page, org.hr.work_email)
    mobile_page.goto("/")
    expect(mobile_page.locator(".home-health .health-panel")).to_have_count(3)
    check_page(mobile_page, "home-hr")
