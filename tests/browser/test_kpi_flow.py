"""KPIs in a real browser: the list from the navigation, the KPI page with its chart,
recording a value through htmx without a page load, at desktop and phone sizes."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from cadence.kpis import services
from cadence.kpis.models import KpiMeasurement
from cadence.people.models import Department
from tests.browser.conftest import Console, check_page, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def team_kpi(org):
    return services.kpi_define(
        actor=org.eng_manager.user,
        name="Deploys",
        code="deploys",
        unit="deploys",
        target=10,
        frequency="monthly",
        scope="team",
        department=Department.objects.get(full_name="Engineering/Platform"),
    )


def _values(org, kpi) -> None:
    today = datetime.date.today()
    for months_ago, value in ((4, 6), (3, 8), (2, 11), (1, 9)):
        day = (today.replace(day=1) - datetime.timedelta(days=28 * months_ago)).replace(day=1)
        services.measurement_record(actor=org.hr.user, kpi=kpi, value=value, period_start=day)


def test_record_a_value_in_place(page: Page, console: Console, org, team_kpi) -> None:
    _values(org, team_kpi)
    sign_in(page, org.eng_manager.work_email)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="KPIs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("KPIs")
    expect(nav.get_by_role("link", name="KPIs")).to_have_attribute("aria-current", "page")
    check_page(page, "kpis-index")
    page.get_by_role("link", name="Deploys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deploys")
    # One drawing per size (charts.line_chart_sizes); the card's width shows one.
    chart = page.locator("figure.kpi-chart svg[role=img]:visible")
    expect(chart).to_have_count(1)
    expect(chart.locator("circle")).to_have_count(4)
    check_page(page, "kpis-detail")

    page.evaluate("window.cadenceTestMark = 'same-document'")
    series = page.locator("#series-all")
    series.get_by_text("Record a value").click()
    series.get_by_role("spinbutton", name="Value").fill("13")
    series.get_by_role("textbox", name="Note").fill("Release train")
    with page.expect_response(
        lambda r: "/record/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        series.get_by_role("button", name="Save").click()
    series = page.locator("#series-all")
    expect(series).to_contain_text("Value saved.")
    expect(series).to_contain_text("Release train")
    expect(series.locator("svg:visible circle")).to_have_count(5)
    assert page.evaluate("window.cadenceTestMark") == "same-document"
    assert KpiMeasurement.objects.filter(kpi=team_kpi, note="Release train").exists()
    assert not console.errors(), console


def test_kpi_page_on_a_phone(mobile_page: Page, org, team_kpi) -> None:
    _values(org, team_kpi)
    sign_in(mobile_page, org.engineer.work_email)
    mobile_page.goto(f"/kpis/{team_kpi.pk}/")
    expect(mobile_page.locator("figure.kpi-chart svg:visible")).to_have_count(1)
    check_page(mobile_page, "kpis-detail")
