"""A writer reopens a submitted review: who may and when (pages and API), the reason, the
optimistic lock; on the next submit every rating that differs from the one submitted is
recorded (who, when, from → to, why) and a stored score follows; who reads the record
(never the reviewee, nor anyone without HR's attribution, for a peer's); and what the
manager reads of a self-review being revised."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from cadence.people.models import Person
from cadence.reviews.forms_writing import AnswerValue
from cadence.reviews.models import (
    Answer,
    Assignment,
    Question,
    RatingChange,
    Review,
    ReviewCycle,
    ReviewerType,
)
from cadence.reviews.services import results
from cadence.reviews.services.writing import answers_save, answers_submit, assignment_reopen
from tests.conftest import Org
from tests.reviews.results_support import release_now

pytestmark = pytest.mark.django_db

Phase = ReviewCycle.Phase
REASON = "I rated the wrong project; the outage review changed my view."
SELF_TEXT = "Shipped the new pipeline."


@pytest.fixture
def cycle(org: Org, make_cycle) -> ReviewCycle:
    """The engineer is reviewed by themself, their manager and one peer (engineer2)."""
    return make_cycle([org.engineer], peers={org.engineer: [org.engineer2]})


def assignment_of(cycle: ReviewCycle, writer: Person, kind: str) -> Assignment:
    return Assignment.objects.get(cycle=cycle, writer=writer, type=kind)


def question(cycle: ReviewCycle, kind: str) -> Question:
    """The template's first question of ``kind``."""
    found = Question.objects.filter(section__version=cycle.template_version, kind=kind)
    first = found.order_by("section__order", "order").first()
    assert first is not None
    return first


def handed_in(
    cycle: ReviewCycle, writer: Person, kind: str, rating: int, text: str = SELF_TEXT
) -> Assignment:
    """``writer``'s review submitted through the service: a rating and a comment."""
    assignment = assignment_of(cycle, writer, kind)
    return answers_submit(
        actor=writer.user,
        assignment=assignment,
        version=assignment.version,
        answers={
            f"q:{question(cycle, 'rating').pk}": AnswerValue(rating=rating),
            f"q:{question(cycle, 'text').pk}": AnswerValue(text=text),
        },
    )


def reopened(assignment: Assignment, writer: Person, reason: str = REASON) -> Assignment:
    return assignment_reopen(
        actor=writer.user, assignment=assignment, version=assignment.version, reason=reason
    )


def rated(cycle: ReviewCycle, value: int | None) -> dict[str, AnswerValue]:
    return {f"q:{question(cycle, 'rating').pk}": AnswerValue(rating=value)}


def api(client: Client, method: str, path: str, body: object = None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body else {}
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


# --- the service: reopen, change, submit again ----------------------------------------------


def test_a_changed_rating_is_recorded_once_with_who_from_to_and_why(org: Org, cycle) -> None:
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    answer = Answer.objects.get(assignment=mine, item=f"q:{question(cycle, 'rating').pk}")
    assert answer.submitted_rating == 4  # the first submit keeps what was submitted
    assert not RatingChange.objects.exists()
    mine = reopened(mine, org.engineer)
    assert (mine.state, mine.version, mine.reopen_reason) == ("draft", 2, REASON)
    assert mine.reopened_at is not None
    mine = answers_save(
        actor=org.engineer.user, assignment=mine, answers=rated(cycle, 2), version=mine.version
    )
    mine = answers_submit(
        actor=org.engineer.user, assignment=mine, answers=rated(cycle, 3), version=mine.version
    )
    assert mine.state == "submitted"
    change = RatingChange.objects.get()
    assert change.kind == RatingChange.Kind.REOPEN
    assert (change.old_value, change.new_value) == (Decimal(4), Decimal(3))  # not the draft's 2
    assert (change.reason, change.changed_by, change.answer) == (REASON, org.engineer.user, answer)
    assert change.review_id == mine.review_id and change.changed_at is not None
    answer.refresh_from_db()
    assert answer.submitted_rating == 3


def test_a_resubmission_with_nothing_changed_records_nothing(org: Org, cycle) -> None:
    mine = reopened(handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4), org.engineer)
    # The text may change freely: only ratings are recorded.
    text = {f"q:{question(cycle, 'text').pk}": AnswerValue(text="Shipped it, and on time.")}
    answers_submit(actor=org.engineer.user, assignment=mine, answers=text, version=mine.version)
    assert not RatingChange.objects.exists()


