"""One reviewee's whole review cycle in a real browser, each step done by the person
whose step it is, through the pages they would use:

HR creates and launches the cycle → Ann nominates three peers → her manager approves
them → HR opens the writing phase → Ann writes her self-review, each peer theirs, the
manager reads Ann's self-review and writes the manager review → HR moves to calibration
and releases → Ann reads her results (peers only as a summary without names),
comments, acknowledges and downloads the PDF.
"""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from cadence.goals import services as goals_services
from cadence.goals.models import Goal
from cadence.reviews.models import Assignment, Review, ReviewCycle, ReviewerType
from tests.browser.conftest import Console, check_page, sign_in, sign_out
from tests.conftest import Org, make_person
from tests.reviews.conftest import period, version  # noqa: F401

pytestmark = pytest.mark.browser

GOAL = "Ship the billing service"
PEER_WORDS = {
    "engineer2": "Reviews my pull requests within the hour, with precise notes.",
    "cara": "Explains the platform to new teams patiently.",
    "dev": "Could share plans earlier with the wider team.",
}


def _iso(days: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def _write(page: Page, rating: str, words: str, *, goal: str | None = None) -> None:
    """Fill the review form as a writer would and hand it in."""
    page.get_by_role("radiogroup", name=re.compile("Delivers what was agreed")).get_by_text(
        rating
    ).click()
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")
    page.get_by_role("textbox", name=re.compile("What should they keep doing")).fill(words)
    if goal is not None:
        page.get_by_role("radiogroup", name=goal).get_by_text(rating).click()
    page.get_by_role("button", name="Submit review").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("is submitted")).to_be_visible()


def _open_assignment(page: Page, assignment: Assignment) -> None:
    """From the writer's list of reviews, the one about this reviewee."""
    page.goto("/reviews/")
    page.locator(f"a[href='/reviews/write/{assignment.pk}/']").first.click()
    page.wait_for_load_state("load")


