"""Reopening a submitted review in a browser: the writer sees the reopen form under the
submitted review, is told a reason is needed, reopens with one, changes a rating and
submits again — the change recorded; the page fits a desktop and a phone before and after."""

import re

import pytest
from playwright.sync_api import Page, expect

from cadence.reviews.forms_writing import AnswerValue
from cadence.reviews.models import Assignment, Question, RatingChange, ReviewerType
from cadence.reviews.services.writing import answers_submit
from tests.browser.conftest import check_page, sign_in
from tests.conftest import Org
from tests.reviews.conftest import make_cycle, period, version  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "I rated before the outage review; it changed my view."


@pytest.fixture
def submitted_self_review(org: Org, make_cycle) -> Assignment:  # noqa: F811
    cycle = make_cycle([org.engineer], peers={org.engineer: [org.engineer2]})
    mine = Assignment.objects.get(cycle=cycle, writer=org.engineer, type=ReviewerType.SELF)
    questions = Question.objects.filter(section__version=cycle.template_version)
    rating = questions.get(kind=Question.Kind.RATING)
    text = questions.get(kind=Question.Kind.TEXT)
    return answers_submit(
        actor=org.engineer.user,
        assignment=mine,
        version=0,
        answers={
            f"q:{rating.pk}": AnswerValue(rating=4),
            f"q:{text.pk}": AnswerValue(text="Shipped the new pipeline."),
        },
    )


def _reopen_and_resubmit(tab: Page, org: Org, assignment: Assignment) -> None:
    sign_in(tab, org.engineer.work_email)
    tab.goto(f"/reviews/write/{assignment.pk}/")
    expect(tab.get_by_role("heading", name="Change your submitted review")).to_be_visible()
    expect(tab.get_by_role("radio", name=re.compile("4 · Exceeds"))).to_be_disabled()
    check_page(tab, "review-reopen-before")

    reason = tab.get_by_role("textbox", name="Why do you want to change it?")
    expect(reason).to_have_attribute("required", "")
    reason.fill(REASON)
    tab.get_by_role("button", name="Reopen to change").click()
    tab.wait_for_load_state("load")
    expect(tab.get_by_text("Your review is reopened.")).to_be_visible()
    expect(tab.get_by_text("Reopened on ")).to_contain_text(REASON)
    radio = tab.get_by_role("radiogroup", name=re.compile("Delivers what was agreed"))
    expect(radio.get_by_role("radio").first).to_be_enabled()
    check_page(tab, "review-reopen-after")

    radio.get_by_text("2 · Partly meets").click()
    tab.get_by_role("button", name="Submit review").click()
    tab.wait_for_load_state("load")
    expect(tab.get_by_text("is submitted")).to_be_visible()
    change = RatingChange.objects.get(review=assignment.review)
    assert (int(change.old_value or 0), int(change.new_value or 0)) == (4, 2)
    assert change.reason == REASON and change.changed_by == org.engineer.user


def test_the_writer_reopens_changes_and_resubmits(
    page: Page, org: Org, submitted_self_review: Assignment
) -> None:
    _reopen_and_resubmit(page, org, submitted_self_review)


def test_reopening_fits_a_phone(
    mobile_page: Page, org: Org, submitted_self_review: Assignment
) -> None:
    _reopen_and_resubmit(mobile_page, org, submitted_self_review)
