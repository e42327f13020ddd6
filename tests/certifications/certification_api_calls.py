"""The certification operations for tests/test_openapi.py: types, a certificate recorded
with its document through a multipart upload (``Multipart``), the download, the
compliance rows (by cursor), a document replaced, a removal, and the documented refusals."""

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cadence.certifications import services
from cadence.people.models import Department
from tests.api_world import World
from tests.certifications.conftest import pdf_bytes, png_bytes


@dataclass
class Multipart:
    """A body sent as multipart/form-data (fields and files), not JSON."""

    data: dict[str, Any]


def replacement(name: str) -> Multipart:
    return Multipart({"document": SimpleUploadedFile(name, png_bytes(), "image/png")})


def certification_calls(w: World) -> list[tuple[str, str, str, Any]]:
    today = datetime.date.today()
    first_aid = services.type_define(
        actor=None,
        data=services.TypeData(
            name="API first aid",
            validity_months=12,
            required_departments=[Department.objects.get(full_name="Engineering")],
        ),
    )
    held = services.certificate_record(
        actor=None,
        person=w.org.engineer,
        type_=first_aid,
        issued_on=today - datetime.timedelta(days=360),
        document=io.BytesIO(pdf_bytes()),
        document_name="held.pdf",
    )
    upload = Multipart(
        {
            "type_id": first_aid.pk,
            "issued_on": today.isoformat(),
            "number": "API-1",
            "document": SimpleUploadedFile("first-aid.pdf", pdf_bytes(), "application/pdf"),
        }
    )
    type_body = {"name": "API forklift", "validity_months": 36, "required_job_titles": ["Driver"]}
    hr, engineer, manager = w.hr_token, w.engineer_token, w.manager_token
    return [
        ("GET", "/certification-types", engineer, None),
        ("POST", "/certification-types", hr, type_body),
        ("POST", "/certification-types", engineer, type_body),
        ("GET", f"/certification-types/{first_aid.pk}", engineer, None),
        ("PUT", f"/certification-types/{first_aid.pk}", hr, {**type_body, "name": "API aid"}),
        ("POST", "/certificates", engineer, upload),
        ("GET", "/certificates", engineer, None),
        ("GET", f"/certificates?person_id={w.org.engineer.pk}", manager, None),
        ("GET", f"/certificates/{held.pk}", manager, None),
        ("GET", f"/certificates/{held.pk}/document", engineer, None),
        ("POST", f"/certificates/{held.pk}/document", engineer, replacement("new.png")),
        ("POST", f"/certificates/{held.pk}/document", manager, replacement("no.png")),
        ("GET", "/certifications/compliance", hr, None),
        ("GET", "/certifications/compliance?page_size=1", hr, None),
        ("GET", "/certifications/compliance?cursor=not-a-cursor", hr, None),
        ("GET", "/certifications/compliance", engineer, None),
        ("DELETE", f"/certificates/{held.pk}", manager, None),
        ("DELETE", f"/certificates/{held.pk}", engineer, None),
    ]
