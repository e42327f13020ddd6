"""A KPI's period is named for people as every page writes dates ("Dec 2026", "Q4 2026",
"Week of 30 Nov 2026") and for machines as the API and imports read it ("2026-12",
"2026-Q4", "2026-W49"); both read back by ``parse_period``."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from cadence.kpis import services
from cadence.kpis.home import values_due
from cadence.kpis.models import Kpi

D = datetime.date
API = "/api/v1"


@pytest.mark.parametrize(
    ("frequency", "day", "name", "label"),
    [
        ("monthly", D(2026, 12, 1), "Dec 2026", "2026-12"),
        ("monthly", D(2026, 3, 17), "Mar 2026", "2026-03"),  # any day names its month
        ("quarterly", D(2026, 10, 1), "Q4 2026", "2026-Q4"),
        # Either side of a quarter's boundary.
        ("quarterly", D(2026, 3, 31), "Q1 2026", "2026-Q1"),
        ("quarterly", D(2026, 4, 1), "Q2 2026", "2026-Q2"),
        ("weekly", D(2026, 11, 30), "Week of 30 Nov 2026", "2026-W49"),
        ("weekly", D(2026, 12, 3), "Week of 30 Nov 2026", "2026-W49"),  # a Thursday
        # ISO week 1 of 2026 starts in 2025; the name says the Monday, not the ISO year.
        ("weekly", D(2026, 1, 1), "Week of 29 Dec 2025", "2026-W01"),
        # 2026 has 53 ISO weeks: the last one ends on Sunday 3 January 2027.
        ("weekly", D(2027, 1, 3), "Week of 28 Dec 2026", "2026-W53"),
    ],
)
def test_a_period_has_a_name_for_people_and_a_label_for_machines(frequency, day, name, label):
    assert services.period_name(frequency, day) == name
    start = services.period_start_of(frequency, day)
    assert services.period_label(frequency, start) == label
    # Both read back as the period's start: a name copied from a page imports too.
    assert services.parse_period(name) == start
    assert services.parse_period(label) == start


def test_a_month_is_named_in_the_readers_language():
    with translation.override("de"):
        assert services.period_name("monthly", D(2026, 3, 1)) == "März 2026"
    assert services.period_name("monthly", D(2026, 3, 1)) == "Mar 2026"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Mar 2026", D(2026, 3, 1)),
        ("March 2026", D(2026, 3, 1)),
        ("  march   2026 ", D(2026, 3, 1)),
        ("Week 7, 2026", D(2026, 2, 9)),
        ("week 7 2026", D(2026, 2, 9)),
        ("Week 53, 2026", D(2026, 12, 28)),
        ("Week 53, 2025", None),  # 2025 has 52 ISO weeks
        ("Smarch 2026", None),
        ("Week of someday", None),
    ],
)
def test_imports_read_the_human_forms(text, day):
    assert services.parse_period(text) == day


def test_pages_and_errors_name_the_period_while_the_api_keeps_the_label(org, person_kpi):
    # Thursday 1 January 2026 lies in ISO week 1 of 2026, which starts on 29 Dec 2025.
    client = org.client_for(org.engineer)
    response = client.post(
        f"{API}/kpis/{person_kpi.pk}/measurements",
        {"period_start": "2026-01-01", "value": 4},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["period"] == "2026-W01"
    listed = client.get(f"{API}/kpis/{person_kpi.pk}/measurements").json()
    assert [m["period"] for m in listed["items"]] == ["2026-W01"]
    (series,) = client.get(f"{API}/kpis/{person_kpi.pk}").json()["series"]
    assert series["latest"]["period"] == "2026-W01"

    page = client.get(reverse("kpis:kpi", args=[person_kpi.pk])).content.decode()
    values = page[page.index('class="kpi-values"') :]
    assert "<td>Week of 29 Dec 2025</td>" in values
    assert "2026-W01" not in page
    # The chart's tooltips name the period too.
    assert "<title>Week of 29 Dec 2025: 4</title>" in page
    listing = client.get(reverse("kpis:index")).content.decode()
    assert "(Week of 29 Dec 2025)" in listing

    future = services.period_start_of("weekly", datetime.date.today() + datetime.timedelta(days=14))
    refused = client.post(
        reverse("kpis:record", args=[person_kpi.pk]),
        {"period": future.isoformat(), "value": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 422
    assert f"Week of {future.day} {future:%b %Y} has not started yet" in refused.text


def test_an_outsider_sees_no_period_of_a_kpi_they_may_not_read(org, person_kpi):
    services.measurement_record(
        actor=org.engineer.user, kpi=person_kpi, value=4, period_start=D(2026, 1, 1)
    )
    outsider = org.client_for(org.seller)
    assert outsider.get(reverse("kpis:kpi", args=[person_kpi.pk])).status_code == 404
    assert outsider.get(f"{API}/kpis/{person_kpi.pk}/measurements").status_code == 404
    assert "Week of 29 Dec 2025" not in outsider.get(reverse("kpis:index")).text


def test_the_home_page_names_the_period_that_is_due(org, person_kpi, role_kpi):
    Kpi.objects.update(created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    today = D(2026, 1, 7)  # a Wednesday: last week began on Monday 29 December
    mine = [i.text for i in values_due(org.engineer.user, org.engineer, today)]
    assert mine == ["Record Tickets closed for Week of 29 Dec 2025"]
    theirs = [i.text for i in values_due(org.sales_manager.user, org.sales_manager, today)]
    assert theirs == ["Record Calls made for Dec 2025: Sam Seller"]


def test_the_chart_names_months_on_its_axis(org, team_kpi):
    for day in (D(2025, 11, 1), D(2026, 1, 1)):
        services.measurement_record(actor=org.hr.user, kpi=team_kpi, value=8, period_start=day)
    page = org.client_for(org.eng_manager).get(reverse("kpis:kpi", args=[team_kpi.pk])).text
    figure = page[page.index('<figure class="chart kpi-chart">') :]
    figure = figure[: figure.index("</figure>")]
    assert ">Nov 2025</text>" in figure and ">Jan 2026</text>" in figure
    assert "1 Nov" not in figure
    assert "2 values from Nov 2025 (8 deploys) to Jan 2026" in figure
