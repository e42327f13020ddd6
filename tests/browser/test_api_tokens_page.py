"""Account › API tokens on a desktop and a phone: a token is created, shown once and
revoked, and the page never runs off the side of the screen."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Console, check_page, sign_in

pytestmark = pytest.mark.browser


def create_and_revoke(page: Page, console: Console, email: str) -> None:
    sign_in(page, email)
    page.goto("/account/tokens/")
    page.get_by_label("Name").fill("Sync script")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_contain_text("cad_")
    # The table's hidden "Actions" header once widened a phone's page by the table's
    # overflow: the table scrolls, the page does not.
    check_page(page, "api-tokens")
    page.get_by_role("button", name="Revoke Sync script").click()
    expect(page.locator(".badge-left")).to_have_text("revoked")
    check_page(page, "api-tokens-revoked")
    assert console.errors() == []


def test_tokens_on_a_desktop(page: Page, console: Console, org) -> None:
    create_and_revoke(page, console, org.engineer.work_email)


def test_tokens_on_a_phone(mobile_page: Page, console: Console, org) -> None:
    create_and_revoke(mobile_page, console, org.engineer.work_email)
