"""A person's way through the directory in a real browser: sign in, search, filter, open a
profile, walk the org chart, use the keyboard, sign out."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Console, sign_in, sign_out
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _mark_document(page: Page) -> None:
    """Tag the loaded document; the tag survives htmx swaps but not a full page load."""
    page.evaluate("window.cadenceTestMark = 'same-document'")


def _same_document(page: Page) -> bool:
    return page.evaluate("window.cadenceTestMark") == "same-document"


def _directory_rows(page: Page):
    return page.locator("#directory-results tbody tr")


def test_sign_in_search_filter_profile_org_chart_sign_out(page: Page, console: Console, org):
    # Signing in through allauth's real form brings me back where I was going.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Cadence")
    page.get_by_label("Email").fill(org.eng_manager.work_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Eng")
    page.wait_for_load_state("load")
    # The stylesheet and htmx both loaded from static files.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 247, 249)"
    assert page.evaluate("typeof window.htmx") == "object"

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(_directory_rows(page)).to_have_count(10)

    # Typing searches through htmx: the results swap in, the page itself stays.
    _mark_document(page)
    with page.expect_response(
        lambda r: "q=ann" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.get_by_label("Search").fill("ann")
    expect(_directory_rows(page)).to_have_count(1)
    expect(_directory_rows(page).first).to_contain_text("Ann Engineer")
    expect(page.locator("#directory-results")).to_contain_text("1 person")
    expect(page).to_have_url(re.compile(r"/people/\?.*q=ann"))
    assert _same_document(page)

    page.get_by_label("Search").fill("")
    expect(_directory_rows(page)).to_have_count(10)
    page.get_by_label("Department").select_option(label="Sales › Enterprise")
    expect(_directory_rows(page)).to_have_count(2)
    expect(page.locator("#directory-results")).to_contain_text("Sam Seller")
    expect(page.locator("#directory-results")).to_contain_text("Sales Manager")
    expect(page.locator("#directory-results")).not_to_contain_text("Ann Engineer")
    assert _same_document(page)

    # A profile, with the manager chain as breadcrumbs.
    page.locator("#directory-results").get_by_role("link", name="Sam Seller").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Seller")
    crumbs = page.get_by_role("navigation", name="Manager chain")
    expect(crumbs.get_by_role("link")).to_have_text(["Ceo Boss", "Sales Head", "Sales Manager"])
    expect(page.get_by_text("sam.seller@example.com")).to_be_visible()

    # The org chart opens on me; expanding a box fetches its reports through htmx, in the
    # same document (tests/browser/test_org_chart.py walks the chart itself).
    nav.get_by_role("link", name="Org chart").click()
    expect(page.locator(".org-box.focus")).to_contain_text("Eng Manager")
    expect(page.locator(f"#children-{org.eng_manager.pk} > li")).to_have_count(2)
    page.get_by_role("link", name="Top of the organisation").click()
    _mark_document(page)
    page.get_by_role("button", name="1 report of Sales Head").click()
    expect(page.locator(f"#children-{org.sales_head.pk}")).to_contain_text("Sales Manager")
    assert _same_document(page)

    sign_out(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Cadence")
    page.goto("/people/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/people/$"))
    assert not console.errors(), console


def _focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement, style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {text: el.textContent.trim(), id: el.id, tag: el.tagName,
                    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                    inView: box.left >= 0 && box.top >= 0 && box.width > 0};
        }"""
    )


def test_keyboard_reaches_skip_link_and_navigation_with_visible_focus(page: Page, org):
    sign_in(page, org.eng_manager.work_email)

    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["text"] == "Skip to content"
    assert skip["inView"], "the skip link must appear when focused"
    assert skip["outline"] != "none" and skip["outlineWidth"] >= 2
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"

    # From the top again: the main navigation is a few Tabs away, each stop visibly focused.
    page.goto("/")
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, focused
        if focused["text"] == "People":
            break
    else:
        pytest.fail("Tab never reached the People entry of the main navigation")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")

    # The search box is labelled and reachable; typing and Enter search without a mouse.
    page.get_by_label("Search").focus()
    page.keyboard.type("bob")
    page.keyboard.press("Enter")
    expect(_directory_rows(page)).to_have_count(1)
    expect(_directory_rows(page).first).to_contain_text("Bob Engineer")


def test_plain_employee_has_no_import(page: Page, org):
    sign_in(page, org.engineer.work_email)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="People")).to_be_visible()
    expect(nav.get_by_role("link", name="Import")).to_have_count(0)

    # access.require_people_manager: members may know the page exists, so 403, not 404.
    response = page.goto("/people/import/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.get_by_role("link", name="Back to the start page")).to_be_visible()
