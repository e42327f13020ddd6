"""A KPI's trend fills its card like a check-in chart, on a phone (390 px) and a desktop
(1280 px): one drawing shown, as wide as the card, its tick labels apart and legible."""

import datetime

import pytest
from playwright.sync_api import Browser

from cadence.kpis import services
from cadence.people.models import Department
from tests.browser.conftest import DESKTOP, MOBILE, Console, _new_page, check_page, sign_in
from tests.browser.test_goal_health_charts import _check_chart

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390px", "1280px"])
def test_a_kpi_trend_fills_its_card(browser: Browser, live_server, console: Console, org, viewport):
    kpi = services.kpi_define(
        actor=org.eng_manager.user,
        name="Monthly recurring revenue",
        unit="EUR",
        target=1_250_000,
        frequency="monthly",
        scope="team",
        department=Department.objects.get(full_name="Engineering/Platform"),
    )
    first = datetime.date.today().replace(day=1)
    for months_ago in range(11, 0, -1):
        day = first
        for _month in range(months_ago):
            day = (day - datetime.timedelta(days=1)).replace(day=1)
        services.measurement_record(
            actor=org.hr.user, kpi=kpi, value=900_000 + 40_000 * (11 - months_ago), period_start=day
        )
    page = _new_page(browser, live_server, console, viewport)
    try:
        sign_in(page, org.eng_manager.work_email)
        page.goto(f"/kpis/{kpi.pk}/")
        _check_chart(page)
        check_page(page, "kpi-chart")
        assert not console.errors(), console
    finally:
        page.context.close()
    assert not console.csp_violations(), console.csp_violations()
