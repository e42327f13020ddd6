"""The review form in a browser: autosave as the writer chooses and types (htmx, the
version kept current out of band), a reload keeps the answers, a second tab is refused,
submission names what is missing; the page fits a desktop and a phone."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from cadence.goals import services as goals_services
from cadence.goals.models import Goal
from cadence.reviews.models import Assignment, ReviewerType
from tests.browser.conftest import check_page, sign_in
from tests.conftest import Org
from tests.reviews.conftest import make_cycle, period, version  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager_review(org: Org, make_cycle, period) -> Assignment:  # noqa: F811
    goal = goals_services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Ship the billing service",
        owner_type=Goal.Owner.PERSON,
        owner_person=org.engineer,
        state=Goal.State.ACTIVE,
    )
    kr = goals_services.key_result_create(
        actor=org.eng_manager.user, goal=goal, title="Invoices sent by the service", target_value=10
    )
    for value, confidence in ((3, "on_track"), (6, "at_risk"), (9, "on_track")):
        goals_services.check_in_create(
            actor=org.engineer.user, key_result=kr, value=value, confidence=confidence
        )
    cycle = make_cycle([org.engineer], peers={org.engineer: [org.engineer2]})
    return Assignment.objects.get(cycle=cycle, writer=org.eng_manager, type=ReviewerType.MANAGER)


def test_the_form_autosaves_and_refuses_a_stale_tab(
    page: Page,  # noqa: F811
    org: Org,
    manager_review: Assignment,
) -> None:
    sign_in(page, org.eng_manager.work_email)
    url = f"/reviews/write/{manager_review.pk}/"
    page.goto(url)
    expect(page.get_by_role("heading", name=re.compile("Manager review of"))).to_be_visible()
    check_page(page, "review-form")

    # A second tab opened now carries version 0.
    other = page.context.new_page()
    other.goto(url)

    delivers = page.get_by_role("radiogroup", name=re.compile("Delivers what was agreed"))
    delivers.get_by_text("4 · Exceeds").click()
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    page.get_by_role("textbox", name=re.compile("What should they keep doing")).fill(
        "Pairing with the newcomers."
    )
    page.get_by_role("heading", name="Evidence of the period").click()  # leave the field
    expect(page.locator("#save-status input[name=version]")).to_have_value("2")

    page.reload()
    expect(page.get_by_role("radio", name=re.compile("4 · Exceeds")).first).to_be_checked()
    expect(
        page.get_by_role("textbox", name=re.compile("What should they keep doing"))
    ).to_have_value("Pairing with the newcomers.")

    other.get_by_role("radiogroup", name=re.compile("Delivers what was agreed")).get_by_text(
        "1 · Below expectations"
    ).click()
    expect(other.locator("#save-status")).to_contain_text("changed in another tab or window")
    manager_review.refresh_from_db()
    assert manager_review.answers.get(item__startswith="q:", rating__isnull=False).rating == 4

    # Submitting without rating the goal names it.
    page.get_by_role("button", name="Submit review").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("alert").or_(page.locator(".review-item.has-error"))).not_to_have_count(
        0
    )
    expect(page.locator(".review-item.has-error")).to_contain_text(
        "“Ship the billing service” needs an answer."
    )
    page.get_by_role("radiogroup", name="Ship the billing service").get_by_text(
        "3 · Meets expectations"
    ).click()
    page.get_by_role("button", name="Submit review").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("is submitted")).to_be_visible()
    check_page(page, "my-reviews")


def test_the_form_fits_a_phone(
    mobile_page: Page,
    org: Org,
    manager_review: Assignment,
) -> None:
    tab = mobile_page
    sign_in(tab, org.eng_manager.work_email)
    tab.goto(f"/reviews/write/{manager_review.pk}/")
    expect(tab.get_by_role("heading", name="Evidence of the period")).to_be_attached()
    check_page(tab, "review-form-mobile")
    assert manager_review.cycle.writing_deadline > datetime.date.today()
