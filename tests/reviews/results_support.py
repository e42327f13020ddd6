"""Helpers of the results tests (anonymity, release, scoring): submitted answers written
row by row — the writing part's services are tested on their own — and the pages'
and endpoints' addresses."""

import datetime

from django.urls import reverse

from cadence.people.models import Person
from cadence.reviews.models import Answer, Assignment, Question, Review, ReviewerType

API = "/api/v1"
# A time no page may show: if it appears, a per-answer timestamp leaked.
WRITTEN_AT = datetime.datetime(2021, 3, 4, 5, 6, tzinfo=datetime.UTC)


def question(review: Review, text: str) -> Question:
    return Question.objects.get(section__version=review.cycle.template_version, text=text)


def submit(
    review: Review,
    writer: Person,
    kind: str,
    *,
    rating: int | None = None,
    comment: str = "",
    extra: dict[str, int] | None = None,
) -> Assignment:
    """``writer``'s review of type ``kind`` submitted with a rating of "Delivers what was
    agreed" and a comment on "What should they keep doing?" (plus ``extra`` ratings,
    item → value)."""
    assignment, _ = Assignment.objects.get_or_create(
        review=review, writer=writer, type=kind, defaults={"cycle": review.cycle}
    )
    rows = []
    if rating is not None:
        q = question(review, "Delivers what was agreed")
        rows.append(Answer(assignment=assignment, item=f"q:{q.pk}", question=q, rating=rating))
    if comment:
        q = question(review, "What should they keep doing?")
        rows.append(Answer(assignment=assignment, item=f"q:{q.pk}", question=q, text=comment))
    for item, value in (extra or {}).items():
        q = Question.objects.get(pk=int(item.split(":")[1])) if item.startswith("q:") else None
        rows.append(Answer(assignment=assignment, item=item, question=q, rating=value))
    for row in rows:
        row.updated_at = WRITTEN_AT
    Answer.objects.bulk_create(rows)
    assignment.state = Assignment.State.SUBMITTED
    assignment.submitted_at = WRITTEN_AT
    assignment.save(update_fields=["state", "submitted_at"])
    return assignment


def release_now(review: Review) -> Review:
    Review.objects.filter(pk=review.pk).update(
        state=Review.State.RELEASED, released_at=datetime.datetime.now(tz=datetime.UTC)
    )
    review.refresh_from_db()
    return review


def page(review: Review) -> str:
    return reverse("reviews:results", args=[review.pk])


def api(review: Review) -> str:
    return f"{API}/reviews/{review.pk}/results"


PEER = ReviewerType.PEER.value
UPWARD = ReviewerType.UPWARD.value
SELF = ReviewerType.SELF.value
MANAGER = ReviewerType.MANAGER.value
