"""KPI pages through their URLs, including every refusal."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cadence.kpis import services
from cadence.kpis.models import Kpi, KpiMeasurement
from tests.conftest import make_person


def url(name, *args):
    return reverse(f"kpis:{name}", args=args)


def test_index_groups_and_nav(org, team_kpi, person_kpi, role_kpi, sales_kpi):
    services.measurement_record(
        actor=org.hr.user, kpi=team_kpi, value=12, period_start=datetime.date(2026, 1, 1)
    )
    page = org.client_for(org.engineer).get(url("index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/kpis/"' in html  # the navigation entry
    assert "Deploys" in html and "Tickets closed" in html
    assert "On target" in html
    assert "Pipeline" not in html and "Calls made" not in html
    assert "Define a KPI" not in html  # not a manager
    hr = org.client_for(org.hr).get(url("index")).content.decode()
    assert all(name in hr for name in ("Deploys", "Tickets closed", "Calls made", "Pipeline"))


def test_index_query_count_is_fixed(
    org, team_kpi, person_kpi, role_kpi, sales_kpi, django_assert_max_num_queries
):
    client = org.client_for(org.hr)
    with django_assert_max_num_queries(14):
        assert client.get(url("index")).status_code == 200


def test_detail_shows_chart_and_values(org, team_kpi):
    services.measurement_record(
        actor=org.hr.user,
        kpi=team_kpi,
        value=8,
        period_start=datetime.date(2026, 1, 1),
        note="slow <month>",
    )
    services.measurement_record(
        actor=org.hr.user, kpi=team_kpi, value=12, period_start=datetime.date(2026, 2, 1)
    )
    page = org.client_for(org.engineer2).get(url("kpi", team_kpi.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html and "chart-target" in html
    assert "Jan 2026" in html and "Feb 2026" in html
    assert "slow &lt;month&gt;" in html
    assert "Record a value" not in html  # a team member may read, not record
    manager = org.client_for(org.eng_manager).get(url("kpi", team_kpi.pk)).content.decode()
    assert "Record a value" in manager and "Edit" in manager


def test_record_with_htmx_returns_the_series(org, team_kpi):
    client = org.client_for(org.eng_manager)
    response = client.post(
        url("record", team_kpi.pk),
        {"period": "2026-03-15", "value": "9.5", "note": "ok"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card kpi-series')
    assert "Value saved." in html and "Mar 2026" in html
    m = KpiMeasurement.objects.get()
    assert m.period_start == datetime.date(2026, 3, 1) and m.source == "form"
    response = client.post(
        url("record", team_kpi.pk), {"period": "2026-03-02", "value": "11"}, HTTP_HX_REQUEST="true"
    )
    assert KpiMeasurement.objects.get().value == 11


def test_record_errors_are_shown_in_the_form(org, team_kpi):
    client = org.client_for(org.eng_manager)
    future = (datetime.date.today() + datetime.timedelta(days=100)).isoformat()
    response = client.post(
        url("record", team_kpi.pk), {"period": future, "value": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "has not started yet" in response.content.decode()
    response = client.post(url("record", team_kpi.pk), {"period": "2026-01-01", "value": "x"})
    assert response.status_code == 302
    assert not KpiMeasurement.objects.exists()


def test_person_records_their_own_kpi(org, person_kpi):
    response = org.client_for(org.engineer).post(
        url("record", person_kpi.pk), {"period": "2026-01-07", "value": "6"}
    )
    assert response.status_code == 302
    assert KpiMeasurement.objects.get().period_start == datetime.date(2026, 1, 5)


def test_role_kpi_series_per_person(org, role_kpi):
    client = org.client_for(org.sales_manager)
    response = client.post(
        url("record", role_kpi.pk),
        {"period": "2026-01-10", "value": "50", "person": org.seller.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="series-{org.seller.pk}"' in response.content.decode()
    seller_page = org.client_for(org.seller).get(url("kpi", role_kpi.pk)).content.decode()
    assert "Sam Seller" in seller_page and "Record a value" not in seller_page


def test_role_kpi_page_lists_holders_and_shows_one_series(org, role_kpi):
    other = make_person(
        "other.ae@example.com", manager=org.sales_manager, job_title="Account executive"
    )
    services.measurement_record(
        actor=org.hr.user,
        kpi=role_kpi,
        value=50,
        period_start=datetime.date(2026, 1, 1),
        person=other,
    )
    client = org.client_for(org.sales_manager)
    html = client.get(url("kpi", role_kpi.pk)).content.decode()
    assert "2 people" in html and "Other Ae" in html and "Sam Seller" in html
    # The first holder by name is shown: Other Ae, with a value on target.
    assert f'id="series-{other.pk}"' in html and "On target" in html
    html = client.get(url("kpi", role_kpi.pk), {"person": org.seller.pk}).content.decode()
    assert f'id="series-{org.seller.pk}"' in html and f'id="series-{other.pk}"' not in html
    # A holder sees only themself, whatever they ask for.
    seller = org.client_for(org.seller)
    html = seller.get(url("kpi", role_kpi.pk)).content.decode()
    assert f'id="series-{org.seller.pk}"' in html and "Other Ae" not in html
    assert seller.get(url("kpi", role_kpi.pk), {"person": other.pk}).status_code == 404
    assert seller.get(url("kpi", role_kpi.pk), {"person": "x"}).status_code == 404


def test_pages_show_each_values_period_and_status(org, team_kpi, role_kpi):
    """What the list, the holders' table and the values table show, read from the rows
    the queries and the view build (not from attributes set on the models)."""
    for day, value in ((datetime.date(2026, 1, 1), 12), (datetime.date(2026, 2, 1), 8)):
        services.measurement_record(
            actor=org.hr.user, kpi=team_kpi, value=value, period_start=day, note=f"n{value}"
        )
    services.measurement_record(
        actor=org.hr.user,
        kpi=role_kpi,
        value=50,
        period_start=datetime.date(2026, 1, 1),
        person=org.seller,
    )
    client = org.client_for(org.hr)
    listing = client.get(url("index")).content.decode()
    # Values read with their unit, as every page writes a KPI's numbers.
    assert "8 deploys <span" in listing and "(Feb 2026)" in listing and "Off target" in listing
    detail = client.get(url("kpi", team_kpi.pk)).content.decode()
    values = detail[detail.index('class="kpi-values"') :]
    # Newest first, each with its period, status and note.
    assert values.index("Feb 2026") < values.index("Jan 2026")
    assert "n8" in values and "n12" in values and "On target" in values
    assert "Latest: <strong>8 deploys</strong>" in detail
    holders = client.get(url("kpi", role_kpi.pk)).content.decode()
    assert f'href="?person={org.seller.pk}"' in holders and "Sam Seller" in holders
    assert "50 calls <span" in holders and "(Jan 2026)" in holders


def test_define_and_edit(org, platform):
    client = org.client_for(org.eng_manager)
    assert client.get(url("kpi_create")).status_code == 200
    response = client.post(
        url("kpi_create"),
        {
            "name": "Review turnaround",
            "unit": "h",
            "target": "24",
            "direction": "decrease",
            "frequency": "weekly",
            "scope": "person",
            "person": "E100",
        },
    )
    kpi = Kpi.objects.get(name="Review turnaround")
    assert response.status_code == 302 and kpi.person == org.engineer
    response = client.post(
        url("kpi_edit", kpi.pk),
        {
            "name": "Review turnaround",
            "code": kpi.code,
            "unit": "h",
            "target": "12",
            "direction": "decrease",
            "frequency": "weekly",
            "scope": "person",
            "person": "E100",
        },
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.target == 12
    response = client.post(url("kpi_active", kpi.pk))
    kpi.refresh_from_db()
    assert not kpi.is_active


def test_define_refuses_scopes_outside_the_line(org, platform):
    client = org.client_for(org.eng_manager)
    for data in (
        {"scope": "person", "person": "sam.seller@example.com"},
        {"scope": "role", "job_title": "Engineer"},
        {"scope": "team", "department": platform.parent_id},
    ):
        response = client.post(
            url("kpi_create"),
            {
                "name": "X",
                "target": "1",
                "direction": "increase",
                "frequency": "monthly",
                **data,
            },
        )
        assert response.status_code == 422, data
    assert not Kpi.objects.exists()
    response = client.post(
        url("kpi_create"),
        {
            "name": "X",
            "target": "1",
            "direction": "increase",
            "frequency": "monthly",
            "scope": "person",
            "person": "nobody@example.com",
        },
    )
    assert "no active person you may define KPIs for" in response.content.decode()


def test_import_check_then_confirm(org, team_kpi):
    client = org.client_for(org.eng_manager)
    assert client.get(url("import")).status_code == 200
    bad = SimpleUploadedFile("v.csv", b"KPI,Period,Value\r\ndeploys,2026-01,x\r\nzzz,2026-01,1\r\n")
    response = client.post(url("import"), {"file": bad})
    html = response.content.decode()
    assert response.status_code == 422
    assert "line 2: Value: “x” is not a number" in html
    assert "line 3: KPI: no KPI with the code zzz" in html
    good = SimpleUploadedFile("v.csv", b"KPI,Period,Value\r\ndeploys,2026-01,4\r\n")
    response = client.post(url("import"), {"file": good})
    assert response.status_code == 200
    assert "1 new, 0 replaced, 0 unchanged" in response.content.decode()
    assert "<td>Jan 2026</td>" in response.content.decode()  # the preview names the period
    assert not KpiMeasurement.objects.exists()
    response = client.post(url("import_confirm"))
    assert response.status_code == 302
    assert KpiMeasurement.objects.get().value == 4
    # The preview is used once.
    response = client.post(url("import_confirm"))
    assert KpiMeasurement.objects.count() == 1


# --- refusals -------------------------------------------------------------------------------

PAGES = [
    ("get", "index", False),
    ("get", "kpi_create", False),
    ("get", "import", False),
    ("post", "import_confirm", False),
    ("get", "kpi", True),
    ("get", "kpi_edit", True),
    ("post", "kpi_active", True),
    ("post", "record", True),
]


@pytest.mark.parametrize(("method", "name", "needs_kpi"), PAGES)
def test_anonymous_is_sent_to_login(org, team_kpi, method, name, needs_kpi):
    response = getattr(Client(), method)(url(name, *([team_kpi.pk] if needs_kpi else [])))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "kpi"),
        ("get", "kpi_edit"),
        ("post", "kpi_active"),
        ("post", "record"),
    ],
)
def test_unrelated_employee_and_other_branch_manager_cannot_see_a_team_kpi(
    org, team_kpi, method, name
):
    for person in (org.seller, org.sales_manager):
        response = getattr(org.client_for(person), method)(
            url(name, team_kpi.pk), {"period": "2026-01-01", "value": "1"}
        )
        assert response.status_code == 404, (person, name)
    assert not KpiMeasurement.objects.exists()


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "kpi"),
        ("get", "kpi_edit"),
        ("post", "kpi_active"),
        ("post", "record"),
    ],
)
def test_other_branch_cannot_see_a_person_kpi(org, person_kpi, method, name):
    for person in (org.engineer2, org.sales_manager):
        response = getattr(org.client_for(person), method)(
            url(name, person_kpi.pk), {"period": "2026-01-01", "value": "1"}
        )
        assert response.status_code == 404, (person, name)


def test_reader_may_not_change(org, team_kpi, person_kpi):
    member = org.client_for(org.engineer)
    assert member.get(url("kpi_edit", team_kpi.pk)).status_code == 403
    assert member.post(url("kpi_active", team_kpi.pk)).status_code == 403
    assert (
        member.post(url("record", team_kpi.pk), {"period": "2026-01-01", "value": "1"}).status_code
        == 403
    )
    # The person themself records their own KPI but does not redefine it.
    assert member.get(url("kpi_edit", person_kpi.pk)).status_code == 403
    team_kpi.refresh_from_db()
    assert team_kpi.is_active


def test_employees_without_reports_cannot_define_or_import(org):
    client = org.client_for(org.engineer)
    assert client.get(url("kpi_create")).status_code == 403
    assert client.get(url("import")).status_code == 403
    assert client.post(url("import_confirm")).status_code == 403


def test_other_branch_manager_cannot_record_for_a_role_holder_outside_their_line(org, role_kpi):
    # The engineering manager cannot even read the role KPI: nobody in their line holds it.
    client = org.client_for(org.eng_manager)
    response = client.post(
        url("record", role_kpi.pk), {"period": "2026-01-01", "value": "1", "person": org.seller.pk}
    )
    assert response.status_code == 404
    assert not KpiMeasurement.objects.exists()


def test_the_kpi_form_names_nobody_outside_the_line(org, out_of_reach):
    """Unknown, another branch's, left (either branch): one sentence, no name."""
    client = org.client_for(org.eng_manager)
    answers = set()
    for key in ("E999", "nobody@example.com", "E200", "sam.seller@example.com", "E300", "E400"):
        response = client.post(
            url("kpi_create"),
            {
                "name": "X",
                "target": "1",
                "direction": "increase",
                "frequency": "monthly",
                "scope": "person",
                "person": key,
            },
        )
        assert response.status_code == 422, key
        answers.add(str(response.context["form"].errors.as_data()))
        html = response.content.decode()
        assert "Sam Seller" not in html and "Lee Gone" not in html and "Bo Former" not in html
    assert len(answers) == 1
    assert "no active person you may define KPIs for" in answers.pop()
    assert not Kpi.objects.filter(name="X").exists()


def test_role_kpi_series_of_unknown_hidden_and_left_people_is_404(org, role_kpi, out_of_reach):
    client = org.client_for(org.sales_manager)
    assert client.get(url("kpi", role_kpi.pk), {"person": org.seller.pk}).status_code == 200
    for wanted in (10**9, org.engineer.pk, out_of_reach["own_left"].pk):
        assert client.get(url("kpi", role_kpi.pk), {"person": wanted}).status_code == 404
        response = client.post(
            url("record", role_kpi.pk), {"period": "2026-01-01", "value": "1", "person": wanted}
        )
        assert response.status_code == 404
    assert not KpiMeasurement.objects.exists()


def test_large_values_read_with_thousands_and_their_unit(org, sales_kpi):
    services.measurement_record(
        actor=org.hr.user, kpi=sales_kpi, value=1300000, period_start=datetime.date(2026, 1, 1)
    )
    html = org.client_for(org.hr).get(url("kpi", sales_kpi.pk)).content.decode()
    assert "1,300,000 EUR" in html and "1300000" not in html
