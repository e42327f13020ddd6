"""Certificates in a real browser: the home page's "required" item leads to my
certificates, where I record one with its document and download it again; HR sees the
compliance view with its bars — at desktop and phone sizes."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cadence.certifications import services
from cadence.certifications.models import Certificate
from cadence.people.models import Department
from tests.browser.conftest import check_page, sign_in, sign_out
from tests.certifications.conftest import pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def first_aid(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return services.type_define(
        actor=None,
        data=services.TypeData(
            name="First aid at work",
            issuer="Red Cross",
            validity_months=12,
            required_departments=[Department.objects.get(full_name="Engineering")],
        ),
    )


def test_record_a_certificate_with_its_document_and_download_it(
    page: Page, mobile_page: Page, org, first_aid, tmp_path: Path
) -> None:
    document = tmp_path / "first-aid.pdf"
    document.write_bytes(pdf_bytes("Ann Engineer"))
    sign_in(page, org.engineer.work_email)
    section = page.locator("#home-certificates")
    section.get_by_role("link", name="Record your First aid at work certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
    check_page(page, "certificates-empty")

    form = page.locator("section.cert-form")
    form.get_by_label("Certification").select_option(label="First aid at work")
    form.get_by_label("Certificate number").fill("FA-2026-001")
    issued = datetime.date.today() - datetime.timedelta(days=30)
    form.get_by_label("Issue date").fill(issued.isoformat())
    form.get_by_label("Document").set_input_files(str(document))
    form.get_by_role("button", name="Record certificate").click()

    expect(page.get_by_text("Certificate recorded.")).to_be_visible()
    row = page.locator("section.cert-list tbody tr").first
    expect(row).to_contain_text("First aid at work")
    expect(row).to_contain_text("FA-2026-001")
    expect(row).to_contain_text("Valid")
    check_page(page, "certificates-recorded")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="first-aid.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "first-aid.pdf"
    assert Path(download.path()).read_bytes() == pdf_bytes("Ann Engineer")
    certificate = Certificate.objects.get(person=org.engineer)
    assert certificate.document_type == "application/pdf"

    # A file whose name lies about its content is refused with a clear message.
    fake = tmp_path / "renewal.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a PDF")
    form = page.locator("section.cert-form")
    form.get_by_label("Certification").select_option(label="First aid at work")
    form.get_by_label("Issue date").fill(issued.isoformat())
    form.get_by_label("Document").set_input_files(str(fake))
    form.get_by_role("button", name="Record certificate").click()
    expect(page.get_by_text("its content is not a PDF")).to_be_visible()
    assert Certificate.objects.filter(person=org.engineer).count() == 1
    sign_out(page)

    # HR: the types (from the user menu) and the compliance view, at desktop size.
    sign_in(page, org.hr.work_email)
    page.locator(".usermenu summary").click()
    page.get_by_role("link", name="Certification types").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certification types")
    check_page(page, "certificates-types")
    page.get_by_role("link", name="Compliance").click()
    expect(page.locator("#by-department svg")).to_have_count(1)
    check_page(page, "certificates-compliance")

    # HR's compliance view, on a phone.
    sign_in(mobile_page, org.hr.work_email)
    mobile_page.goto("/certifications/compliance/")
    expect(mobile_page.get_by_role("heading", level=1)).to_have_text("Certification compliance")
    expect(mobile_page.locator("#by-type svg")).to_have_count(1)
    check_page(mobile_page, "certificates-compliance")
    mobile_page.goto(f"/certifications/people/{org.engineer.pk}/")
    check_page(mobile_page, "certificates-person")


def test_the_pages_with_every_status_at_both_sizes(
    page: Page, mobile_page: Page, org, first_aid, tmp_path: Path
) -> None:
    """Expired, expiring, renewed and missing certificates of several types: the employee's
    own page and HR's compliance view (its figures dated, the status on screen on a
    phone), and the employee refused the compliance view."""
    import io

    from tests.certifications.conftest import record

    today = datetime.date.today()
    gdpr = services.type_define(
        actor=None,
        data=services.TypeData(
            name="GDPR awareness and data protection", validity_months=12, required_everyone=True
        ),
    )
    record(org.engineer, first_aid, expires=today - datetime.timedelta(days=40))
    record(org.engineer, first_aid, expires=today + datetime.timedelta(days=12))
    record(org.engineer, gdpr, expires=today - datetime.timedelta(days=3), document=pdf_bytes())
    record(org.seller, gdpr, expires=today + datetime.timedelta(days=200))
    services.certificate_record(
        actor=None,
        person=org.engineer2,
        type_=gdpr,
        issued_on=today - datetime.timedelta(days=10),
        number="GDPR-2026-000123",
        document=io.BytesIO(pdf_bytes()),
        document_name="a-rather-long-scanned-certificate-name.pdf",
    )

    for tab in (page, mobile_page):
        sign_in(tab, org.engineer.work_email)
        tab.goto("/certifications/")
        expect(tab.get_by_role("heading", level=1)).to_have_text("My certificates")
        expect(tab.locator("section.cert-list .badge.cert-superseded")).to_have_count(1)
        check_page(tab, "certificates-employee")
        gdpr_row = tab.locator("section.cert-list tbody tr", has_text="GDPR")
        gdpr_row.get_by_text("Replace document").click()
        check_page(tab, "certificates-employee-replace")
        if tab is page:
            scan = tmp_path / "gdpr-scan.pdf"
            scan.write_bytes(pdf_bytes("A better scan"))
            gdpr_row.get_by_label("New document for GDPR awareness").set_input_files(str(scan))
            gdpr_row.get_by_role("button", name="Upload").click()
            expect(tab.get_by_text("Document replaced.")).to_be_visible()
            expect(tab.get_by_role("link", name="gdpr-scan.pdf")).to_be_visible()
        response = tab.goto("/certifications/compliance/")
        assert response is not None and response.status == 403
        check_page(tab, "certificates-compliance-refused")
        sign_out(tab)

        sign_in(tab, org.hr.work_email)
        tab.goto("/certifications/compliance/")
        expect(tab.get_by_text("Figures counted at")).to_be_visible()
        expect(tab.locator(".cert-figures dd").first).to_have_text("10")
        check_page(tab, "certificates-compliance-statuses")
        badge = tab.locator(".cert-rows .badge").first
        expect(badge).to_be_visible()
        box = badge.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= tab.viewport_size["width"], "status off screen"
        tab.goto("/certifications/compliance/?status=expired")
        expect(tab.locator(".cert-rows tbody tr")).to_have_count(1)
        check_page(tab, "certificates-compliance-expired")
