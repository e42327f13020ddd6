"""The org chart in a real browser: boxes and lines, opened and closed with buttons that say
their state, walked with the keyboard, readable on a phone."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Console, sign_in

pytestmark = pytest.mark.browser


def test_boxes_open_and_close_and_say_so(page: Page, console: Console, org):
    sign_in(page, org.engineer.work_email)
    page.goto("/org/top/")
    ceo_button = page.get_by_role("button", name="4 reports of Ceo Boss")
    expect(ceo_button).to_have_attribute("aria-expanded", "true")
    ceo_reports = page.locator(f"#children-{org.ceo.pk}")
    expect(ceo_reports.locator(":scope > li")).to_have_count(4)

    # Drawn as a chart: the reports sit side by side below their manager's box, joined by
    # lines drawn by the stylesheet.
    boxes = [
        page.locator(".org-box", has_text=name).bounding_box()
        for name in ("Ceo Boss", "Eng Head", "Sales Head")
    ]
    assert boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"]
    assert boxes[1]["y"] == boxes[2]["y"]
    line = page.evaluate(
        f"getComputedStyle(document.querySelector('#children-{org.ceo.pk} > li'), '::after')"
        ".borderTopWidth"
    )
    assert line == "2px"

    # Without the script each box had a link to centre on it; with it, a button.
    sales_button = page.get_by_role("button", name="1 report of Sales Head")
    expect(sales_button).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="1 report of Sales Head")).to_be_hidden()
    sales_button.click()
    expect(sales_button).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#children-{org.sales_head.pk}")).to_contain_text("Sales Manager")
    sales_button.click()
    expect(sales_button).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"#children-{org.sales_head.pk}")).to_be_hidden()

    ceo_button.click()
    expect(ceo_button).to_have_attribute("aria-expanded", "false")
    expect(ceo_reports).to_be_hidden()
    assert not console.errors(), console


def test_the_keyboard_walks_the_chart(page: Page, org):
    sign_in(page, org.engineer.work_email)
    page.goto("/org/top/")
    page.get_by_role("link", name="Ceo Boss", exact=True).focus()
    # Down and Up follow the boxes shown, reports in order of last name.
    page.keyboard.press("ArrowDown")
    expect(page.locator(":focus")).to_have_text("Hr Admin")
    page.keyboard.press("ArrowDown")
    expect(page.locator(":focus")).to_have_text("Eng Head")
    # Right opens a closed box (its reports arrive through htmx), Right again goes in.
    page.keyboard.press("ArrowRight")
    button = page.get_by_role("button", name="1 report of Eng Head")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#children-{org.eng_head.pk}")).to_contain_text("Eng Manager")
    page.keyboard.press("ArrowRight")
    expect(page.locator(":focus")).to_have_text("Eng Manager")
    # Left goes up to the manager, and on an open box closes it.
    page.keyboard.press("ArrowLeft")
    expect(page.locator(":focus")).to_have_text("Eng Head")
    button.focus()
    page.keyboard.press("ArrowLeft")
    expect(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("End")
    expect(page.locator(":focus")).to_have_text("Exec Viewer")


def test_a_phone_shows_the_chart_as_a_vertical_tree(mobile_page: Page, org):
    page = mobile_page
    sign_in(page, org.engineer.work_email)
    page.goto("/org/")
    expect(page.locator(".org-box.focus")).to_contain_text("Ann Engineer")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ceo, me = (page.locator(".org-box", has_text=n).bounding_box() for n in ("Ceo", "Ann"))
    assert me["y"] > ceo["y"] and me["x"] > ceo["x"]
