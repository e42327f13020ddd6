"""HR keeps the directory by hand in a real browser: add a person, fix a mistake the form
points at, move someone to another manager, mark them as left."""

import re

import pytest
from playwright.sync_api import Page, expect

from cadence.people.models import Person
from tests.browser.conftest import Console, check_page, sign_in

pytestmark = pytest.mark.browser


def test_hr_adds_edits_and_marks_a_person_as_left(page: Page, console: Console, org) -> None:
    sign_in(page, org.hr.work_email)
    page.goto("/people/")
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    check_page(page, "person-new")

    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Newcomer")
    page.get_by_label("Work email").fill("nia.newcomer@example.com")
    page.get_by_label("Department").select_option(label="Engineering › Platform")
    page.get_by_label("Manager").fill("no.such.person@example.com")
    page.get_by_role("button", name="Add person").click()
    # The mistake is named at its field; what was typed is kept.
    expect(page.get_by_text("Nobody has the work email or employee ID")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Nia")

    page.get_by_label("Manager").fill(org.eng_manager.work_email)
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nia Newcomer")
    expect(page.get_by_text("Nia Newcomer added.")).to_be_visible()
    crumbs = page.get_by_role("navigation", name="Manager chain")
    expect(crumbs.get_by_role("link")).to_have_text(["Ceo Boss", "Eng Head", "Eng Manager"])

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/\d+/edit/$"))
    check_page(page, "person-edit")
    page.get_by_label("Manager").fill(org.sales_manager.work_email)
    page.get_by_label("Job title").fill("Account Executive")
    page.get_by_role("button", name="Save").click()
    crumbs = page.get_by_role("navigation", name="Manager chain")
    expect(crumbs.get_by_role("link")).to_have_text(["Ceo Boss", "Sales Head", "Sales Manager"])
    expect(page.get_by_text("Account Executive")).to_be_visible()

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Last day").fill("2026-11-30")
    page.get_by_role("button", name="Mark as left").click()
    expect(page.get_by_text("is marked as left and can no longer sign in")).to_be_visible()
    expect(page.locator("h1 .badge-left")).to_have_text("Left")
    nia = Person.objects.get(work_email="nia.newcomer@example.com")
    assert nia.status == Person.Status.LEFT and not nia.user.is_active
    assert console.errors() == [] and console.csp_violations() == []
