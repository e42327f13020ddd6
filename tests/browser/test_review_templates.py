"""The review template editor in a browser: HR adds a question in place (htmx), edits a
version a cycle uses and is told the change went into the next version; the editor and
the preview fit a phone, are legible and labelled."""

import pytest
from playwright.sync_api import Page, expect

from cadence.reviews.models import Question, Section
from tests.browser.conftest import check_page, sign_in
from tests.reviews.conftest import build_version

pytestmark = pytest.mark.browser


def test_hr_adds_a_question_in_place_then_a_locked_version_moves_on(page: Page, org) -> None:
    version = build_version()
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    sign_in(page, org.hr.user.email)
    page.locator(".usermenu summary").click()
    page.get_by_role("link", name="Review templates").click()
    page.get_by_role("link", name="Annual review").click()
    expect(page.locator(".version-note")).to_contain_text("no cycle uses it yet")

    card = page.locator(f"#section-{section.pk} details.add-question")
    card.locator("summary").click()
    card.get_by_label("Question", exact=True).fill("What should they start doing?")
    card.get_by_label("Kind").select_option("text")
    card.get_by_label("Peer").check()
    card.get_by_role("button", name="Add question").click()
    expect(page.locator(f"#section-{section.pk}")).to_contain_text("What should they start doing?")
    assert Question.objects.filter(section=section).count() == 4

    version.locked_at = version.created_at
    version.save(update_fields=["locked_at"])
    page.reload()
    expect(page.locator(".version-note")).to_contain_text("your next change makes version 2")
    card = page.locator(f"#section-{section.pk} details.add-question")
    card.locator("summary").click()
    card.get_by_label("Question", exact=True).fill("Who did they help?")
    card.get_by_label("Manager").check()
    card.get_by_role("button", name="Add question").click()
    expect(page.locator(".version-note")).to_contain_text("version 1 is used by")
    expect(page.locator(".version-note strong")).to_have_text("Version 2")
    assert Question.objects.filter(section=section).count() == 4
    # After the swaps: a screenshot before them leaves empty style attributes that
    # htmx's settle copies onto the new elements, which the CSP reports.
    check_page(page, "review-template-editor")


def test_the_editor_and_preview_fit_a_phone(mobile_page: Page, org) -> None:
    version = build_version()
    sign_in(mobile_page, org.hr.user.email)
    mobile_page.goto(f"/reviews/templates/{version.template_id}/")
    check_page(mobile_page, "review-template-editor")
    mobile_page.goto(f"/reviews/templates/versions/{version.pk}/preview/?as=manager")
    check_page(mobile_page, "review-template-preview")
    mobile_page.goto("/reviews/templates/")
    check_page(mobile_page, "review-template-list")