def test_a_rating_given_or_removed_after_a_reopen_is_recorded(org: Org, cycle, version) -> None:
    extra = Question.objects.create(
        section=question(cycle, "rating").section,
        order=9,
        kind=Question.Kind.RATING,
        text="Helps others grow",
        reviewer_types=[ReviewerType.SELF],
        required=False,
    )
    key = f"q:{extra.pk}"
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    mine = reopened(mine, org.engineer)
    given = answers_submit(
        actor=org.engineer.user,
        assignment=mine,
        answers={key: AnswerValue(rating=5)},
        version=mine.version,
    )
    first = RatingChange.objects.get()
    assert (first.item, first.old_value, first.new_value) == (key, None, Decimal(5))
    mine = reopened(given, org.engineer, reason="Too generous on helping others.")
    answers_submit(
        actor=org.engineer.user,
        assignment=mine,
        answers={key: AnswerValue()},
        version=mine.version,
    )
    removed = RatingChange.objects.exclude(pk=first.pk).get()
    assert (removed.old_value, removed.new_value) == (Decimal(5), None)
    assert removed.reason == "Too generous on helping others."
    # The record still knows whose answer it was (its row is kept, blank).
    assert removed.answer is not None and removed.answer.assignment_id == mine.pk
    assert (removed.answer.rating, removed.answer.text) == (None, "")


def test_a_stored_score_follows_the_changed_rating(org: Org, cycle) -> None:
    handed_in(cycle, org.eng_manager, ReviewerType.MANAGER, rating=2, text="Good year.")
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=2)
    review = mine.review
    before = results.score_compute(review=review)
    mine = reopened(mine, org.engineer)
    answers_submit(
        actor=org.engineer.user, assignment=mine, answers=rated(cycle, 5), version=mine.version
    )
    review.refresh_from_db()
    assert before is not None and review.score is not None and review.score > before


# --- refusals ----------------------------------------------------------------------------------


def test_only_the_writer_reopens(org: Org, cycle) -> None:
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    for person in (org.eng_manager, org.engineer2, org.hr):  # the manager of a self-review too
        with pytest.raises(Http404):
            reopened(mine, person)
    url = reverse("reviews:assignment_reopen", args=[mine.pk])
    body = {"version": str(mine.version), "reason": REASON}
    for person in (org.eng_manager, org.engineer2, org.sales_manager, org.hr):
        assert org.client_for(person).post(url, body).status_code == 404
    anonymous = Client().post(url, body)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for person in (org.eng_manager, org.engineer2):
        client = org.client_for(person)
        api_body = {"version": mine.version, "reason": REASON}
        refused = api(client, "post", f"/review-assignments/{mine.pk}/reopen", api_body)
        assert refused.status_code == 404
    assert Client().post(
        f"/api/v1/review-assignments/{mine.pk}/reopen",
        json.dumps({"version": 1, "reason": REASON}),
        content_type="application/json",
    ).status_code in (401, 403)
    mine.refresh_from_db()
    assert mine.state == "submitted" and mine.reopened_at is None


def test_only_a_submitted_review_is_reopened(org: Org, cycle) -> None:
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    with pytest.raises(ValidationError, match="Only a submitted review can be reopened."):
        reopened(mine, org.engineer)
    mine = reopened(handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4), org.engineer)
    with pytest.raises(ValidationError, match="Only a submitted review can be reopened."):
        reopened(mine, org.engineer)


def test_a_reason_is_required(org: Org, cycle) -> None:
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    with pytest.raises(ValidationError) as refused:
        reopened(mine, org.engineer, reason="   ")
    assert refused.value.message_dict == {"reason": ["Say why you reopen this review."]}
    with pytest.raises(ValidationError, match="under 2000 characters"):
        reopened(mine, org.engineer, reason="x" * 2001)
    mine.refresh_from_db()
    assert mine.state == "submitted"


def test_a_stale_version_is_refused(org: Org, cycle) -> None:
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    with pytest.raises(ValidationError, match="changed in another tab or window"):
        assignment_reopen(actor=org.engineer.user, assignment=mine, version=0, reason=REASON)
    reopened(mine, org.engineer)  # the first tab reopens, the second is told
    with pytest.raises(ValidationError, match="already reopened from another tab"):
        assignment_reopen(actor=org.engineer.user, assignment=mine, version=1, reason=REASON)


