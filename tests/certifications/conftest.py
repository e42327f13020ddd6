"""Certification fixtures on top of the ``org`` fixture, through the real services.

first_aid  "First aid at work"  12 months, 90/30/7, required in Engineering (and below)
forklift   "Forklift licence"   36 months, required for the job title "Forklift driver"
gdpr       "GDPR awareness"     12 months, required of everyone
Documents are written to a temporary MEDIA_ROOT; the cache starts empty in every test.
"""

import datetime
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image

from cadence.certifications import services
from cadence.certifications.models import Certificate, CertificationType
from cadence.people.models import Department, Person
from tests.conftest import Org

TODAY = datetime.date.today()


def pdf_bytes(text: str = "Certificate") -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        + f"% {text}\n".encode()
        + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return body


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_kept_figures() -> None:
    # The compliance figures are kept in the cache, which outlives each test's rollback.
    cache.clear()


def define(name: str, **fields) -> CertificationType:
    departments = fields.pop("required_departments", [])
    return services.type_define(
        actor=None,
        data=services.TypeData(name=name, required_departments=departments, **fields),
    )


@pytest.fixture
def first_aid(org: Org) -> CertificationType:
    return define(
        "First aid at work",
        issuer="Red Cross",
        validity_months=12,
        reminder_days=[90, 30, 7],
        required_departments=[Department.objects.get(full_name="Engineering")],
    )


@pytest.fixture
def forklift(org: Org) -> CertificationType:
    return define("Forklift licence", validity_months=36, required_job_titles=["Forklift driver"])


@pytest.fixture
def gdpr(org: Org) -> CertificationType:
    return define("GDPR awareness", validity_months=12, required_everyone=True)


def record(
    person: Person,
    type_: CertificationType,
    *,
    issued: datetime.date | None = None,
    expires: datetime.date | None = None,
    document: bytes | None = None,
    name: str = "certificate.pdf",
) -> Certificate:
    return services.certificate_record(
        actor=None,
        person=person,
        type_=type_,
        issued_on=issued or TODAY - datetime.timedelta(days=300),
        expires_on=expires,
        document=io.BytesIO(document) if document is not None else None,
        document_name=name,
        document_size=len(document) if document is not None else None,
    )
