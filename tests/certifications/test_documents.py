"""Uploads: size, type by content, lying extensions, dates."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from cadence.certifications import documents
from tests.certifications.conftest import (
    TODAY,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    record,
)
from tests.conftest import Org


def check(data: bytes, name: str) -> documents.CheckedDocument:
    return documents.check(io.BytesIO(data), name, len(data))


def message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.message_dict["document"])


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (pdf_bytes(), "licence.pdf", documents.PDF),
        (png_bytes(), "scan.PNG", documents.PNG),
        (jpeg_bytes(), "photo.jpeg", documents.JPEG),
        (jpeg_bytes(), "photo.jpg", documents.JPEG),
    ],
)
def test_accepted_documents_are_typed_by_content(data: bytes, name: str, expected: str) -> None:
    checked = check(data, name)
    assert checked.content_type == expected
    assert checked.stored_name.startswith("document.")


def test_too_large_is_refused(settings) -> None:
    settings.CADENCE_CERTIFICATE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        check(pdf_bytes() + b" " * 200, "big.pdf")
    assert "too large" in message(error)
    assert "limit is 100" in message(error)


def test_wrong_type_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        check(b"PK\x03\x04 a zip file", "archive.zip")
    assert message(error) == "Only PDF, PNG and JPEG documents are accepted."


def test_lying_extension_is_refused_naming_the_file() -> None:
    with pytest.raises(ValidationError) as error:
        check(b"MZ\x90\x00 a program", "licence.pdf")
    assert "named “licence.pdf” but its content is not a PDF" in message(error)


def test_image_named_as_pdf_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        check(png_bytes(), "licence.pdf")
    assert "its content is a PNG, not a PDF" in message(error)


def test_pdf_content_with_an_unknown_extension_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        check(pdf_bytes(), "licence.exe")
    assert "must end in .pdf, .png, .jpg or .jpeg" in message(error)


def test_forged_image_fails_pillow() -> None:
    with pytest.raises(ValidationError) as error:
        check(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "scan.png")
    assert "damaged" in message(error)


def test_empty_is_refused() -> None:
    with pytest.raises(ValidationError):
        check(b"", "empty.pdf")


def test_expiry_before_issue_is_refused_naming_the_field(org: Org, first_aid) -> None:
    with pytest.raises(ValidationError) as error:
        record(
            org.engineer,
            first_aid,
            issued=TODAY - datetime.timedelta(days=10),
            expires=TODAY - datetime.timedelta(days=11),
        )
    assert list(error.value.message_dict) == ["expires_on"]
    assert "before the issue date" in error.value.message_dict["expires_on"][0]


def test_expiry_defaults_to_issue_plus_validity(org: Org, first_aid) -> None:
    certificate = record(org.engineer, first_aid, issued=datetime.date(2026, 1, 31))
    assert certificate.expires_on == datetime.date(2027, 1, 31)


def test_document_is_stored_under_a_random_name(org: Org, first_aid) -> None:
    certificate = record(org.engineer, first_aid, document=pdf_bytes(), name="Ann's licence.pdf")
    assert certificate.document_name == "Ann's licence.pdf"
    assert certificate.document_type == documents.PDF
    stored = certificate.document.name
    assert stored.startswith(f"certificates/{org.engineer.pk}/") and stored.endswith(".pdf")
    assert "Ann" not in stored
    with certificate.document.open("rb") as handle:
        assert handle.read() == pdf_bytes()


def test_reminder_days_default_to_90_30_7(org: Org) -> None:
    from tests.certifications.conftest import define

    assert define("Defaulted").reminder_days == [90, 30, 7]
    assert define("Silent", reminder_days=[]).reminder_days == []
