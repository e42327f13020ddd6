"""The demo's certifications: types, certificates with documents, some expiring within
30 days, some expired, some missing. Called by ``tests/demo/test_demo.py``, which loads
the demo once (twice: the second adds nothing) for every area's checks."""

from cadence.certifications import queries
from cadence.certifications.models import Certificate, CertificationType
from cadence.demo.certifications import GDPR


def assert_certificates_to_follow_up(output: str) -> None:
    assert "Certifications: 4 types" in output
    assert CertificationType.objects.filter(name=GDPR, required_everyone=True).exists()
    certificates = Certificate.objects.all()
    assert certificates.count() > 40
    assert all(c.document_type == "application/pdf" for c in certificates[:20])
    statuses = {row["latest"] is None for row in queries.compliance_rows()}
    summary = queries.compliance_summary()
    assert summary.total.missing and summary.total.expired and summary.total.expiring
    assert statuses == {True, False}
