"""An HR admin imports an HRIS export through the web: upload, preview, confirm."""

import re

import pytest
from playwright.sync_api import Page, expect

from cadence.people.models import Person
from tests.browser.conftest import Console, check_page, sign_in

pytestmark = pytest.mark.browser

GOOD_CSV = "\n".join(
    [
        "Employee ID,Work Email,First Name,Last Name,Job Title,Department,Manager Email",
        "E100,ann.engineer@example.com,Ann,Engineer,Senior Engineer,Engineering/Platform,"
        "eng.manager@example.com",
        "E200,new.hire@example.com,Nora,Hire,Engineer,Engineering/Platform,eng.manager@example.com",
    ]
).encode()

BAD_CSV = b"""Employee ID,Work Email,First Name,Last Name,Start Date
E300,not-an-email,Bad,Email,2024-01-15
E301,ok.person@example.com,Ok,Person,next tuesday
"""


def _upload(page: Page, name: str, content: bytes, *, via_menu: bool = True) -> None:
    if via_menu:
        page.goto("/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    else:  # a phone folds the menu away
        page.goto("/people/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")
    check_page(page, "import-start")
    page.get_by_label("HRIS export", exact=True).set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_upload_preview_confirm(page: Page, console: Console, org):
    sign_in(page, org.hr.work_email)
    _upload(page, "people.csv", GOOD_CSV)

    status = page.locator("#import-status")
    expect(status.get_by_role("heading")).to_have_text("What this import will do")
    counts = status.locator(".import-counts li")
    expect(counts).to_have_text(["1 to create", "1 to update", "0 to deactivate", "0 unchanged"])
    updated = page.get_by_role("region", name=re.compile("To update"))
    expect(updated).to_contain_text("Ann Engineer")
    expect(updated).to_contain_text("Senior Engineer")
    created = page.get_by_role("region", name=re.compile("To create"))
    expect(created).to_contain_text("new.hire@example.com")
    check_page(page, "import-preview")
    # Nothing is written before confirming.
    assert not Person.objects.filter(work_email="new.hire@example.com").exists()

    status.get_by_role("button", name="Confirm and import").click()
    expect(status.get_by_role("heading")).to_have_text("Imported")
    expect(status.locator(".import-counts li")).to_have_text(
        ["1 created", "1 updated", "0 deactivated", "0 unchanged"]
    )
    check_page(page, "import-applied")
    hire = Person.objects.get(work_email="new.hire@example.com")
    assert (hire.first_name, hire.manager_id) == ("Nora", org.eng_manager.pk)
    org.engineer.refresh_from_db()
    assert org.engineer.job_title == "Senior Engineer"

    status.get_by_role("link", name="Open the directory").click()
    page.get_by_label("Search").fill("nora")
    expect(page.locator("#directory-results tbody tr")).to_have_count(1)
    expect(page.locator("#directory-results")).to_contain_text("Nora Hire")
    assert not console.errors(), console


def test_errors_are_listed_by_line_and_nothing_can_be_confirmed(page: Page, org):
    sign_in(page, org.hr.work_email)
    _upload(page, "broken.csv", BAD_CSV)

    status = page.locator("#import-status")
    expect(status.get_by_role("heading")).to_contain_text("nothing can be imported")
    errors = status.locator(".import-errors li")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_have_text(re.compile(r"^line 2: Work Email: \S.+"))
    expect(errors.nth(1)).to_have_text(re.compile(r"^line 3: Start Date: \S.+"))
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    expect(status.get_by_role("link", name="Upload a corrected file")).to_be_visible()
    assert not Person.objects.filter(work_email="ok.person@example.com").exists()
    check_page(page, "import-errors")


RISKY_CSV = "\n".join(
    [
        "Employee ID,Work Email,First Name,Job Title,Shoe Size,Desk (Floor)",
        # Ann is E100: matched by email with another id, the row HR must look at twice.
        "E999,ann.engineer@example.com,Ann,Principal Engineer,39,3",
        "E700,new.person@example.com,Noor,Engineer,41,2",
    ]
).encode()


def test_preview_warns_about_risky_rows(page: Page, org):
    _check_risky_preview(page, org)


def test_risky_preview_reads_well_on_a_phone(mobile_page: Page, org):
    _check_risky_preview(mobile_page, org)


def _check_risky_preview(page: Page, org) -> None:
    sign_in(page, org.hr.work_email)
    _upload(page, "risky.csv", RISKY_CSV, via_menu=page.viewport_size["width"] >= 760)

    status = page.locator("#import-status")
    expect(status.locator(".import-warning").first).to_contain_text(
        "No manager column was recognised"
    )
    expect(status).to_contain_text("1 change deserves a second look.")
    expect(status.locator(".import-custom")).to_contain_text("Shoe Size, Desk (Floor)")
    flagged = page.get_by_role("region", name=re.compile("To check before confirming"))
    expect(flagged.locator("tr.flagged")).to_have_count(1)
    expect(flagged).to_contain_text("matched by email, but the file gives another employee ID")
    expect(flagged).to_contain_text("E100")
    created = page.get_by_role("region", name=re.compile("To create"))
    for value in ("E700", "Noor", "Engineer", "41", "Active"):
        expect(created).to_contain_text(value)
    columns = page.get_by_role("region", name="How the columns are read")
    expect(columns).to_contain_text("kept as custom attribute")
    check_page(page, "import-risky")
    expect(status.get_by_role("button", name="Confirm and import")).to_be_visible()
