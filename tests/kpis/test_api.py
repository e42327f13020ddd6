"""The KPI API (/api/v1/kpis…): the pages' rules, idempotent recording, refusals."""

import datetime

import pytest
from django.db.models.signals import pre_init
from django.test import Client

from cadence.accounts import services as account_services
from cadence.kpis import services
from cadence.kpis.api import KpiOut, MeasurementOut
from cadence.kpis.models import Kpi, KpiMeasurement

API = "/api/v1"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def codes(body) -> set[str]:
    return {k["code"] for k in body["items"]}


# --- refusals --------------------------------------------------------------------------------


def test_anonymous_gets_401_everywhere(team_kpi):
    client = Client()
    for url in (
        f"{API}/kpis",
        f"{API}/kpis/{team_kpi.pk}",
        f"{API}/kpis/{team_kpi.pk}/measurements",
    ):
        assert client.get(url).status_code == 401, url
    assert post(client, f"{API}/kpis", {}).status_code == 401
    assert (
        post(
            client,
            f"{API}/kpis/{team_kpi.pk}/measurements",
            {"period_start": "2026-01-01", "value": 1},
        ).status_code
        == 401
    )


@pytest.mark.parametrize("who", ["seller", "sales_manager"])
def test_team_kpi_hidden_from_other_branch(org, team_kpi, who):
    client = org.client_for(getattr(org, who))
    assert "deploys" not in codes(client.get(f"{API}/kpis").json())
    assert client.get(f"{API}/kpis/{team_kpi.pk}").status_code == 404
    assert client.get(f"{API}/kpis/{team_kpi.pk}/measurements").status_code == 404
    response = post(
        client, f"{API}/kpis/{team_kpi.pk}/measurements", {"period_start": "2026-01-01", "value": 1}
    )
    assert response.status_code == 404
    assert not KpiMeasurement.objects.exists()


def test_unrelated_colleague_cannot_see_a_person_kpi(org, person_kpi):
    client = org.client_for(org.engineer2)
    assert client.get(f"{API}/kpis/{person_kpi.pk}").status_code == 404
    assert (
        post(
            client,
            f"{API}/kpis/{person_kpi.pk}/measurements",
            {"period_start": "2026-01-01", "value": 1},
        ).status_code
        == 404
    )


def test_reader_may_not_record_team_values(org, team_kpi):
    response = post(
        org.client_for(org.engineer),
        f"{API}/kpis/{team_kpi.pk}/measurements",
        {"period_start": "2026-01-01", "value": 1},
    )
    assert response.status_code == 403 and response.json()["detail"]


def test_define_refused_outside_the_line(org, platform):
    engineer = org.client_for(org.engineer)
    body = {"name": "X", "target": 1, "scope": "person", "person_id": org.engineer2.pk}
    assert post(engineer, f"{API}/kpis", body).status_code == 403
    other = org.client_for(org.sales_manager)
    body = {"name": "X", "target": 1, "scope": "team", "department_id": platform.pk}
    assert post(other, f"{API}/kpis", body).status_code == 403
    # A person outside the caller's line reads like an unknown one (see test_access).
    body = {"name": "X", "target": 1, "scope": "person", "person_id": org.engineer.pk}
    assert post(other, f"{API}/kpis", body).status_code == 422
    role = {"name": "X", "target": 1, "scope": "role", "job_title": "Engineer"}
    assert post(org.client_for(org.eng_manager), f"{API}/kpis", role).status_code == 403
    assert not Kpi.objects.exists()


def test_role_series_of_other_branch_hidden(org, role_kpi):
    services.measurement_record(
        actor=org.hr.user,
        kpi=role_kpi,
        value=30,
        period_start=datetime.date(2026, 1, 1),
        person=org.seller,
    )
    client = org.client_for(org.eng_manager)
    assert client.get(f"{API}/kpis/{role_kpi.pk}").status_code == 404
    assert (
        client.get(f"{API}/kpis/{role_kpi.pk}/measurements?person={org.seller.pk}").status_code
        == 404
    )


# --- reading and writing ------------------------------------------------------------------------