def test_one_reviewee_from_nomination_to_the_pdf(
    page: Page,
    mobile_page: Page,
    console: Console,
    org: Org,
    period,  # noqa: F811
    version,  # noqa: F811
) -> None:
    ann = org.engineer
    cara = make_person(
        "cara.peer@example.com", manager=org.eng_manager, department="Engineering/Platform"
    )
    dev = make_person(
        "dev.peer@example.com", manager=org.eng_manager, department="Engineering/Platform"
    )
    peers = {"engineer2": org.engineer2, "cara": cara, "dev": dev}
    goals_services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title=GOAL,
        owner_type=Goal.Owner.PERSON,
        owner_person=ann,
        state=Goal.State.ACTIVE,
    )

    # HR creates the cycle and launches it for everyone.
    sign_in(page, org.hr.user.email)
    page.goto("/reviews/cycles/new/")
    page.get_by_label(re.compile(r"^Name")).fill("FY2027 annual review")
    page.get_by_label("Template").select_option(index=1)
    page.get_by_label("Period").select_option(label=period.name)
    page.get_by_label("Peer nomination deadline").fill(_iso(3))
    page.get_by_label("Approval of peers deadline").fill(_iso(6))
    page.get_by_role("textbox", name="Writing deadline").fill(_iso(20))
    page.get_by_label("Calibration deadline").fill(_iso(30))
    page.get_by_label("Acknowledgement deadline").fill(_iso(40))
    page.get_by_role("button", name=re.compile("Save|Create")).click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Launch…").click()
    page.get_by_role("button", name=re.compile(r"Launch for \d+ people")).click()
    page.wait_for_load_state("load")
    cycle = ReviewCycle.objects.get(name="FY2027 annual review")
    assert cycle.phase == ReviewCycle.Phase.NOMINATION
    review = Review.objects.get(cycle=cycle, reviewee=ann)
    cycle_url = f"/reviews/cycles/{cycle.pk}/"
    sign_out(page)

    # Ann nominates her peers, from her home page.
    sign_in(page, ann.work_email)
    page.goto("/")
    page.locator(f"a[href='/reviews/{review.pk}/peers/']").first.click()
    expect(page.get_by_role("heading", name="Your peer reviewers")).to_be_visible()
    for person in peers.values():
        page.get_by_label("Name").fill(person.full_name)
        page.get_by_role("button", name="Search").click()
        found = page.locator("section[aria-labelledby=peers-search-h]")
        found.get_by_role("button", name=f"Add {person.full_name}").click()
        expect(page.locator(".message-success")).to_contain_text(person.full_name)
    sign_out(page)

    # Her manager approves them.
    sign_in(page, org.eng_manager.work_email)
    page.goto(f"/reviews/{review.pk}/peers/")
    page.get_by_role("button", name="Approve all proposed").click()
    expect(page.locator(".badge.nomination-approved")).to_have_count(3)
    sign_out(page)

    # HR opens the writing phase: approval of peers, then writing.
    sign_in(page, org.hr.user.email)
    for phase in ("approval of peers", "writing"):
        page.goto(cycle_url)
        page.get_by_role("button", name=re.compile(f"Move to {phase}", re.I)).click()
        page.wait_for_load_state("load")
    cycle.refresh_from_db()
    assert cycle.phase == ReviewCycle.Phase.WRITING
    sign_out(page)

    writers = {
        a.writer_id: a
        for a in Assignment.objects.filter(review=review).exclude(state=Assignment.State.CLOSED)
    }
    assert {a.type for a in writers.values()} == {
        ReviewerType.SELF,
        ReviewerType.MANAGER,
        ReviewerType.PEER,
    }

    # Ann writes her self-review.
    sign_in(page, ann.work_email)
    _open_assignment(page, writers[ann.pk])
    _write(page, "4 · Exceeds", "Kept the build green all year.", goal=GOAL)
    sign_out(page)

    # Each peer writes theirs; the last one on a phone.
    for key, person in peers.items():
        tab = mobile_page if key == "dev" else page
        sign_in(tab, person.work_email)
        _open_assignment(tab, writers[person.pk])
        if key == "dev":
            check_page(tab, "walk-peer-form")
        _write(tab, "3 · Meets expectations", PEER_WORDS[key])
        sign_out(tab)

    # The manager reads Ann's self-review, then writes the manager review.
    sign_in(page, org.eng_manager.work_email)
    _open_assignment(page, writers[org.eng_manager.pk])
    expect(page.locator("body")).to_contain_text("Kept the build green all year.")
    _write(page, "3 · Meets expectations", "Reliable; ready to lead a project.", goal=GOAL)
    sign_out(page)

    # HR closes the writing, calibrates nothing and releases Ann's results.
    sign_in(page, org.hr.user.email)
    page.goto(cycle_url)
    page.get_by_role("button", name=re.compile("Move to calibration", re.I)).click()
    page.wait_for_load_state("load")
    page.goto(f"/reviews/{review.pk}/results/")
    page.get_by_role("button", name="Release to the reviewee").click()
    expect(page.locator(".results-meta .badge")).to_have_text("Released")
    sign_out(page)

    # Ann reads, comments, acknowledges — then keeps a PDF.
    sign_in(page, ann.work_email)
    page.goto("/")
    page.locator(f"a[href='/reviews/{review.pk}/results/']").first.click()
    page.wait_for_load_state("load")
    body = page.locator("body").inner_text()
    assert "Reliable; ready to lead a project." in body
    assert PEER_WORDS["cara"] in body
    for person in peers.values():
        assert person.full_name not in body
    check_page(page, "walk-results")
    page.get_by_role("textbox", name="Your comment").fill("Fair; I see delivery differently.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("You acknowledged this review on")).to_be_visible()
    review.refresh_from_db()
    assert review.state == Review.State.ACKNOWLEDGED
    assert review.employee_comment == "Fair; I see delivery differently."

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download PDF")).click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert ann.full_name in text
    assert "Reliable; ready to lead a project." in text
    assert "Fair; I see delivery differently." in text
    for person in peers.values():
        assert person.full_name not in text
    assert console.errors() == []


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(page.extract_text() for page in reader.pages)
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    # Lines break anywhere in a PDF: compare on single spaces.
    return re.sub(r"\s+", " ", f"{words} {meta}")
