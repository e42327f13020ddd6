"""KPI periods read as people name them in a real browser, at 390 and 1280 px: the home
page's item ("Record Tickets closed for Week of 23 Nov 2026") leads to the KPI, whose
table, latest value and chart name each period; a monthly KPI's axis names months.

With CADENCE_SCREENSHOTS=/some/dir, ``check_page`` keeps each page there."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from cadence.kpis import services
from cadence.kpis.home import due_period
from cadence.kpis.models import Kpi
from tests.browser.conftest import DESKTOP, MOBILE, Console, _new_page, check_page, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390px", "1280px"])
def test_periods_are_named_on_home_and_the_kpi_page(
    browser: Browser, live_server, console: Console, org, viewport
) -> None:
    today = timezone.localdate()
    weekly = services.kpi_define(
        actor=org.eng_manager.user,
        name="Tickets closed",
        target=5,
        frequency="weekly",
        scope="person",
        person=org.engineer,
    )
    monthly = services.kpi_define(
        actor=org.eng_manager.user,
        name="Reviews done",
        unit="reviews",
        target=10,
        frequency="monthly",
        scope="person",
        person=org.engineer,
    )
    Kpi.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))
    # Values up to the week (month) before the one due: the due one is on the home page.
    week = due_period("weekly", today)
    for weeks_back in range(8, 0, -1):
        day = week - datetime.timedelta(weeks=weeks_back)
        services.measurement_record(
            actor=org.engineer.user, kpi=weekly, value=3 + weeks_back % 4, period_start=day
        )
    month = due_period("monthly", today)
    for months_back in range(6, 0, -1):
        day = month
        for _ in range(months_back):
            day = services.period_start_of("monthly", day - datetime.timedelta(days=1))
        services.measurement_record(
            actor=org.engineer.user, kpi=monthly, value=6 + months_back, period_start=day
        )
    due_week = services.period_name("weekly", week)
    last_week = services.period_name("weekly", week - datetime.timedelta(weeks=1))

    page = _new_page(browser, live_server, console, viewport)
    try:
        sign_in(page, org.engineer.work_email)
        page.goto("/")
        kpis = page.locator("#home-kpis")
        item = kpis.get_by_role("link", name=f"Record Tickets closed for {due_week}")
        expect(item).to_be_visible()
        expect(
            kpis.get_by_role(
                "link", name=f"Record Reviews done for {services.period_name('monthly', month)}"
            )
        ).to_be_visible()
        check_page(page, "home-kpi-periods")

        item.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Tickets closed")
        expect(page.locator(".kpi-latest")).to_contain_text(f"for {last_week}")
        expect(page.locator("table.kpi-values tbody tr").first.locator("td").first).to_have_text(
            last_week
        )
        chart = page.locator("figure.kpi-chart svg[role=img]:visible")
        expect(chart.locator("circle title").last).to_have_text(f"{last_week}: 4")
        check_page(page, "kpi-periods-weekly")

        page.goto(f"/kpis/{monthly.pk}/")
        chart = page.locator("figure.kpi-chart svg[role=img]:visible")
        last_month = services.period_start_of("monthly", month - datetime.timedelta(days=1))
        # The axis' last label is the latest month's name, never its first day's date.
        expect(chart.locator("text.chart-tick-date").last).to_have_text(
            services.period_name("monthly", last_month)
        )
        check_page(page, "kpi-periods-monthly")
        assert not console.errors(), console
    finally:
        page.context.close()
    assert not console.csp_violations(), console.csp_violations()
