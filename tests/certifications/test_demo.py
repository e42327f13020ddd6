"""The demo's certifications: types, certificates with documents, some expiring within
30 days, some expired, some missing — and a second load adds nothing."""

import io

import pytest
from django.core.management import call_command

from cadence.certifications import queries
from cadence.certifications.models import Certificate, CertificationType
from cadence.demo.certifications import GDPR

pytestmark = pytest.mark.django_db


def test_the_demo_has_certificates_to_follow_up() -> None:
    out = io.StringIO()
    call_command("demo", people=60, stdout=out)
    assert "Certifications: 4 types" in out.getvalue()
    assert CertificationType.objects.filter(name=GDPR, required_everyone=True).exists()
    certificates = Certificate.objects.all()
    assert certificates.count() > 40
    assert all(c.document_type == "application/pdf" for c in certificates[:20])
    statuses = {row["latest"] is None for row in queries.compliance_rows()}
    summary = queries.compliance_summary()
    assert summary.total.missing and summary.total.expired and summary.total.expiring
    assert statuses == {True, False}
    count = certificates.count()
    call_command("demo", people=60, stdout=io.StringIO())
    assert Certificate.objects.count() == count