@pytest.mark.parametrize(
    ("deadline_days_ago", "grace_days", "allowed"),
    [(2, 2, True), (2, 1, False)],  # the grace's last day is still open; the day after is not
)
def test_reopening_ends_with_the_writing(
    org: Org, make_cycle, deadline_days_ago: int, grace_days: int, allowed: bool
) -> None:
    cycle = make_cycle(
        [org.engineer],
        writing_deadline=datetime.date.today() + datetime.timedelta(days=7),
        grace_days=grace_days,
    )
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        writing_deadline=datetime.date.today() - datetime.timedelta(days=deadline_days_ago)
    )
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    if allowed:
        assert reopened(mine, org.engineer).state == "draft"
        return
    with pytest.raises(ValidationError, match="The writing closed on"):
        reopened(mine, org.engineer)


def test_no_reopening_once_calibrating_or_released(org: Org, cycle) -> None:
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    Review.objects.filter(pk=mine.review_id).update(state=Review.State.RELEASED)
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    with pytest.raises(ValidationError, match="results of this review are released"):
        reopened(mine, org.engineer)
    Review.objects.filter(pk=mine.review_id).update(state=Review.State.OPEN)
    ReviewCycle.objects.filter(pk=cycle.pk).update(phase=Phase.CALIBRATION)
    mine = assignment_of(cycle, org.engineer, ReviewerType.SELF)
    with pytest.raises(ValidationError, match="writing phase of .* is over"):
        reopened(mine, org.engineer)
    page = org.client_for(org.engineer).get(reverse("reviews:write", args=[mine.pk]))
    assert b"Reopen to change" not in page.content
    assert b"can no longer be changed" in page.content


# --- the page ----------------------------------------------------------------------------------


def test_the_page_reopens_with_a_reason_and_shows_it(org: Org, cycle) -> None:
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    client = org.client_for(org.engineer)
    write = reverse("reviews:write", args=[mine.pk])
    url = reverse("reviews:assignment_reopen", args=[mine.pk])
    before = client.get(write)
    assert b"Reopen to change" in before.content and b"disabled" in before.content
    assert f'action="{url}"'.encode() in before.content
    empty = client.post(url, {"version": str(mine.version), "reason": " "})
    assert empty.status_code == 422 and b"Say why you reopen this review." in empty.content
    done = client.post(url, {"version": str(mine.version), "reason": REASON})
    assert done.status_code == 302 and done["Location"] == write
    after = client.get(write)
    assert b"Your review is reopened." in after.content
    assert b"Reopened on " in after.content and REASON.encode() in after.content
    assert b"Reopen to change" not in after.content
    assert b" disabled" not in after.content  # the form is editable again
    stale = client.post(url, {"version": str(mine.version), "reason": REASON})
    assert stale.status_code == 422 and b"already reopened from another tab" in stale.content


def test_the_page_tells_a_peer_who_reads_the_record(org: Org, cycle) -> None:
    peer = handed_in(cycle, org.engineer2, ReviewerType.PEER, rating=4, text="Great pairing")
    page = org.client_for(org.engineer2).get(reverse("reviews:write", args=[peer.pk]))
    assert b"not shown with the results" in page.content
    ReviewCycle.objects.filter(pk=cycle.pk).update(hr_sees_attribution=True)
    page = org.client_for(org.engineer2).get(reverse("reviews:write", args=[peer.pk]))
    assert b"Only HR admins see that record" in page.content


# --- who reads the record ----------------------------------------------------------------------


def _peer_change_released(org: Org, cycle: ReviewCycle) -> Review:
    """The peer reopened and changed their rating; the review is then released."""
    peer = handed_in(cycle, org.engineer2, ReviewerType.PEER, rating=4, text="Great pairing")
    peer = reopened(peer, org.engineer2)
    answers_submit(
        actor=org.engineer2.user, assignment=peer, answers=rated(cycle, 2), version=peer.version
    )
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    mine = reopened(mine, org.engineer, reason="Own change: the outage was mine to fix.")
    answers_submit(
        actor=org.engineer.user, assignment=mine, answers=rated(cycle, 3), version=mine.version
    )
    ReviewCycle.objects.filter(pk=cycle.pk).update(phase=Phase.RELEASE)
    return release_now(peer.review)