def test_list_and_detail(org, team_kpi, person_kpi, role_kpi, sales_kpi):
    services.measurement_record(
        actor=org.hr.user, kpi=team_kpi, value=12, period_start=datetime.date(2026, 1, 1)
    )
    client = org.client_for(org.engineer)
    assert codes(client.get(f"{API}/kpis").json()) == {"deploys", "tickets"}
    assert codes(org.client_for(org.exec_viewer).get(f"{API}/kpis").json()) == {
        "deploys",
        "tickets",
        "calls",
        "pipeline",
    }
    body = client.get(f"{API}/kpis/{team_kpi.pk}").json()
    assert body["department_name"] == "Engineering/Platform"
    (series,) = body["series"]
    assert float(series["latest"]["value"]) == 12
    assert series["on_target"] is True
    assert series["measurements"][0]["period"] == "2026-01"


def test_define_and_record_idempotently(org, platform):
    client = org.client_for(org.eng_manager)
    response = post(
        client,
        f"{API}/kpis",
        {
            "name": "Incidents",
            "target": 2,
            "direction": "decrease",
            "frequency": "quarterly",
            "scope": "team",
            "department_id": platform.pk,
        },
    )
    assert response.status_code == 201, response.content
    kpi_id = response.json()["id"]
    assert response.json()["code"] == "incidents"
    url = f"{API}/kpis/{kpi_id}/measurements"
    first = post(client, url, {"period_start": "2026-02-15", "value": 3})
    assert first.status_code == 201
    assert first.json()["period_start"] == "2026-01-01" and first.json()["outcome"] == "created"
    assert first.json()["on_target"] is False and first.json()["source"] == "api"
    again = post(client, url, {"period_start": "2026-03-31", "value": 3})
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    changed = post(client, url, {"period_start": "2026-01-01", "value": 1})
    assert changed.json()["outcome"] == "replaced" and changed.json()["on_target"] is True
    assert KpiMeasurement.objects.filter(kpi_id=kpi_id).count() == 1
    listed = client.get(url).json()
    assert len(listed["items"]) == 1 and listed["items"][0]["period"] == "2026-Q1"


def test_record_validation_answers_422(org, team_kpi, role_kpi):
    client = org.client_for(org.eng_manager)
    future = (datetime.date.today() + datetime.timedelta(days=100)).isoformat()
    response = post(
        client, f"{API}/kpis/{team_kpi.pk}/measurements", {"period_start": future, "value": 1}
    )
    assert response.status_code == 422
    assert "Period:" in response.json()["detail"]
    hr = org.client_for(org.hr)
    response = post(
        hr, f"{API}/kpis/{role_kpi.pk}/measurements", {"period_start": "2026-01-01", "value": 1}
    )
    assert response.status_code == 422 and "Person:" in response.json()["detail"]
    response = post(
        hr,
        f"{API}/kpis/{role_kpi.pk}/measurements",
        {"period_start": "2026-01-01", "value": 1, "person_id": org.engineer.pk},
    )
    assert response.status_code == 422 and "does not hold" in response.json()["detail"]


