"""A person's time zone (reminders and digests reach them at their local hour): read
from the import, kept by HR on the person's page and through the API."""

import json

import pytest
from django.urls import reverse

from cadence.people import services
from cadence.people.importing import plan_import, read_table
from cadence.people.models import Person
from tests.conftest import Org
from tests.people.test_edit import form_data

API = "/api/v1"
NOT_A_ZONE = "is not a time zone name such as Europe/Berlin or America/New_York"


def plan_of(text: str):
    return plan_import(read_table(text.encode(), "people.csv"))


def imported(text: str) -> None:
    plan = plan_of(text)
    assert [str(e) for e in plan.errors] == []
    services.people_import(actor=None, plan=plan, confirm_mass_deactivation=False)


@pytest.mark.django_db
def test_the_import_reads_a_time_zone_column_under_its_usual_headers():
    imported(
        "Work Email,Name,Time Zone\r\n"
        "aiko@acme.test,Aiko Sato,Asia/Tokyo\r\n"
        "ny@acme.test,Nora York,america/new_york\r\n"  # any case: the canonical name is kept
        "org@acme.test,Olga Org,\r\n"
    )
    zones = dict(Person.objects.values_list("work_email", "time_zone"))
    assert zones == {
        "aiko@acme.test": "Asia/Tokyo",
        "ny@acme.test": "America/New_York",
        "org@acme.test": "",
    }
    # "Timezone" and "TZ" are the same column; a blank cell keeps the zone, a new one
    # replaces it and the preview shows the change.
    plan = plan_of("Email,TZ\r\naiko@acme.test,Europe/Berlin\r\nny@acme.test,\r\n")
    [change] = plan.updated
    assert change.fields["time_zone"] == ("Asia/Tokyo", "Europe/Berlin")
    services.people_import(actor=None, plan=plan, confirm_mass_deactivation=False)
    zones = dict(Person.objects.values_list("work_email", "time_zone"))
    assert zones["aiko@acme.test"] == "Europe/Berlin"
    assert zones["ny@acme.test"] == "America/New_York"
    assert Person.objects.get(work_email="aiko@acme.test").zone.key == "Europe/Berlin"


@pytest.mark.django_db
def test_an_unknown_time_zone_is_an_error_naming_the_line_and_column():
    plan = plan_of(
        "Work Email,Timezone\r\nok@acme.test,Europe/Paris\r\nmars@acme.test,Mars/Olympus\r\n"
    )
    assert [str(e) for e in plan.errors] == [f"line 3: Timezone: “Mars/Olympus” {NOT_A_ZONE}"]
    assert not Person.objects.exists()


def test_hr_sets_a_persons_time_zone_on_their_page(org: Org):
    url = reverse("people:person_edit", args=[org.engineer.pk])
    client = org.client_for(org.hr)
    form = client.get(url).context["form"]
    assert ("Asia/Tokyo", "Asia/Tokyo") in form.fields["time_zone"].choices
    assert form.fields["time_zone"].choices[0] == ("", "The organisation's (UTC)")
    response = client.post(url, form_data(org.engineer, time_zone="Asia/Tokyo"))
    assert response.status_code == 302
    org.engineer.refresh_from_db()
    assert org.engineer.time_zone == "Asia/Tokyo"

    refused = client.post(url, form_data(org.engineer, time_zone="Mars/Olympus"))
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"time_zone": [f"“Mars/Olympus” {NOT_A_ZONE}."]}
    org.engineer.refresh_from_db()
    assert org.engineer.time_zone == "Asia/Tokyo"


def test_only_hr_changes_a_time_zone_on_the_page(org: Org):
    url = reverse("people:person_edit", args=[org.engineer.pk])
    data = form_data(org.engineer, time_zone="Asia/Tokyo")
    assert org.client_for(org.engineer).post(url, data).status_code == 403
    assert org.client_for(org.eng_manager).post(url, data).status_code == 403
    org.engineer.refresh_from_db()
    assert org.engineer.time_zone == ""


def patch(client, person: Person, body: dict):
    return client.patch(
        f"{API}/people/{person.pk}", data=json.dumps(body), content_type="application/json"
    )


def test_the_api_shows_and_changes_the_time_zone(org: Org):
    client = org.client_for(org.hr)
    response = patch(client, org.engineer, {"time_zone": "America/New_York"})
    assert response.status_code == 200, response.content
    assert response.json()["time_zone"] == "America/New_York"
    seen = org.client_for(org.engineer2).get(f"{API}/people/{org.engineer.pk}")
    assert seen.json()["time_zone"] == "America/New_York"
    # "" goes back to the organisation's; other fields are left alone.
    back = patch(client, org.engineer, {"time_zone": ""})
    assert back.json()["time_zone"] == "" and back.json()["job_title"] == org.engineer.job_title

    created = client.post(
        f"{API}/people",
        data=json.dumps({"work_email": "tokyo@example.com", "time_zone": "Asia/Tokyo"}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert Person.objects.get(work_email="tokyo@example.com").time_zone == "Asia/Tokyo"


def test_the_api_names_an_unknown_time_zone_and_refuses_non_hr(org: Org):
    refused = patch(org.client_for(org.hr), org.engineer, {"time_zone": "Mars/Olympus"})
    assert refused.status_code == 422
    assert f"time_zone: “Mars/Olympus” {NOT_A_ZONE}." in refused.json()["detail"]
    own = patch(org.client_for(org.engineer), org.engineer, {"time_zone": "Asia/Tokyo"})
    assert own.status_code == 403
    org.engineer.refresh_from_db()
    assert org.engineer.time_zone == ""
