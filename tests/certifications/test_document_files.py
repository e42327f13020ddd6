"""A document's file follows its transaction: a file saved by a transaction that does not
commit is deleted (a failure inside the service, a caller's rollback around it, a
savepoint), and a replaced or removed certificate's old file goes only once that commits."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cadence.certifications import services
from cadence.certifications.models import Certificate
from tests.certifications.conftest import pdf_bytes, png_bytes, record
from tests.certifications.test_api import API, client_for
from tests.conftest import Org


class Boom(Exception):
    pass


def stored_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_failure_after_the_file_was_saved_leaves_no_file(
    org: Org, first_aid, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: list[str] = []

    def audit_fails(**kwargs: object) -> None:
        saved.extend(stored_files(settings))  # the file is on disk by now
        raise Boom

    monkeypatch.setattr(services, "audit", audit_fails)
    with pytest.raises(Boom):
        record(org.engineer, first_aid, document=pdf_bytes())
    assert len(saved) == 1 and saved[0].startswith(f"certificates/{org.engineer.pk}/")
    assert stored_files(settings) == []
    assert not Certificate.objects.exists()


def test_a_callers_rollback_after_the_service_returned_leaves_no_file(
    org: Org, first_aid, settings
) -> None:
    with pytest.raises(Boom), transaction.atomic():
        record(org.engineer, first_aid, document=pdf_bytes())
        assert len(stored_files(settings)) == 1
        raise Boom  # the caller fails after the certificate was recorded
    assert stored_files(settings) == []
    assert not Certificate.objects.exists()


def test_a_committed_record_keeps_its_file(
    org: Org, first_aid, settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        certificate = record(org.engineer, first_aid, document=pdf_bytes())
    assert stored_files(settings) == [certificate.document.name]


def test_a_hook_dropped_after_the_commit_keeps_the_file(org: Org, first_aid, settings) -> None:
    """Django drops the remaining hooks when an earlier one raises after a commit: the
    row exists, so its file must stay."""
    from cadence.certifications import documents

    certificate = record(org.engineer, first_aid, document=pdf_bytes())
    documents._discard_unless_kept([False], certificate.document.storage, certificate.document.name)
    assert stored_files(settings) == [certificate.document.name]


def test_a_removal_rolled_back_keeps_the_file(
    org: Org, first_aid, settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        certificate = record(org.engineer, first_aid, document=pdf_bytes())
    name = certificate.document.name
    with pytest.raises(Boom), transaction.atomic():
        services.certificate_delete(actor=None, certificate=certificate)
        raise Boom
    assert stored_files(settings) == [name]
    again = Certificate.objects.get(document=name)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_delete(actor=None, certificate=again)
    assert stored_files(settings) == []


def test_a_replaced_document_goes_after_commit_and_a_failed_replacement_leaves_none(
    org: Org, first_aid, settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        certificate = record(org.engineer, first_aid, document=pdf_bytes())
    old = certificate.document.name

    def replace() -> Certificate:
        data = png_bytes()
        return services.certificate_document_replace(
            actor=None,
            certificate=Certificate.objects.get(pk=certificate.pk),
            document=io.BytesIO(data),
            document_name="scan.png",
            document_size=len(data),
        )

    with pytest.raises(Boom), transaction.atomic():
        replace()
        assert len(stored_files(settings)) == 2
        raise Boom
    assert stored_files(settings) == [old]
    with django_capture_on_commit_callbacks(execute=True):
        replaced = replace()
    assert stored_files(settings) == [replaced.document.name]
    assert replaced.document.name.endswith(".png") and replaced.document_type == "image/png"


def test_the_api_replaces_a_document_for_the_holder_and_hr_only(
    org: Org, first_aid, settings
) -> None:
    held = record(org.engineer, first_aid, document=pdf_bytes())
    url = f"{API}/certificates/{held.pk}/document"

    def post(person) -> int:
        upload = SimpleUploadedFile("new.png", png_bytes(), "image/png")
        return client_for(person).post(url, {"document": upload}).status_code

    assert post(org.engineer2) == 404
    assert post(org.exec_viewer) == 404
    assert post(org.eng_manager) == 403
    assert post(org.hr) == 200
    response = client_for(org.engineer).post(
        url, {"document": SimpleUploadedFile("a.pdf", png_bytes(), "application/pdf")}
    )
    assert response.status_code == 422 and "its content is a PNG" in response.json()["detail"]
    body = client_for(org.engineer).get(f"{API}/certificates/{held.pk}").json()
    assert body["document_name"] == "new.png" and body["document_type"] == "image/png"
