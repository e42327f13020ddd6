"""Every main page holds together on a phone and a desktop: nothing wider than the screen,
the navigation reachable, no CSP violation.

Set CADENCE_SCREENSHOTS=/some/dir to keep full-page screenshots for a human to look at
(see ``check_page`` in conftest.py).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cadence.accounts.models import User
from tests.browser.conftest import DESKTOP, MOBILE, check_page, sign_in, sign_out


def _manager_pages(org) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "directory": reverse("people:directory"),
        "directory-empty": reverse("people:directory") + "?q=nobody-by-that-name",
        "profile": reverse("people:person", args=[org.engineer.pk]),
        "team": reverse("people:team", args=[org.eng_manager.pk]),
        "team-line": reverse("people:team", args=[org.eng_manager.pk]) + "?show=line",
        "org-chart": reverse("people:org_chart"),
        "org-chart-top": reverse("people:org_chart_top"),
        "departments": reverse("people:departments"),
        "api-tokens": reverse("accounts:api_tokens"),
        "password": reverse("account_change_password"),
        "two-factor": reverse("mfa_index"),
        "not-found": "/no-such-page/",
    }


def _hr_pages(org) -> dict[str, str]:
    return {
        "hr-directory": reverse("people:directory"),
        "hr-profile": reverse("people:person", args=[org.engineer.pk]),
        "attributes": reverse("people:attributes"),
        "person-edit": reverse("people:person_edit", args=[org.engineer.pk]),
        "person-new": reverse("people:person_new"),
        "audit-log": reverse("audit_log"),
        "person-history": reverse("audit_log") + f"?person={org.engineer.pk}",
    }


@pytest.mark.browser
@pytest.mark.parametrize("size", ["desktop", "mobile"])
def test_pages_fit_the_screen(page: Page, org, size):
    page.set_viewport_size(DESKTOP if size == "desktop" else MOBILE)
    page.goto(reverse("account_login"))
    check_page(page, "login")
    for person, pages in [(org.eng_manager, _manager_pages), (org.hr, _hr_pages)]:
        sign_in(page, person.work_email)
        for name, url in pages(org).items():
            page.goto(url)
            expect(page.locator("h1")).to_be_visible()
            check_page(page, name)
        sign_out(page)


LATER_AREAS = ["Plan", "Goals", "Check-ins", "Feedback", "Reviews", "Development", "Insights"]


def navigation_with_later_areas(request):
    """The real navigation plus the entries the later areas will add."""
    from cadence.core.context_processors import navigation

    context = navigation(request)
    present = {item["label"] for item in context["nav_items"]}
    later = [
        {"key": a.lower(), "label": a, "url": "/#" + a.lower()}
        for a in LATER_AREAS
        if a not in present  # areas that exist by now bring their real entry
    ]
    return {**context, "nav_items": [*context["nav_items"], *later]}


@pytest.fixture
def later_areas_nav(settings):
    engine = settings.TEMPLATES[0]
    processors = [
        p
        if p != "cadence.core.context_processors.navigation"
        else "tests.browser.test_layout.navigation_with_later_areas"
        for p in engine["OPTIONS"]["context_processors"]
    ]
    options = {**engine["OPTIONS"], "context_processors": processors}
    settings.TEMPLATES = [{**engine, "OPTIONS": options}]


@pytest.mark.browser
def test_navigation_holds_every_later_area_on_desktop(page: Page, org, later_areas_nav):
    # A manager who is also an HR admin sees every entry there is today.
    User.objects.filter(pk=org.ceo.user_id).update(is_hr_admin=True)
    sign_in(page, org.ceo.work_email)
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    real = [
        "Home",
        "Plan",
        "Goals",
        "KPIs",
        "1:1s",
        "Feedback",
        "Reviews",
        "Development",
        "People",
        "Org chart",
        "My team",
        "Import",
    ]
    expect(links).to_have_count(len(real) + len([a for a in LATER_AREAS if a not in real]))
    boxes = [link.bounding_box() for link in links.all()]
    assert len({round(box["y"]) for box in boxes}) == 1, "one row of tabs at 1280px"
    assert max(box["x"] + box["width"] for box in boxes) <= DESKTOP["width"]
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    check_page(page, "nav-later-areas")

    # On a small laptop or tablet the tabs wrap: every entry stays on screen.
    page.set_viewport_size({"width": 800, "height": 800})
    boxes = [link.bounding_box() for link in links.all()]
    assert max(box["x"] + box["width"] for box in boxes) <= 800
    check_page(page, "nav-later-areas-800")


@pytest.mark.browser
def test_navigation_collapses_behind_a_menu_on_a_phone(mobile_page: Page, org, later_areas_nav):
    page = mobile_page
    sign_in(page, org.hr.work_email)
    menu = page.locator("details.navtoggle > summary")
    expect(menu).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    check_page(page, "nav-closed")

    menu.click()
    nav = page.get_by_role("navigation", name="Main")
    for area in ["Home", "People", "Import", *LATER_AREAS]:
        expect(nav.get_by_role("link", name=area)).to_be_visible()
    check_page(page, "nav-open")

    # Keyboard users open it too: the toggle is a native disclosure button.
    page.goto("/")
    menu.focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Org chart")).to_be_visible()
    nav.get_by_role("link", name="Org chart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Org chart")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
