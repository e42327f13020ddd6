"""The plan sign-off in a real browser: a manager opens a report's plan, writes the
expectations, adds a development item, proposes and signs with a comment; the employee
signs in, reads it and signs; the plan shows Agreed with both timestamps."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from cadence.planning import services
from cadence.planning.models import PerformancePlan
from tests.browser.conftest import Console, check_page, sign_in, sign_out

pytestmark = pytest.mark.browser

COMPETENCIES = (
    b"Group,Competency,Description,Level,Expected behaviour\n"
    b"Delivery,Ownership,Owns outcomes,L3,Delivers own work end to end\n"
)


@pytest.fixture
def period(org):
    period = services.period_create(
        actor=org.hr.user,
        name="FY2027",
        kind="year",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    period = services.period_activate(actor=org.hr.user, period=period)
    framework = services.framework_create(actor=org.hr.user, name="Engineering", period=period)
    services.competencies_import(
        actor=org.hr.user, framework=framework, data=COMPETENCIES, file_name="c.csv"
    )
    return period


def test_two_way_sign_off(page: Page, console: Console, org, period) -> None:
    sign_in(page, org.eng_manager.work_email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plan").click()
    page.get_by_role("link", name="Team plans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team plans")
    expect(page.locator(".plan-summary")).to_contain_text("2 reports without an agreed plan")
    page.get_by_role("button", name="Start plan for Ann Engineer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan of Ann Engineer · FY2027")
    expect(page.locator(".plan-meta .plan-state")).to_have_text("Draft")
    expect(page.get_by_text("Delivers own work end to end")).to_be_visible()

    page.get_by_label("Expectations of the role for the period").fill(
        "Own the billing service and its on-call."
    )
    page.get_by_role("button", name="Save expectations").click()
    expect(page.locator(".messages")).to_contain_text("Expectations saved.")

    page.get_by_label("Development need").fill("System design")
    page.get_by_label(re.compile(r"^Action")).fill("Take the design review course")
    page.get_by_label("Due date").fill("2027-05-01")
    page.get_by_role("button", name="Add development item").click()
    expect(page.locator(".dev-item")).to_contain_text("System design")
    expect(page.locator(".dev-item")).to_contain_text("1 May 2027")

    page.get_by_role("button", name="Propose plan").click()
    expect(page.locator(".plan-meta .plan-state")).to_have_text("Proposed")
    page.get_by_label("Comment (optional)").fill("Ambitious but fair.")
    page.get_by_role("button", name="Sign as manager").click()
    manager_block = page.locator(".signature").nth(1)
    expect(manager_block).to_contain_text("Signed")
    expect(manager_block).to_contain_text("Ambitious but fair.")
    expect(page.locator(".plan-meta .plan-state")).to_have_text("Proposed")
    check_page(page, "plan-proposed")
    sign_out(page)

    sign_in(page, org.engineer.work_email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan of Ann Engineer · FY2027")
    expect(page.get_by_label("Expectations of the role for the period")).to_have_value(
        "Own the billing service and its on-call."
    )
    expect(page.locator(".dev-item")).to_contain_text("System design")
    page.get_by_label("Comment (optional)").fill("Agreed, thanks.")
    page.get_by_role("button", name="Sign as employee").click()
    expect(page.locator(".messages")).to_contain_text("The plan is agreed.")
    expect(page.locator(".plan-meta .plan-state")).to_have_text("Agreed")
    signatures = page.locator(".signature .signed time")
    expect(signatures).to_have_count(2)
    for i in range(2):
        expect(signatures.nth(i)).to_have_text(re.compile(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2}"))
    expect(page.locator(".plan-history")).to_contain_text("Agreed")
    check_page(page, "plan-agreed")

    plan = PerformancePlan.objects.get(person=org.engineer, period=period)
    assert plan.state == PerformancePlan.State.AGREED
    assert plan.employee_comment == "Agreed, thanks." and plan.manager_comment == (
        "Ambitious but fair."
    )
    assert not console.errors()


def test_plan_pages_fit_a_phone(mobile_page: Page, org, period) -> None:
    plan = services.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)
    services.development_item_add(
        actor=None, plan=plan, need="Public speaking", action="Talk at the internal meetup"
    )
    sign_in(mobile_page, org.eng_manager.work_email)
    mobile_page.goto("/plan/team/")
    expect(mobile_page.get_by_role("heading", level=1)).to_have_text("Team plans")
    check_page(mobile_page, "team-plans")
    mobile_page.goto(f"/plan/{plan.pk}/")
    expect(mobile_page.locator(".dev-item")).to_contain_text("Public speaking")
    check_page(mobile_page, "plan")


def test_hr_pages_are_labelled_and_legible(page: Page, org, period) -> None:
    sign_in(page, org.hr.work_email)
    page.goto("/plan/periods/")
    expect(page.get_by_role("cell", name="FY2027 Year")).to_be_visible()
    check_page(page, "periods")
    page.goto("/plan/competencies/")
    expect(page.get_by_role("heading", name="Delivery")).to_be_visible()
    check_page(page, "competencies")
