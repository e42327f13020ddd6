"""Pages: recording with a document, downloading it, HR's types and compliance — and
everyone else refused (the executive, a peer, another team's manager, anonymous)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cadence.certifications.models import Certificate
from tests.certifications.conftest import TODAY, pdf_bytes, png_bytes, record
from tests.conftest import Org


@pytest.fixture
def held(org: Org, first_aid) -> Certificate:
    return record(
        org.engineer,
        first_aid,
        expires=TODAY + datetime.timedelta(days=10),
        document=pdf_bytes(),
        name="ann-first-aid.pdf",
    )


def test_holder_records_a_certificate_with_its_document(org: Org, first_aid) -> None:
    client = org.client_for(org.engineer)
    response = client.post(
        reverse("certifications:record", args=[org.engineer.pk]),
        {
            "type": first_aid.pk,
            "number": "FA-123",
            "issued_on": (TODAY - datetime.timedelta(days=5)).isoformat(),
            "document": SimpleUploadedFile("first-aid.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("certifications:mine")
    certificate = Certificate.objects.get(person=org.engineer)
    assert certificate.number == "FA-123"
    page = client.get(reverse("certifications:mine"))
    assert page.status_code == 200
    assert "first-aid.pdf" in page.content.decode()
    download = client.get(reverse("certifications:document", args=[certificate.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == pdf_bytes()


def test_a_lying_extension_is_refused_on_the_page(org: Org, first_aid) -> None:
    client = org.client_for(org.engineer)
    response = client.post(
        reverse("certifications:record", args=[org.engineer.pk]),
        {
            "type": first_aid.pk,
            "issued_on": TODAY.isoformat(),
            "document": SimpleUploadedFile("first-aid.pdf", png_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 422
    assert "its content is a PNG, not a PDF" in response.content.decode()
    assert not Certificate.objects.exists()


def test_expiry_before_issue_is_refused_on_the_page(org: Org, first_aid) -> None:
    response = org.client_for(org.engineer).post(
        reverse("certifications:record", args=[org.engineer.pk]),
        {
            "type": first_aid.pk,
            "issued_on": TODAY.isoformat(),
            "expires_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Expiry date: it cannot be before the issue date." in response.content.decode()


def test_manager_chain_and_hr_read_the_certificate_and_its_document(org: Org, held) -> None:
    for reader in (org.eng_manager, org.eng_head, org.ceo, org.hr):
        client = org.client_for(reader)
        page = client.get(reverse("certifications:person", args=[org.engineer.pk]))
        assert page.status_code == 200, reader
        assert "ann-first-aid.pdf" in page.content.decode()
        download = client.get(reverse("certifications:document", args=[held.pk]))
        assert download.status_code == 200, reader


@pytest.mark.parametrize("who", ["exec_viewer", "engineer2", "sales_manager", "seller"])
def test_outsiders_get_404_for_the_page_and_the_document(org: Org, held, who: str) -> None:
    client = org.client_for(getattr(org, who))
    assert client.get(reverse("certifications:person", args=[org.engineer.pk])).status_code == 404
    assert client.get(reverse("certifications:document", args=[held.pk])).status_code == 404
    record_url = reverse("certifications:record", args=[org.engineer.pk])
    assert client.post(record_url, {}).status_code == 404
    assert client.post(reverse("certifications:delete", args=[held.pk])).status_code == 404
    assert Certificate.objects.filter(pk=held.pk).exists()


def test_anonymous_is_sent_to_sign_in(org: Org, held) -> None:
    client = Client()
    for url in (
        reverse("certifications:mine"),
        reverse("certifications:document", args=[held.pk]),
        reverse("certifications:compliance"),
        reverse("certifications:compliance_export", args=["csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_manager_may_read_but_not_record_or_remove(org: Org, held) -> None:
    client = org.client_for(org.eng_manager)
    page = client.get(reverse("certifications:person", args=[org.engineer.pk]))
    assert "Record a certificate" not in page.content.decode()
    assert client.post(reverse("certifications:delete", args=[held.pk])).status_code == 403
    record_url = reverse("certifications:record", args=[org.engineer.pk])
    assert client.post(record_url, {}).status_code == 403


def test_hr_records_for_anyone_and_the_holder_removes(org: Org, first_aid) -> None:
    hr = org.client_for(org.hr)
    response = hr.post(
        reverse("certifications:record", args=[org.seller.pk]),
        {"type": first_aid.pk, "issued_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(person=org.seller)
    seller = org.client_for(org.seller)
    assert seller.post(reverse("certifications:delete", args=[certificate.pk])).status_code == 302
    assert not Certificate.objects.filter(pk=certificate.pk).exists()


@pytest.mark.parametrize("who", ["exec_viewer", "eng_manager", "engineer", "ceo"])
def test_hr_pages_are_refused_to_everyone_else(org: Org, first_aid, who: str) -> None:
    client = org.client_for(getattr(org, who))
    assert client.get(reverse("certifications:compliance")).status_code == 403
    for fmt in ("csv", "xlsx"):
        url = reverse("certifications:compliance_export", args=[fmt])
        assert client.get(url).status_code == 403
    assert client.get(reverse("certifications:type_create")).status_code == 403
    assert client.get(reverse("certifications:type_edit", args=[first_aid.pk])).status_code == 403
    # Every member reads the list of types (what the company asks of whom).
    assert client.get(reverse("certifications:types")).status_code == 200


def test_hr_defines_a_type(org: Org) -> None:
    client = org.client_for(org.hr)
    response = client.post(
        reverse("certifications:type_create"),
        {
            "name": "Forklift licence",
            "validity_months": "36",
            "reminder_days": "60, 14",
            "required_job_titles": "Forklift driver, Warehouse lead",
            "active": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("certifications:types")).content.decode()
    assert "Forklift licence" in page and "Forklift driver; Warehouse lead" in page
    assert "60, 14 days before" in page


def test_compliance_page_and_exports(org: Org, first_aid, gdpr, held) -> None:
    client = org.client_for(org.hr)
    page = client.get(reverse("certifications:compliance"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Expires within 30 days" in text and "Missing" in text
    assert "<svg" in text
    csv = client.get(reverse("certifications:compliance_export", args=["csv"]))
    assert csv.status_code == 200
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("Person,Work email")
    assert any("Ann Engineer" in line and "First aid at work" in line for line in lines)
    xlsx = client.get(reverse("certifications:compliance_export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_the_holder_replaces_a_document_on_the_page(
    org: Org, held: Certificate, django_capture_on_commit_callbacks
) -> None:
    old = held.document.name
    client = org.client_for(org.engineer)
    url = reverse("certifications:replace_document", args=[held.pk])
    lying = client.post(url, {"document": SimpleUploadedFile("a.pdf", png_bytes(), "image/png")})
    assert lying.status_code == 302
    page = client.get(lying["Location"]).content.decode()
    assert "its content is a PNG, not a PDF" in page
    held.refresh_from_db()
    assert held.document.name == old
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"document": SimpleUploadedFile("scan.png", png_bytes(), "image/png")}
        )
    assert response.status_code == 302 and response["Location"] == reverse("certifications:mine")
    held.refresh_from_db()
    assert held.document_name == "scan.png" and held.document.name != old
    assert not held.document.storage.exists(old)
    assert "Document replaced." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("eng_manager", 403), ("engineer2", 404), ("exec_viewer", 404)]
)
def test_others_cannot_replace_a_document(
    org: Org, held: Certificate, who: str, status: int
) -> None:
    client = org.client_for(getattr(org, who))
    upload = SimpleUploadedFile("scan.png", png_bytes(), "image/png")
    url = reverse("certifications:replace_document", args=[held.pk])
    assert client.post(url, {"document": upload}).status_code == status
    held.refresh_from_db()
    assert held.document_name == "ann-first-aid.pdf"


def test_anonymous_cannot_replace_a_document(org: Org, held: Certificate) -> None:
    url = reverse("certifications:replace_document", args=[held.pk])
    response = Client().post(url, {"document": SimpleUploadedFile("a.png", png_bytes())})
    assert response.status_code == 302 and "login" in response["Location"]
