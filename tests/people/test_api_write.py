"""HR admins keep the directory by hand over the API: the same checks as the pages,
every bad field named, and nobody else gets in."""

import datetime
import json

import pytest
from django.test import Client

from cadence.core.models import AuditEvent
from cadence.people.models import Department, Person
from tests.conftest import Org
from tests.people.test_access import MEMBERS, ROLES, Cast, build_cast

API = "/api/v1"


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def send(client: Client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json"
    )


def test_hr_adds_a_person(cast: Cast) -> None:
    platform = Department.objects.get(full_name="Engineering/Platform")
    response = send(
        cast.client("hr_admin"),
        "post",
        f"{API}/people",
        {
            "first_name": "Nia",
            "last_name": "Newcomer",
            "work_email": "Nia@Example.com",
            "employee_id": "E500",
            "department_id": platform.pk,
            "start_date": "2026-12-01",
            "manager": "E100",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "Nia Newcomer"
    assert body["work_email"] == "nia@example.com"
    assert body["manager"]["id"] == cast.target.pk
    assert body["department"]["full_name"] == "Engineering/Platform"
    assert body["employment"]["start_date"] == "2026-12-01"
    person = Person.objects.get(pk=body["id"])
    assert person.reporting_path.startswith(cast.target.reporting_path)
    assert person.user is not None


def test_every_bad_field_is_named_and_nothing_is_written(cast: Cast) -> None:
    before = Person.objects.count()
    response = send(
        cast.client("hr_admin"),
        "post",
        f"{API}/people",
        {
            "work_email": "bob.engineer@example.com",
            "employee_id": "E999",
            "manager": "nobody@example.com",
        },
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "work_email: Another person already has this work email." in detail
    assert "employee_id: Another person already has this employee ID." in detail
    assert "manager: Nobody has the work email or employee ID “nobody@example.com”." in detail
    assert Person.objects.count() == before


def test_patch_changes_only_the_fields_given(cast: Cast) -> None:
    url = f"{API}/people/{cast.target.pk}"
    response = send(cast.client("hr_admin"), "patch", url, {"job_title": "Staff Engineer"})
    assert response.status_code == 200, response.content
    cast.target.refresh_from_db()
    assert cast.target.job_title == "Staff Engineer"
    assert cast.target.manager == cast.org.eng_manager
    assert cast.target.employee_id == "E100" and cast.target.level == "L3"
    event = AuditEvent.objects.filter(action="person.update").latest("pk")
    assert event.summary == "Ann Engineer: job_title"


def test_patch_moves_a_line_and_refuses_a_cycle(cast: Cast) -> None:
    org = cast.org
    client = cast.client("hr_admin")
    moved = send(
        client,
        "patch",
        f"{API}/people/{org.eng_manager.pk}",
        {"manager": org.sales_head.work_email},
    )
    assert moved.status_code == 200
    org.engineer.refresh_from_db()
    org.sales_head.refresh_from_db()
    assert org.engineer.reporting_path.startswith(org.sales_head.reporting_path)

    cycle = send(
        client, "patch", f"{API}/people/{org.sales_head.pk}", {"manager": org.engineer.work_email}
    )
    assert cycle.status_code == 422
    assert cycle.json()["detail"] == (
        "manager: Ann Engineer reports to Sales Head: that would make a cycle."
    )


def test_leave_and_reactivate(cast: Cast) -> None:
    client = cast.client("hr_admin")
    url = f"{API}/people/{cast.target.pk}"
    left = send(client, "post", f"{url}/leave", {"left_on": "2026-11-30"})
    assert left.status_code == 200
    assert left.json()["status"] == "left"
    assert left.json()["employment"]["left_on"] == "2026-11-30"
    assert send(client, "post", f"{url}/leave", {"left_on": "soon"}).status_code == 422
    back = send(client, "post", f"{url}/reactivate")
    assert back.status_code == 200 and back.json()["status"] == "active"
    Person.objects.filter(pk=cast.target.pk).update(start_date=datetime.date(2021, 3, 1))
    early = send(client, "post", f"{url}/leave", {"left_on": "2020-01-01"})
    assert early.status_code == 422
    assert early.json()["detail"].startswith("left_on: The last day (2020-01-01)")


@pytest.mark.parametrize("operation", ["create", "patch", "leave", "reactivate"])
def test_nobody_but_hr_admins_writes(cast: Cast, operation: str) -> None:
    target = cast.leaver if operation == "reactivate" else cast.target
    method, url, body = {
        "create": ("post", f"{API}/people", {"work_email": "x@example.com"}),
        "patch": ("patch", f"{API}/people/{target.pk}", {"job_title": "Hacked"}),
        "leave": ("post", f"{API}/people/{target.pk}/leave", {"left_on": "2026-01-01"}),
        "reactivate": ("post", f"{API}/people/{target.pk}/reactivate", {}),
    }[operation]
    audited = AuditEvent.objects.count()
    for role in ROLES:
        if role == "hr_admin":
            continue
        status = send(cast.client(role), method, url, body).status_code
        expected = 403 if role in MEMBERS else 401 if role in {"anonymous", "deactivated"} else 404
        assert status == expected, role
    target.refresh_from_db()
    assert target.job_title != "Hacked"
    assert target.status == ("left" if operation == "reactivate" else "active")
    assert not Person.objects.filter(work_email="x@example.com").exists()
    assert AuditEvent.objects.count() == audited


def test_unknown_person_is_404_for_hr(cast: Cast) -> None:
    response = send(cast.client("hr_admin"), "patch", f"{API}/people/999999", {"level": "L1"})
    assert response.status_code == 404


def test_a_script_with_an_hr_token_needs_no_csrf_token(cast: Cast) -> None:
    from cadence.accounts import services as account_services

    _token, secret = account_services.api_token_create(actor=cast.org.hr.user, name="HRIS sync")
    response = Client(enforce_csrf_checks=True).patch(
        f"{API}/people/{cast.target.pk}",
        data=json.dumps({"location": "Porto"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.content
    cast.target.refresh_from_db()
    assert cast.target.location == "Porto"