def test_role_kpi_with_token_and_person_filter(org, role_kpi):
    _token, secret = account_services.api_token_create(actor=org.sales_manager.user, name="ci")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"{API}/kpis/{role_kpi.pk}/measurements"
    response = client.post(
        url,
        {"period_start": "2026-01-09", "value": 42, "person_id": org.seller.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = client.get(f"{url}?person={org.seller.pk}").json()
    assert [m["person_name"] for m in body["items"]] == ["Sam Seller"]
    # The seller reads their own series but may not record it.
    seller = org.client_for(org.seller)
    assert len(seller.get(f"{url}?person={org.seller.pk}").json()["items"]) == 1
    assert (
        post(
            seller, url, {"period_start": "2026-02-01", "value": 1, "person_id": org.seller.pk}
        ).status_code
        == 403
    )


def test_list_query_count_is_fixed(
    org, team_kpi, person_kpi, role_kpi, sales_kpi, django_assert_max_num_queries
):
    client = org.client_for(org.eng_manager)
    with django_assert_max_num_queries(12):
        assert client.get(f"{API}/kpis").status_code == 200


def test_unknown_other_branch_and_left_people_answer_alike(org, role_kpi, out_of_reach):
    """Defining, recording and reading: a person id the caller may not name gets the
    same answer as one that does not exist."""
    manager = org.client_for(org.eng_manager)
    answers = set()
    for person in (10**9, org.seller.pk, out_of_reach["left"].pk, out_of_reach["own_left"].pk):
        body = {"name": "X", "target": 1, "scope": "person", "person_id": person}
        response = post(manager, f"{API}/kpis", body)
        assert response.status_code == 422, person
        answers.add(response.content)
    assert len(answers) == 1 and b"Seller" not in answers.pop()
    assert not Kpi.objects.filter(name="X").exists()
    sales = org.client_for(org.sales_manager)
    url = f"{API}/kpis/{role_kpi.pk}/measurements"
    recorded, listed = set(), set()
    for person in (10**9, org.engineer.pk, out_of_reach["own_left"].pk):
        body = {"period_start": "2026-01-01", "value": 1, "person_id": person}
        response = post(sales, url, body)
        assert response.status_code == 422
        recorded.add(response.content)
        response = sales.get(url, {"person": person})
        assert response.status_code == 404
        listed.add(response.content)
    assert len(recorded) == 1 and len(listed) == 1
    assert not KpiMeasurement.objects.exists()


# --- the lists shape their rows without the schema (core/pagination.paginate_rows) --------


def test_list_rows_are_what_the_schema_shows(org, team_kpi, person_kpi, role_kpi, sales_kpi):
    """Every row of the KPI and measurement lists is, key for key and in the same order,
    what the KPI endpoint (``KpiOut`` and ``MeasurementOut``, resolvers and all) shows
    the same caller."""
    for day, value in ((datetime.date(2026, 1, 1), 12), (datetime.date(2026, 2, 1), 7)):
        services.measurement_record(actor=org.hr.user, kpi=team_kpi, value=value, period_start=day)
    services.measurement_record(
        actor=org.hr.user,
        kpi=role_kpi,
        value=41,
        period_start=datetime.date(2026, 1, 1),
        person=org.seller,
        note="Busy month",
    )
    services.measurement_record(
        actor=org.hr.user, kpi=person_kpi, value=3, period_start=datetime.date(2026, 1, 5)
    )
    kpi_keys, value_keys = list(KpiOut.model_fields), list(MeasurementOut.model_fields)
    values_seen = 0
    for person in (org.engineer, org.eng_manager, org.sales_manager, org.seller, org.hr):
        client = org.client_for(person)
        kpis = client.get(f"{API}/kpis").json()["items"]
        assert kpis
        for item in kpis:
            detail = client.get(f"{API}/kpis/{item['id']}").json()
            assert list(item) == kpi_keys
            assert item == {k: detail[k] for k in kpi_keys}, (person, item["code"])
            shown = {m["id"]: m for s in detail["series"] for m in s["measurements"]}
            listed = client.get(f"{API}/kpis/{item['id']}/measurements").json()["items"]
            assert {m["id"] for m in listed} == set(shown)
            for value in listed:
                assert list(value) == value_keys
                assert value == shown[value["id"]], (person, item["code"])
            values_seen += len(listed)
    assert values_seen


def test_lists_build_no_model_instance_per_row(org, team_kpi, platform):
    """A page is one query of values, shaped as dicts: model instances and schema
    objects per row were most of a long page's time."""
    for i in range(12):
        services.kpi_define(
            actor=org.hr.user, name=f"KPI {i}", target=1, scope="team", department=platform
        )
        services.measurement_record(
            actor=org.hr.user, kpi=team_kpi, value=i, period_start=datetime.date(2025, i + 1, 1)
        )
    built: list[type] = []

    def count(sender, **kwargs) -> None:
        built.append(sender)

    def instances(client: Client, url: str) -> int:
        built.clear()
        pre_init.connect(count)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            pre_init.disconnect(count)
        return len(built)

    client = org.client_for(org.eng_manager)
    for url in (f"{API}/kpis?page_size=", f"{API}/kpis/{team_kpi.pk}/measurements?page_size="):
        assert instances(client, url + "2") == instances(client, url + "12"), url
