"""The API: types (HR writes, all read), certificates (multipart upload, download),
compliance rows (HR) — and outsiders refused."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cadence.accounts.services import api_token_create
from cadence.certifications.models import Certificate
from cadence.people.models import Person
from tests.certifications.conftest import TODAY, pdf_bytes, png_bytes, record
from tests.conftest import Org

API = "/api/v1"


def client_for(person: Person) -> Client:
    assert person.user is not None
    _token, secret = api_token_create(actor=person.user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def upload(client: Client, data: dict, document: SimpleUploadedFile | None = None):
    body = {k: v for k, v in data.items() if v is not None}
    if document is not None:
        body["document"] = document
    return client.post(f"{API}/certificates", body)


def test_types_hr_writes_everyone_reads(org: Org, first_aid) -> None:
    hr, engineer = client_for(org.hr), client_for(org.engineer)
    body = {"name": "Forklift licence", "validity_months": 36, "required_job_titles": ["Driver"]}
    created = hr.post(f"{API}/certification-types", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["reminder_days"] == [90, 30, 7]
    refused = engineer.post(f"{API}/certification-types", body, content_type="application/json")
    assert refused.status_code == 403
    names = [t["name"] for t in engineer.get(f"{API}/certification-types").json()["items"]]
    assert names == ["First aid at work", "Forklift licence"]
    put = engineer.put(
        f"{API}/certification-types/{first_aid.pk}", body, content_type="application/json"
    )
    assert put.status_code == 403


def test_record_with_a_document_then_download(org: Org, first_aid) -> None:
    client = client_for(org.engineer)
    response = upload(
        client,
        {"type_id": first_aid.pk, "issued_on": TODAY.isoformat(), "number": "FA-1"},
        SimpleUploadedFile("first-aid.pdf", pdf_bytes(), "application/pdf"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person_id"] == org.engineer.pk
    assert body["status"] == "valid"
    assert body["document_type"] == "application/pdf"
    download = client.get(body["document_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    listed = client.get(f"{API}/certificates").json()["items"]
    assert [c["id"] for c in listed] == [body["id"]]


def test_upload_refusals_name_the_field(org: Org, first_aid, settings) -> None:
    client = client_for(org.engineer)
    base = {"type_id": first_aid.pk, "issued_on": TODAY.isoformat()}
    lying = upload(client, base, SimpleUploadedFile("a.pdf", png_bytes(), "application/pdf"))
    assert lying.status_code == 422
    assert "its content is a PNG, not a PDF" in lying.json()["detail"]
    wrong = upload(client, base, SimpleUploadedFile("a.txt", b"hello", "text/plain"))
    assert wrong.status_code == 422
    assert "Only PDF, PNG and JPEG" in wrong.json()["detail"]
    settings.CADENCE_CERTIFICATE_MAX_BYTES = 50
    large = upload(client, base, SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf"))
    assert large.status_code == 422 and "too large" in large.json()["detail"]
    early = upload(client, {**base, "expires_on": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert early.status_code == 422
    assert early.json()["detail"].startswith("expires_on: ")
    assert "it cannot be before the issue date" in early.json()["detail"]
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("who", ["exec_viewer", "engineer2", "sales_manager"])
def test_outsiders_are_refused(org: Org, first_aid, who: str) -> None:
    held = record(org.engineer, first_aid, document=pdf_bytes())
    client = client_for(getattr(org, who))
    assert client.get(f"{API}/certificates/{held.pk}").status_code == 404
    assert client.get(f"{API}/certificates/{held.pk}/document").status_code == 404
    assert client.get(f"{API}/certificates?person_id={org.engineer.pk}").status_code == 404
    assert client.delete(f"{API}/certificates/{held.pk}").status_code == 404
    assert client.get(f"{API}/certifications/compliance").status_code == 403
    response = upload(
        client,
        {"type_id": first_aid.pk, "issued_on": TODAY.isoformat(), "person_id": org.engineer.pk},
    )
    assert response.status_code == 404


def test_manager_reads_but_cannot_record(org: Org, first_aid) -> None:
    held = record(org.engineer, first_aid)
    client = client_for(org.eng_manager)
    assert client.get(f"{API}/certificates/{held.pk}").status_code == 200
    response = upload(
        client,
        {"type_id": first_aid.pk, "issued_on": TODAY.isoformat(), "person_id": org.engineer.pk},
    )
    assert response.status_code == 403


def test_anonymous_gets_401(org: Org) -> None:
    assert Client().get(f"{API}/certificates").status_code == 401


def test_renewal_marks_the_old_one_superseded(org: Org, first_aid) -> None:
    old = record(org.engineer, first_aid, expires=TODAY + datetime.timedelta(days=5))
    new = record(org.engineer, first_aid, issued=TODAY)
    items = client_for(org.engineer).get(f"{API}/certificates").json()["items"]
    status = {c["id"]: c["status"] for c in items}
    assert status == {old.pk: "superseded", new.pk: "valid"}


def test_compliance_rows_for_hr(org: Org, first_aid, gdpr) -> None:
    record(org.engineer, first_aid, expires=TODAY + datetime.timedelta(days=5))
    client = client_for(org.hr)
    page = client.get(f"{API}/certifications/compliance?page_size=3").json()
    assert len(page["items"]) == 3 and page["next"]
    everything = []
    cursor = None
    while True:
        url = f"{API}/certifications/compliance?page_size=5"
        body = client.get(url + (f"&cursor={cursor}" if cursor else "")).json()
        everything += body["items"]
        cursor = body["next"]
        if not cursor:
            break
    # GDPR for the ten people; first aid for the four in Engineering (one expiring).
    assert len(everything) == 14
    ann = [r for r in everything if r["person_id"] == org.engineer.pk]
    assert {(r["type_name"], r["status"]) for r in ann} == {
        ("GDPR awareness", "missing"),
        ("First aid at work", "expiring"),
    }
    only = client.get(f"{API}/certifications/compliance?status=expiring").json()["items"]
    assert [r["person_id"] for r in only] == [org.engineer.pk]
