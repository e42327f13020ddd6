"""A 1:1 in a real browser: the report adds a talking point before the meeting, the
manager marks it held with the point unresolved, and the point is on the next meeting's
agenda, carried over; the shared notes autosave through htmx. At desktop and phone
sizes."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cadence.meetings import services
from cadence.meetings.models import Meeting, TalkingPoint
from tests.browser.conftest import Console, check_page, sign_in, sign_out
from tests.meetings.conftest import next_meeting, series  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


@pytest.fixture
def earlier(org, series):  # noqa: F811 - the fixture above
    return services.meeting_add(
        actor=org.eng_manager.user,
        series=series,
        when=timezone.now() - datetime.timedelta(hours=2),
    )


def _flow(page: Page, org, earlier, size: str) -> None:
    sign_in(page, org.engineer.work_email)
    nav = page.get_by_role("navigation", name="Main")
    if size == "mobile":
        page.locator(".navtoggle summary").click()
    nav.get_by_role("link", name="1:1s").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My 1:1s")
    check_page(page, "meetings-index")
    page.goto(f"/meetings/{earlier.pk}/")
    page.get_by_label("Add a talking point").fill("Which conference next spring?")
    page.get_by_role("button", name="Add", exact=True).first.click()
    agenda = page.locator("#agenda").locator("..")
    expect(page.locator(".meetings-point")).to_have_count(1)
    expect(page.locator(".meetings-point").first).to_contain_text("Which conference next spring?")

    notes = page.get_by_role("textbox", name="Shared notes")
    with page.expect_response(
        lambda r: "/notes/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        notes.fill("We talked about the roadmap.")
        notes.blur()
    expect(page.locator("#notes-status")).to_contain_text("Saved at")
    check_page(page, "meetings-meeting")
    sign_out(page)

    sign_in(page, org.eng_manager.work_email)
    page.goto(f"/meetings/{earlier.pk}/")
    expect(page.get_by_role("textbox", name="Shared notes")).to_have_value(
        "We talked about the roadmap."
    )
    page.get_by_role("button", name="Mark as held").click()
    expect(page.locator(".messages")).to_contain_text("Open points are on the next meeting")
    point = page.locator(".meetings-point").first
    expect(point).to_contain_text("Which conference next spring?")
    expect(point).to_contain_text("carried over from")
    check_page(page, "meetings-next")
    del agenda


def test_a_point_is_carried_over_to_the_next_meeting(
    page: Page,
    console: Console,
    org,
    earlier,
    next_meeting,  # noqa: F811
) -> None:
    _flow(page, org, earlier, "desktop")
    carried = TalkingPoint.objects.get(meeting=next_meeting)
    assert carried.carried_from.meeting_id == earlier.pk
    assert Meeting.objects.get(pk=earlier.pk).state == Meeting.State.HELD
    assert not console.errors(), console.errors()


def test_the_same_at_phone_size(
    mobile_page: Page,
    console: Console,
    org,
    earlier,
    next_meeting,  # noqa: F811
) -> None:
    _flow(mobile_page, org, earlier, "mobile")
    assert (
        TalkingPoint.objects.filter(meeting=next_meeting, carried_from__isnull=False).count() == 1
    )


def _pages(page: Page, org, series) -> None:  # noqa: F811
    sign_in(page, org.eng_manager.work_email)
    page.goto(f"/meetings/series/{series.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("1:1 with Ann Engineer")
    check_page(page, "meetings-series")
    page.goto("/meetings/")
    page.get_by_role("link", name="Coaching journal").click()
    page.get_by_role("link", name="Ann Engineer").click()
    page.get_by_label("Note").fill("Ran the retro well; ask her to coach Bob on it.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".meetings-note")).to_contain_text("Ran the retro well")
    page.get_by_role("button", name="Share with HR").click()
    expect(page.locator(".meetings-note")).to_contain_text("Shared with HR")
    check_page(page, "meetings-journal")
    page.goto("/meetings/calendar/")
    page.get_by_role("button", name="Create my calendar link").click()
    expect(page.get_by_label("Calendar link")).to_have_value(
        re.compile(r"/meetings/calendar/.+\.ics$")
    )
    check_page(page, "meetings-calendar")


def test_coaching_journal_and_calendar_link(
    page: Page,
    console: Console,
    org,
    series,  # noqa: F811
) -> None:
    _pages(page, org, series)


def test_coaching_journal_and_calendar_link_at_phone_size(
    mobile_page: Page,
    console: Console,
    org,
    series,  # noqa: F811
) -> None:
    _pages(mobile_page, org, series)


def _reorder(page: Page, org, next_meeting) -> None:  # noqa: F811
    for text in ("Career path", "Roadmap", "Training budget"):
        services.point_add(actor=org.engineer.user, meeting=next_meeting, text=text)
    moved = TalkingPoint.objects.get(meeting=next_meeting, text="Training budget")
    sign_in(page, org.engineer.work_email)  # her points: "Remove" too, the widest row
    page.goto(f"/meetings/{next_meeting.pk}/")
    words = page.locator(".meetings-point-words")
    expect(words).to_have_text(["Career path", "Roadmap", "Training budget"])
    page.evaluate("() => { window.stillHere = true; }")  # gone if the page reloads
    page.locator(f"#point-{moved.pk}-up").focus()
    with page.expect_response(
        lambda r: "/move/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.keyboard.press("Enter")
    expect(words).to_have_text(["Career path", "Training budget", "Roadmap"])
    # The keyboard user is still on the point they moved: Enter again moves it again.
    expect(page.locator(f"#point-{moved.pk}-up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(words).to_have_text(["Training budget", "Career path", "Roadmap"])
    # First now: its "Move up" is disabled and the focus is on its "Move down".
    expect(page.locator(f"#point-{moved.pk}-up")).to_be_disabled()
    expect(page.locator(f"#point-{moved.pk}-down")).to_be_focused()
    assert page.evaluate("() => window.stillHere === true")
    check_page(page, "meetings-reorder")
    page.reload()
    expect(words).to_have_text(["Training budget", "Career path", "Roadmap"])


def test_the_agenda_is_reordered_with_the_keyboard(
    page: Page,
    console: Console,
    org,
    next_meeting,  # noqa: F811
) -> None:
    _reorder(page, org, next_meeting)
    assert not console.errors(), console.errors()


def test_the_agenda_is_reordered_at_phone_size(
    mobile_page: Page,
    console: Console,
    org,
    next_meeting,  # noqa: F811
) -> None:
    _reorder(mobile_page, org, next_meeting)
    assert not console.errors(), console.errors()


def test_a_move_refused_after_the_meeting_was_held_says_why(
    page: Page,
    org,
    next_meeting,  # noqa: F811
) -> None:
    """htmx swaps nothing on a refusal: cadence.js says so where the messages go, with
    Cadence's reason, and the next request that works clears it."""
    for text in ("Career path", "Roadmap"):
        services.point_add(actor=org.engineer.user, meeting=next_meeting, text=text)
    roadmap = TalkingPoint.objects.get(meeting=next_meeting, text="Roadmap")
    sign_in(page, org.engineer.work_email)
    page.goto(f"/meetings/{next_meeting.pk}/")
    # Meanwhile, in the manager's tab, the meeting is marked as held.
    services.meeting_finish(actor=org.eng_manager.user, meeting=next_meeting)
    page.locator(f"#point-{roadmap.pk}-up").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That did not go through.")
    expect(alert).to_contain_text("This meeting is no longer coming up")
    expect(alert).to_contain_text("Reload the page")
    expect(page.locator(".meetings-point-words")).to_have_text(["Career path", "Roadmap"])
    # A request that works (the shared notes' autosave, through htmx) clears the message.
    page.evaluate("() => { window.stillHere = true; }")  # gone if the page reloads
    notes = page.get_by_role("textbox", name="Shared notes")
    with page.expect_response(
        lambda r: "/notes/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        notes.fill("We moved the roadmap to next time.")
        notes.blur()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert page.evaluate("() => window.stillHere === true")