def test_a_peers_change_never_names_the_peer_to_the_reviewee(org: Org, cycle) -> None:
    review = _peer_change_released(org, cycle)
    assert RatingChange.objects.filter(review=review).count() == 2
    peer_name = org.engineer2.full_name
    for person in (org.engineer, org.eng_manager, org.hr):  # HR without attribution too
        client = org.client_for(person)
        page = client.get(reverse("reviews:results", args=[review.pk]))
        assert page.status_code == 200
        assert REASON.encode() not in page.content
        assert peer_name.encode() not in page.content
        assert b"Own change: the outage was mine to fix." in page.content  # the self change
        shown = api(client, "get", f"/reviews/{review.pk}/results").json()
        assert [c["reason"] for c in shown["history"]] == [
            "Own change: the outage was mine to fix."
        ]
        assert peer_name not in json.dumps(shown)


def test_hr_with_attribution_reads_the_peers_change(org: Org, cycle) -> None:
    review = _peer_change_released(org, cycle)
    ReviewCycle.objects.filter(pk=cycle.pk).update(hr_sees_attribution=True)
    shown = api(org.client_for(org.hr), "get", f"/reviews/{review.pk}/results").json()
    peer_change = next(c for c in shown["history"] if c["reason"] == REASON)
    assert (peer_change["old_value"], peer_change["new_value"]) in (
        ("4.00", "2.00"),
        (4.0, 2.0),
        ("4", "2"),
    )
    assert peer_change["by"] == org.engineer2.full_name


# --- the manager and a self-review being revised --------------------------------------------------


def test_the_manager_reads_a_self_review_only_while_submitted(org: Org, cycle) -> None:
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    manager = assignment_of(cycle, org.eng_manager, ReviewerType.MANAGER)
    client = org.client_for(org.eng_manager)
    write = reverse("reviews:write", args=[manager.pk])
    assert SELF_TEXT.encode() in client.get(write).content
    mine = reopened(mine, org.engineer)
    answers_save(
        actor=org.engineer.user,
        assignment=mine,
        answers={f"q:{question(cycle, 'text').pk}": AnswerValue(text="A draft in progress")},
        version=mine.version,
    )
    # Being revised: the manager reads neither the draft nor the old submission.
    for url in (write, reverse("reviews:results", args=[mine.review_id])):
        content = client.get(url).content
        assert b"A draft in progress" not in content and SELF_TEXT.encode() not in content
    assert b"The self-review is not submitted yet." in client.get(write).content
    mine.refresh_from_db()
    answers_submit(actor=org.engineer.user, assignment=mine, answers={}, version=mine.version)
    assert b"A draft in progress" in client.get(write).content


# --- the API -------------------------------------------------------------------------------------


def test_api_reopens_and_refuses_as_submit_does(org: Org, cycle) -> None:
    mine = handed_in(cycle, org.engineer, ReviewerType.SELF, rating=4)
    client = org.client_for(org.engineer)
    path = f"/review-assignments/{mine.pk}"
    form = api(client, "get", path).json()
    assert form["reopenable"] is True and form["reopened_at"] is None
    empty = api(client, "post", f"{path}/reopen", {"version": mine.version, "reason": " "})
    assert empty.status_code == 422 and "Say why you reopen" in empty.json()["detail"]
    stale = api(client, "post", f"{path}/reopen", {"version": 0, "reason": REASON})
    assert stale.status_code == 422 and "another tab or window" in stale.json()["detail"]
    done = api(client, "post", f"{path}/reopen", {"version": mine.version, "reason": REASON})
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["state"], body["version"], body["writable"]) == ("draft", mine.version + 1, True)
    assert body["reopened_at"] and body["reopen_reason"] == REASON
    assert body["reopenable"] is False
    listed = api(client, "get", "/review-assignments").json()["items"]
    assert next(row for row in listed if row["id"] == mine.pk)["reopened_at"]
    again = api(client, "post", f"{path}/reopen", {"version": body["version"], "reason": REASON})
    assert again.status_code == 422 and "Only a submitted review" in again.json()["detail"]
    rating = question(cycle, "rating")
    submitted = api(
        client,
        "post",
        f"{path}/submit",
        {"version": body["version"], "answers": {f"q:{rating.pk}": {"rating": 1}}},
    )
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    change = RatingChange.objects.get()
    assert (change.old_value, change.new_value, change.reason) == (Decimal(4), Decimal(1), REASON)
