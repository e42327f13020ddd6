"""The notification centre in a real browser: the bell's count, reading an item (by
opening it or with "Mark as read" through htmx) making the count drop, and a changed
preference that stays changed — at desktop and phone sizes."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from cadence.goals import services as goals
from cadence.notifications import kinds, services
from cadence.notifications.models import NotificationPreference
from cadence.planning import services as planning
from tests.browser.conftest import Console, check_page, sign_in

pytestmark = pytest.mark.browser

LOOKED = kinds.register_kind(
    kinds.Kind(
        key="test.browser.goal",
        group="Browser tests",
        label="Someone looked at a goal of mine (browser test)",
        sentence="{actor} looked at {target}.",
    )
)


@pytest.fixture
def goal(org):
    today = datetime.date.today()
    period = planning.period_create(
        actor=org.hr.user,
        name="This year",
        kind="year",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
    )
    planning.period_activate(actor=org.hr.user, period=period)
    return goals.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Ship the importer",
        owner_type="person",
        owner_person=org.engineer,
    )


def _tell(org, goal, n: int) -> None:
    for _ in range(n):
        services.notify(LOOKED.key, [org.engineer], actor=org.eng_manager, target=goal)


def test_the_bell_counts_down_as_notifications_are_read(
    page: Page, console: Console, org, goal
) -> None:
    _tell(org, goal, 3)
    sign_in(page, org.engineer.work_email)
    bell = page.locator("#bell")
    expect(bell.locator(".bell-count")).to_have_text("3")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    items = page.locator(".notification")
    expect(items).to_have_count(3)
    check_page(page, "notifications-list")

    # Mark as read through htmx: the same document, the item read, the bell out of band.
    page.evaluate("window.cadenceTestMark = 'same-document'")
    items.first.get_by_role("button", name="Mark as read").click()
    expect(bell.locator(".bell-count")).to_have_text("2")
    expect(page.locator(".notification-unread")).to_have_count(2)
    assert page.evaluate("window.cadenceTestMark") == "same-document"

    # Opening one reads it and lands on its goal; the bell there says 1.
    page.locator(".notification-unread .notification-text").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ship the importer")
    expect(page.locator("#bell .bell-count")).to_have_text("1")

    page.goto("/notifications/")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("You are all caught up.")).to_be_visible()
    expect(page.locator("#bell .bell-count")).to_have_count(0)
    assert console.errors() == []


def test_a_changed_preference_persists(page: Page, console: Console, org) -> None:
    sign_in(page, org.engineer.work_email)
    page.locator(".usermenu summary").click()
    page.get_by_role("link", name="Notification preferences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification preferences")
    check_page(page, "notification-preferences")
    choice = page.get_by_label(LOOKED.label)
    choice.select_option("digest")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your notification preferences are saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label(LOOKED.label)).to_have_value("digest")
    assert NotificationPreference.objects.get(person=org.engineer, kind=LOOKED.key).channel == (
        "digest"
    )
    assert console.errors() == []


def test_the_pages_fit_a_phone(mobile_page: Page, org, goal) -> None:
    _tell(org, goal, 2)
    sign_in(mobile_page, org.engineer.work_email)
    expect(mobile_page.locator("#bell .bell-count")).to_have_text("2")
    mobile_page.goto("/notifications/?show=all")
    expect(mobile_page.locator(".notification")).to_have_count(2)
    check_page(mobile_page, "notifications-list")
    mobile_page.goto("/notifications/preferences/")
    check_page(mobile_page, "notification-preferences")


def test_hr_reads_the_delivery_page(page: Page, org, goal) -> None:
    services.notify(LOOKED.key, [org.engineer], actor=org.eng_manager, target=goal)
    NotificationPreference.objects.create(person=org.seller, kind=LOOKED.key, channel="email")
    services.notify(LOOKED.key, [org.seller], actor=org.eng_manager, target=goal)
    sign_in(page, org.hr.work_email)
    page.locator(".usermenu summary").click()
    page.get_by_role("link", name="Mail delivery").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mail delivery")
    expect(page.locator(".delivery-table tbody tr")).to_have_count(1)
    check_page(page, "notifications-delivery")
