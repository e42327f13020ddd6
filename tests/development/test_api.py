"""The development API: the pages' rules and writes, in JSON."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cadence.accounts import services as account_services
from cadence.development import services
from cadence.development.models import DevelopmentItem
from cadence.people.models import Person
from cadence.planning.models import Competency
from tests.conftest import Org

API = "/api/v1/development"


def client_of(person: Person) -> Client:
    assert person.user is not None
    _token, secret = account_services.api_token_create(actor=person.user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return client.generic(
        method,
        url,
        "" if body is None else __import__("json").dumps(body),
        content_type="application/json",
    )


def test_a_manager_adds_an_item_and_the_person_completes_it(org: Org, ownership: Competency):
    manager, ann = client_of(org.eng_manager), client_of(org.engineer)
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    response = send(
        manager,
        "POST",
        f"{API}/items",
        {"person_id": org.engineer.pk, "competency_id": ownership.pk, "due_on": due},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Ownership" and body["target_level"] == "L3"
    assert body["expected_behaviour"] == "Delivers own work end to end"
    assert body["owner_id"] == org.engineer.pk and body["status"] == "planned"
    item_id = body["id"]
    action = send(
        ann, "POST", f"{API}/items/{item_id}/actions", {"kind": "course", "description": "Course"}
    )
    assert action.status_code == 201 and action.json()["done"] is False
    done = send(ann, "PATCH", f"{API}/actions/{action.json()['id']}", {"done": True})
    assert done.status_code == 200 and done.json()["done"] is True
    refused = send(ann, "PATCH", f"{API}/items/{item_id}", {"status": "done"})
    assert refused.status_code == 422 and "Evidence" in refused.json()["detail"]
    ok = send(ann, "PATCH", f"{API}/items/{item_id}", {"status": "done", "evidence": "Shipped"})
    assert ok.status_code == 200 and ok.json()["completed_at"] is not None
    listed = ann.get(f"{API}/items?person_id={org.engineer.pk}").json()
    assert [i["id"] for i in listed["items"]] == [item_id] and listed["next"] is None
    assert send(ann, "DELETE", f"{API}/actions/{action.json()['id']}").status_code == 204
    assert send(manager, "DELETE", f"{API}/items/{item_id}").status_code == 204


def test_bad_input_names_the_field(org: Org):
    ann = client_of(org.engineer)
    response = send(ann, "POST", f"{API}/items", {"person_id": org.engineer.pk})
    assert response.status_code == 422 and "Skill" in response.json()["detail"]
    response = send(
        ann,
        "POST",
        f"{API}/items",
        {"person_id": org.engineer.pk, "skill": "Go", "owner_id": org.seller.pk},
    )
    assert response.status_code == 422 and "owner_id" in response.json()["detail"]
    response = send(
        ann,
        "POST",
        f"{API}/items",
        {"person_id": org.engineer.pk, "skill": "Go", "competency_id": 999999},
    )
    assert response.status_code == 422 and "competency_id" in response.json()["detail"]


@pytest.mark.parametrize("outsider", ["engineer2", "exec_viewer", "sales_manager"])
def test_outsiders_get_404_and_see_nothing(org: Org, item: DevelopmentItem, outsider: str):
    services.aspiration_set(actor=org.engineer.user, person=org.engineer, text="Secret plans")
    action = services.action_add(actor=org.engineer.user, item=item, kind="other", description="x")
    client = client_of(getattr(org, outsider))
    assert client.get(f"{API}/items/{item.pk}").status_code == 404
    assert client.get(f"{API}/items?person_id={org.engineer.pk}").status_code == 404
    assert client.get(f"{API}/items").json()["items"] == []
    assert client.get(f"{API}/people/{org.engineer.pk}/aspiration").status_code == 404
    for method, url, body in (
        ("PATCH", f"{API}/items/{item.pk}", {"status": "dropped"}),
        ("DELETE", f"{API}/items/{item.pk}", None),
        ("POST", f"{API}/items/{item.pk}/actions", {"kind": "other", "description": "y"}),
        ("PATCH", f"{API}/actions/{action.pk}", {"done": True}),
        ("DELETE", f"{API}/actions/{action.pk}", None),
        ("PUT", f"{API}/people/{org.engineer.pk}/aspiration", {"text": "Mine"}),
        ("POST", f"{API}/items", {"person_id": org.engineer.pk, "skill": "Go"}),
    ):
        assert send(client, method, url, body).status_code == 404, (method, url)
    assert DevelopmentItem.objects.filter(person=org.engineer).count() == 1


def test_anonymous_gets_401(client: Client, org: Org, item: DevelopmentItem):
    for url in (f"{API}/items", f"{API}/items/{item.pk}", f"{API}/team", f"{API}/coverage"):
        assert client.get(url).status_code == 401


def test_the_chain_reads_hr_reads_and_only_the_person_writes_the_aspiration(
    org: Org, item: DevelopmentItem
):
    services.aspiration_set(actor=org.engineer.user, person=org.engineer, text="Staff engineer")
    for reader in (org.eng_manager, org.eng_head, org.hr):
        body = client_of(reader).get(f"{API}/people/{org.engineer.pk}/aspiration").json()
        assert body["text"] == "Staff engineer"
        assert client_of(reader).get(f"{API}/items/{item.pk}").status_code == 200
    url = f"{API}/people/{org.engineer.pk}/aspiration"
    assert send(client_of(org.eng_manager), "PUT", url, {"text": "x"}).status_code == 403
    assert (
        send(client_of(org.hr), "PATCH", f"{API}/items/{item.pk}", {"skill": "x"}).status_code
        == 403
    )
    mine = send(client_of(org.engineer), "PUT", url, {"text": "Principal"})
    assert mine.status_code == 200 and mine.json()["text"] == "Principal"


def test_team_and_coverage(org: Org, plan, item: DevelopmentItem):
    team = client_of(org.eng_manager).get(f"{API}/team").json()
    ann = next(r for r in team["rows"] if r["person_id"] == org.engineer.pk)
    assert ann["planned"] == 2 and team["count"] == 2
    assert client_of(org.engineer).get(f"{API}/team").status_code == 403
    coverage = client_of(org.hr).get(f"{API}/coverage").json()
    ownership = next(r for r in coverage if r["competency_name"] == "Ownership")
    assert ownership["people_with_item"] == 1 and ownership["people_done"] == 0
    platform = org.engineer.department
    assert platform is not None
    scoped = client_of(org.hr).get(f"{API}/coverage?department_id={platform.pk}").json()
    assert next(r for r in scoped if r["competency_name"] == "Ownership")["population"] == 3
    for outsider in (org.eng_manager, org.exec_viewer):
        assert client_of(outsider).get(f"{API}/coverage").status_code == 403
