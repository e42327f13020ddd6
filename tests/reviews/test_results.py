"""Calibration, release, comment and acknowledgement: who may (pages and API), the exact
refusals, what is recorded; HR's release list; the results page's query count."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cadence.core.models import AuditEvent
from cadence.reviews.models import Answer, RatingChange, Review, ReviewCycle
from cadence.reviews.services import results as services
from tests.conftest import Org
from tests.reviews.results_support import API, MANAGER, PEER, SELF, api, page, submit

Phase = ReviewCycle.Phase


@pytest.fixture
def review_in(org: Org, make_cycle):
    def make(phase: str = Phase.CALIBRATION, **fields: object) -> Review:
        cycle = make_cycle([org.engineer], phase=phase, **fields)
        review = cycle.reviews.get()
        submit(review, org.engineer, SELF, rating=5, comment="Shipped the new pipeline.")
        submit(review, org.eng_manager, MANAGER, rating=3, comment="Good year.")
        return review

    return make


def calibrate_url(review: Review) -> str:
    return reverse("reviews:results_calibrate", args=[review.pk])


def release_url(review: Review) -> str:
    return reverse("reviews:results_release", args=[review.pk])


def comment_url(review: Review) -> str:
    return reverse("reviews:results_comment", args=[review.pk])


def post_json(client: Client, url: str, data: dict | None = None, method: str = "post"):
    return getattr(client, method)(url, data or {}, content_type="application/json")


# --- calibration ------------------------------------------------------------------------


def test_hr_calibrates_with_a_reason_and_the_change_is_recorded(org: Org, review_in) -> None:
    review = review_in()
    response = org.client_for(org.hr).post(
        calibrate_url(review), {"score": "3.50", "reason": "Peer panel agreed on the outage."}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.score == Decimal("3.29")  # the formula's, kept beside
    assert review.calibrated_score == Decimal("3.50")
    change = RatingChange.objects.get(review=review)
    assert (change.kind, change.item, change.old_value, change.new_value) == (
        RatingChange.Kind.CALIBRATION,
        "score",
        Decimal("3.29"),
        Decimal("3.50"),
    )
    assert change.changed_by == org.hr.user
    assert change.reason == "Peer panel agreed on the outage."
    assert AuditEvent.objects.filter(action="review.calibrate").count() == 1
    html = org.client_for(org.hr).get(page(review)).content.decode()
    assert "Calibrated by HR from 3.29" in html
    assert "Peer panel agreed on the outage." in html


def test_calibration_refusals(org: Org, review_in) -> None:
    review = review_in()
    # The manager reads the results but may not calibrate: 403; an outsider: 404.
    assert org.client_for(org.eng_manager).post(calibrate_url(review), {}).status_code == 403
    assert org.client_for(org.seller).post(calibrate_url(review), {}).status_code == 404
    body = {"score": "4", "reason": "x"}
    assert (
        post_json(org.client_for(org.eng_manager), f"{api(review)}/calibrate", body).status_code
        == 403
    )
    assert (
        post_json(org.client_for(org.engineer), f"{api(review)}/calibrate", body).status_code == 404
    )
    assert post_json(Client(), f"{api(review)}/calibrate", body).status_code == 401
    hr = org.client_for(org.hr)
    cases = [
        ({"score": "7", "reason": "x"}, "The score must be between 1 and 5."),
        ({"score": "4", "reason": " "}, "Say why the score changes."),
        ({"score": "3.29", "reason": "same"}, "That is already the score."),
    ]
    for data, message in cases:
        response = post_json(hr, f"{api(review)}/calibrate", data)
        assert response.status_code == 422, data
        assert message in str(response.json()["detail"])
    Review.objects.filter(pk=review.pk).update(state=Review.State.RELEASED)
    response = post_json(hr, f"{api(review)}/calibrate", body)
    assert response.status_code == 422
    assert "This review is released: its score is final." in str(response.json())
    assert not RatingChange.objects.filter(review=review).exists()


def test_calibration_only_in_the_calibration_phase(org: Org, review_in) -> None:
    review = review_in(phase=Phase.WRITING)
    response = post_json(
        org.client_for(org.hr), f"{api(review)}/calibrate", {"score": "4", "reason": "x"}
    )
    assert response.status_code == 422
    assert "only during the cycle's calibration phase" in str(response.json())


def test_the_calibration_form_shows_for_hr_in_calibration_only(org: Org, review_in) -> None:
    review = review_in()
    assert "Calibrate the score" in org.client_for(org.hr).get(page(review)).content.decode()
    manager = org.client_for(org.eng_manager).get(page(review)).content.decode()
    assert "Calibrate the score" not in manager


# --- release ------------------------------------------------------------------------------


def test_hr_releases_one_review_and_the_reviewee_can_then_read_it(org: Org, review_in) -> None:
    review = review_in()
    reviewee = org.client_for(org.engineer)
    assert reviewee.get(page(review)).status_code == 404
    response = org.client_for(org.hr).post(release_url(review))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.RELEASED
    assert review.released_by == org.hr.user
    assert review.released_at is not None
    assert review.score == Decimal("3.29")  # computed at release
    assert reviewee.get(page(review)).status_code == 200
    assert reviewee.get(api(review)).json()["final_score"] == "3.29"
    assert AuditEvent.objects.filter(action="review.release").count() == 1


def test_release_refusals(org: Org, review_in) -> None:
    review = review_in()
    # The manager reads the results but may not release unless the cycle allows: 403.
    assert org.client_for(org.eng_manager).post(release_url(review)).status_code == 403
    assert post_json(org.client_for(org.eng_manager), f"{api(review)}/release").status_code == 403
    for outsider in (org.engineer, org.engineer2, org.seller):
        assert org.client_for(outsider).post(release_url(review)).status_code == 404
        assert post_json(org.client_for(outsider), f"{api(review)}/release").status_code == 404
    assert post_json(Client(), f"{api(review)}/release").status_code == 401
    hr = org.client_for(org.hr)
    assert post_json(hr, f"{api(review)}/release").status_code == 200
    again = post_json(hr, f"{api(review)}/release")
    assert again.status_code == 422
    assert "The review of Ann Engineer is not waiting for release." in str(again.json())


def test_release_waits_for_writing_to_close(org: Org, review_in) -> None:
    review = review_in(phase=Phase.WRITING)
    response = post_json(org.client_for(org.hr), f"{api(review)}/release")
    assert response.status_code == 422
    assert "once writing has closed" in str(response.json())
    assert Review.objects.get(pk=review.pk).state == Review.State.OPEN


def test_the_manager_releases_when_the_cycle_allows(org: Org, review_in) -> None:
    review = review_in(manager_may_release=True)
    assert (
        "Release to the reviewee"
        in org.client_for(org.eng_manager).get(page(review)).content.decode()
    )
    response = post_json(org.client_for(org.eng_manager), f"{api(review)}/release")
    assert response.status_code == 200
    assert response.json()["state"] == "released"
    # Another team's manager still cannot see it.
    assert post_json(org.client_for(org.sales_manager), f"{api(review)}/release").status_code == 404


def test_hr_releases_every_open_review_of_a_cycle_at_once(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.engineer, org.engineer2, org.seller], phase=Phase.CALIBRATION)
    first = cycle.reviews.get(reviewee=org.engineer)
    services.release(actor=org.hr.user, reviews=[first])
    hr = org.client_for(org.hr)
    listing = hr.get(reverse("reviews:results_cycle", args=[cycle.pk]))
    assert listing.status_code == 200
    assert "Release all 2 reviews" in listing.content.decode()
    response = post_json(hr, f"{API}/reviews/cycles/{cycle.pk}/results/release")
    assert response.status_code == 200
    assert response.json() == {"released": 2}
    assert set(cycle.reviews.values_list("state", flat=True)) == {Review.State.RELEASED}
    response = hr.post(reverse("reviews:results_release_all", args=[cycle.pk]))
    assert response.status_code == 302
    assert post_json(hr, f"{API}/reviews/cycles/{cycle.pk}/results/release").json() == {
        "released": 0
    }


def test_the_release_list_is_for_hr_only(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.engineer], phase=Phase.CALIBRATION)
    url = reverse("reviews:results_cycle", args=[cycle.pk])
    for member in (org.eng_manager, org.engineer, org.ceo):
        assert org.client_for(member).get(url).status_code == 403
        assert (
            org.client_for(member)
            .post(reverse("reviews:results_release_all", args=[cycle.pk]))
            .status_code
            == 403
        )
        assert (
            post_json(
                org.client_for(member), f"{API}/reviews/cycles/{cycle.pk}/results/release"
            ).status_code
            == 403
        )
    assert Client().get(url).status_code == 302
    release_all = f"{API}/reviews/cycles/{cycle.pk}/results/release"
    assert post_json(Client(), release_all).status_code == 401
    assert (
        org.client_for(org.hr).get(reverse("reviews:results_cycle", args=[999999])).status_code
        == 404
    )


# --- comment and acknowledgement ------------------------------------------------------------


def test_the_reviewee_comments_then_acknowledges(org: Org, review_in) -> None:
    review = review_in(phase=Phase.ACKNOWLEDGEMENT)
    services.release(actor=org.hr.user, reviews=[review])
    me = org.client_for(org.engineer)
    html = me.get(page(review)).content.decode()
    assert "not that you agree" in html
    me.post(comment_url(review), {"comment": "I disagree on the rating of delivery."})
    me.post(comment_url(review), {"comment": "I see it differently on delivery."})
    review.refresh_from_db()
    assert review.employee_comment == "I see it differently on delivery."
    assert review.commented_at is not None
    assert review.state == Review.State.RELEASED
    response = post_json(me, f"{api(review)}/acknowledge", {})
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "acknowledged"
    assert data["acknowledged_at"] is not None
    assert data["employee_comment"] == "I see it differently on delivery."
    # Acknowledged: the comment is kept as it was, and a second acknowledgement refused.
    late = post_json(me, f"{api(review)}/comment", {"comment": "changed"}, method="put")
    assert late.status_code == 422
    assert "the comment is kept as it was" in str(late.json())
    again = post_json(me, f"{api(review)}/acknowledge", {})
    assert again.status_code == 422
    assert "You have already acknowledged this review." in str(again.json())
    manager = org.client_for(org.eng_manager).get(page(review)).content.decode()
    assert "I see it differently on delivery." in manager
    assert "read, not necessarily agreed" in manager


def test_acknowledging_from_the_page_with_a_comment(org: Org, review_in) -> None:
    review = review_in(phase=Phase.ACKNOWLEDGEMENT)
    services.release(actor=org.hr.user, reviews=[review])
    response = org.client_for(org.engineer).post(
        comment_url(review), {"comment": "Thanks.", "acknowledge": "1"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.employee_comment) == (Review.State.ACKNOWLEDGED, "Thanks.")
    assert review.acknowledged_at is not None


def test_acknowledgement_refusals(org: Org, review_in) -> None:
    review = review_in(phase=Phase.ACKNOWLEDGEMENT)
    me = org.client_for(org.engineer)
    # Before release the reviewee may not know the results exist: 404.
    assert post_json(me, f"{api(review)}/acknowledge").status_code == 404
    assert me.post(comment_url(review), {"comment": "x"}).status_code == 404
    services.release(actor=org.hr.user, reviews=[review])
    # Only the reviewee acknowledges: everyone else 404 (the lead's rule).
    for other in (org.eng_manager, org.hr, org.engineer2):
        client = org.client_for(other)
        assert post_json(client, f"{api(review)}/acknowledge").status_code == 404
        assert client.post(comment_url(review), {"acknowledge": "1"}).status_code == 404
        assert (
            post_json(client, f"{api(review)}/comment", {"comment": "x"}, "put").status_code == 404
        )
    assert post_json(Client(), f"{api(review)}/acknowledge").status_code == 401
    too_long = post_json(me, f"{api(review)}/comment", {"comment": "x" * 20001}, "put")
    assert too_long.status_code == 422
    assert Review.objects.get(pk=review.pk).state == Review.State.RELEASED


# --- a writer changing a submitted rating ---------------------------------------------------


def test_a_changed_rating_is_recorded_and_moves_a_stored_score(org: Org, review_in) -> None:
    review = review_in()
    services.score_compute(review=review)
    answer = Answer.objects.get(assignment__writer=org.eng_manager, rating__isnull=False)
    answer.rating = 5
    answer.save(update_fields=["rating"])
    change = services.record_rating_change(
        actor=org.eng_manager.user, answer=answer, old_value=3, new_value=5, reason="Re-read"
    )
    assert change is not None
    assert (change.kind, change.old_value, change.new_value) == (
        RatingChange.Kind.REOPEN,
        Decimal("3"),
        Decimal("5"),
    )
    review.refresh_from_db()
    assert review.score == Decimal("5.00")
    assert (
        services.record_rating_change(
            actor=org.eng_manager.user, answer=answer, old_value=5, new_value=5, reason=""
        )
        is None
    )
    with pytest.raises(Exception, match="Say why the rating changed"):
        services.record_rating_change(
            actor=org.eng_manager.user, answer=answer, old_value=5, new_value=4, reason=" "
        )


# --- the page's queries ------------------------------------------------------------------------


def test_the_results_page_runs_the_same_queries_whatever_the_number_of_writers(
    org: Org, make_cycle, django_assert_num_queries
) -> None:
    peers = [org.engineer2, org.seller, org.exec_viewer]
    cycle = make_cycle([org.engineer], peers={org.engineer: peers}, phase=Phase.CALIBRATION)
    review = cycle.reviews.get()
    submit(review, org.engineer, SELF, rating=4, comment="a")
    submit(review, org.eng_manager, MANAGER, rating=4, comment="b")
    hr = org.client_for(org.hr)
    for peer in peers:
        submit(review, peer, PEER, rating=3, comment=f"c {peer.pk}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert hr.get(page(review)).status_code == 200
    for peer in (org.sales_head, org.sales_manager, org.ceo):
        submit(review, peer, PEER, rating=2, comment=f"more {peer.pk}")
    with django_assert_num_queries(len(few.captured_queries)):
        assert hr.get(page(review)).status_code == 200


def test_dates_are_formatted_the_project_way(org: Org, review_in) -> None:
    review = review_in(phase=Phase.ACKNOWLEDGEMENT)
    services.release(actor=org.hr.user, reviews=[review])
    Review.objects.filter(pk=review.pk).update(
        released_at=datetime.datetime(2026, 12, 1, 14, 5, tzinfo=datetime.UTC)
    )
    html = org.client_for(org.engineer).get(page(review)).content.decode()
    assert "Released 1 Dec 2026" in html
