"""Trying to break anonymity: the reviewee (and the manager side, and HR) through every
results page and endpoint, with K−1 peer answers, exactly K, one more arriving, and with
the order of submission turned around. Nothing may name a peer or upward writer, time
their answer, or let a reader tell one answer from another beyond the counts."""

import difflib
import json
import re

import pytest
from django.test import Client

from cadence.reviews import anonymity
from cadence.reviews.models import (
    Answer,
    Assignment,
    Question,
    RatingChange,
    Review,
    ReviewCycle,
)
from cadence.reviews.services import results as services
from tests.conftest import Org
from tests.reviews.results_support import (
    MANAGER,
    PEER,
    SELF,
    UPWARD,
    api,
    page,
    question,
    release_now,
    submit,
)

COMMENTS = {
    "engineer2": "Always reviews my pull requests within the hour.",
    "seller": "Explains the platform to customers patiently.",
    "exec_viewer": "Could share plans earlier with the wider team.",
    "sales_head": "Ran the incident review with a calm hand.",
}
RATINGS = {"engineer2": 5, "seller": 4, "exec_viewer": 2, "sales_head": 3}


def peers_of(org: Org, names: list[str]):
    return [getattr(org, name) for name in names]


@pytest.fixture
def review(org: Org, make_cycle) -> Review:
    """Ann's review, released, with self and manager written and four peers invited."""
    cycle = make_cycle(
        [org.engineer],
        peers={org.engineer: peers_of(org, list(COMMENTS))},
        phase=ReviewCycle.Phase.RELEASE,
    )
    review = cycle.reviews.get()
    submit(review, org.engineer, SELF, rating=4, comment="I kept the build green.")
    submit(review, org.eng_manager, MANAGER, rating=4, comment="Reliable and kind.")
    return release_now(review)


def peer_submit(org: Org, review: Review, name: str) -> None:
    submit(review, getattr(org, name), PEER, rating=RATINGS[name], comment=COMMENTS[name])


def identifying(org: Org, names: list[str]) -> list[str]:
    """Everything that would name a peer: full names, first and last names, emails."""
    words = []
    for name in names:
        person = getattr(org, name)
        words += [person.full_name, person.work_email]
    return words


def content(html: str) -> str:
    """The page without what changes on every request (CSP nonce, CSRF token)."""
    html = re.sub(r'nonce="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def views_of(client: Client, review: Review) -> tuple[str, str]:
    html = client.get(page(review))
    data = client.get(api(review))
    assert html.status_code == 200
    assert data.status_code == 200
    return content(html.content.decode()), json.dumps(data.json())


def assert_anonymous(org: Org, texts: tuple[str, str], names: list[str]) -> None:
    for text in texts:
        for word in identifying(org, names):
            assert word not in text
        # Answers were written on 4 Mar 2021 at 05:06: no trace of that time anywhere.
        for stamp in ("2021", "4 Mar", "05:06"):
            assert stamp not in text


# --- K − 1 -------------------------------------------------------------------------------


def test_below_k_peer_group_is_withheld_everywhere_with_the_reason(org: Org, review) -> None:
    for name in ("engineer2", "seller"):  # K − 1 = 2
        peer_submit(org, review, name)
    html, data = views_of(org.client_for(org.engineer), review)
    assert "Peer reviews are shown only when at least 3 were submitted" in html
    for name in ("engineer2", "seller"):
        assert COMMENTS[name] not in html
        assert COMMENTS[name] not in data
    peer = next(g for g in json.loads(data)["groups"] if g["type"] == PEER)
    assert peer == {
        "type": PEER,
        "shown": False,
        "reason": anonymity.withheld_sentence(PEER, 3),
        "count": None,
        "ratings": [],
        "choices": [],
        "comments": [],
        "attributed": [],
    }
    assert_anonymous(org, (html, data), ["engineer2", "seller"])


def test_below_k_says_the_same_with_none_as_with_k_minus_one(org: Org, review) -> None:
    """Withheld with 0 and with K−1 answers reads identically: no count leaks."""
    client = org.client_for(org.engineer)
    _html, before = views_of(client, review)
    peer_submit(org, review, "engineer2")
    peer_submit(org, review, "seller")
    _html, after = views_of(client, review)
    group = [g for g in json.loads(before)["groups"] if g["type"] == PEER]
    assert group == [g for g in json.loads(after)["groups"] if g["type"] == PEER]


def test_a_withheld_group_does_not_move_the_score(org: Org, review) -> None:
    client = org.client_for(org.engineer)
    before = client.get(api(review)).json()
    html_before = content(client.get(page(review)).content.decode())
    peer_submit(org, review, "exec_viewer")  # a 2 would pull the mean down
    peer_submit(org, review, "seller")
    after = client.get(api(review)).json()
    assert after["breakdown"] == before["breakdown"]
    peer = next(p for p in after["breakdown"] if p["type"] == PEER)
    assert peer["withheld"] is True
    assert peer["score"] is None
    assert content(client.get(page(review)).content.decode()) == html_before


# --- exactly K ----------------------------------------------------------------------------


def test_exactly_k_shows_aggregates_without_names_or_times(org: Org, review) -> None:
    names = ["engineer2", "seller", "exec_viewer"]
    for name in names:
        peer_submit(org, review, name)
    html, data = views_of(org.client_for(org.engineer), review)
    peer = next(g for g in json.loads(data)["groups"] if g["type"] == PEER)
    assert peer["shown"] is True
    assert peer["count"] == 3
    assert peer["attributed"] == []
    (rating,) = peer["ratings"]
    assert rating["count"] == 3
    assert rating["mean"] == "3.67"
    assert {b["value"]: b["count"] for b in rating["distribution"]} == {
        1: 0,
        2: 1,
        3: 0,
        4: 1,
        5: 1,
    }
    (comments,) = peer["comments"]
    assert sorted(comments["comments"]) == sorted(COMMENTS[n] for n in names)
    for name in names:
        assert COMMENTS[name] in html
    assert "3.67" in html
    assert_anonymous(org, (html, data), names)


def test_comment_order_ignores_submission_order(org: Org, review) -> None:
    names = ["engineer2", "seller", "exec_viewer", "sales_head"]
    client = org.client_for(org.engineer)

    def order() -> list[str]:
        data = client.get(api(review)).json()
        peer = next(g for g in data["groups"] if g["type"] == PEER)
        return peer["comments"][0]["comments"]

    for name in names:
        peer_submit(org, review, name)
    first = order()
    assert order() == first  # stable across requests
    # The same answers written again in the opposite order, by new rows with new ids.
    Answer.objects.filter(assignment__review=review, assignment__type=PEER).delete()
    Assignment.objects.filter(review=review, type=PEER).delete()
    for name in reversed(names):
        peer_submit(org, review, name)
    assert order() == first
    # …and it is the documented one: by a hash of review, question and text.
    item = f"q:{question(review, 'What should they keep doing?').pk}"
    expected = sorted(
        (COMMENTS[n] for n in names), key=lambda t: anonymity.comment_key(review.pk, item, t)
    )
    assert first == expected


def test_one_more_answer_changes_only_counts_and_adds_an_unnamed_comment(org: Org, review) -> None:
    for name in ("engineer2", "seller", "exec_viewer"):
        peer_submit(org, review, name)
    client = org.client_for(org.engineer)
    html_before, data_before = views_of(client, review)
    peer_submit(org, review, "sales_head")
    html_after, data_after = views_of(client, review)
    added = [
        line[1:]
        for line in difflib.unified_diff(
            html_before.splitlines(), html_after.splitlines(), lineterm="", n=0
        )
        if line.startswith("+") and not line.startswith("+++")
    ]
    diff = "\n".join(added)
    assert diff  # something changed: the counts, the mean, the comment
    for word in identifying(org, ["sales_head"]):
        assert word not in diff
    for stamp in ("2021", "4 Mar", "05:06"):
        assert stamp not in diff
    # The comments already there keep their order around the new one.
    before = next(g for g in json.loads(data_before)["groups"] if g["type"] == PEER)
    after = next(g for g in json.loads(data_after)["groups"] if g["type"] == PEER)
    kept = [c for c in after["comments"][0]["comments"] if c != COMMENTS["sales_head"]]
    assert kept == before["comments"][0]["comments"]
    assert after["count"] == before["count"] + 1


def test_an_optional_item_answered_by_fewer_than_k_is_withheld(org: Org, review) -> None:
    section = question(review, "Delivers what was agreed").section
    optional = Question.objects.create(
        section=section,
        order=9,
        kind=Question.Kind.RATING,
        text="Mentors others",
        reviewer_types=[PEER],
        required=False,
    )
    for name in ("engineer2", "seller"):
        peer_submit(org, review, name)
    submit(review, org.exec_viewer, PEER, rating=3, extra={f"q:{optional.pk}": 1})
    data = org.client_for(org.engineer).get(api(review)).json()
    peer = next(g for g in data["groups"] if g["type"] == PEER)
    mentors = next(r for r in peer["ratings"] if r["label"] == "Mentors others")
    assert mentors["withheld"] is True
    assert mentors["mean"] is None
    assert mentors["count"] == 0
    assert all(b["count"] == 0 for b in mentors["distribution"])


# --- upward ---------------------------------------------------------------------------------


def test_upward_reviews_of_a_manager_follow_the_same_threshold(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.eng_manager], phase=ReviewCycle.Phase.RELEASE)
    review = cycle.reviews.get()
    submit(review, org.engineer, UPWARD, rating=2, comment="Too many meetings.")
    submit(review, org.engineer2, UPWARD, rating=5, comment="Protects our focus time.")
    release_now(review)
    client = org.client_for(org.eng_manager)
    html, data = views_of(client, review)
    assert "Upward reviews are shown only when at least 3 were submitted" in html
    assert "Too many meetings." not in html + data
    assert_anonymous(org, (html, data), ["engineer", "engineer2"])
    # A cycle with K = 2 shows them, still unnamed.
    ReviewCycle.objects.filter(pk=cycle.pk).update(anonymity_threshold=2)
    html, data = views_of(client, review)
    assert "Too many meetings." in html
    assert "Protects our focus time." in data
    assert_anonymous(org, (html, data), ["engineer", "engineer2"])


# --- the reviewee before release, outsiders --------------------------------------------------


def test_the_reviewee_reads_nothing_before_release(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.engineer], peers={org.engineer: peers_of(org, list(COMMENTS)[:3])})
    review = cycle.reviews.get()
    for name in list(COMMENTS)[:3]:
        peer_submit(org, review, name)
    client = org.client_for(org.engineer)
    assert client.get(page(review)).status_code == 404
    assert client.get(api(review)).status_code == 404


@pytest.mark.parametrize("outsider", ["engineer2", "seller", "sales_manager", "exec_viewer"])
def test_outsiders_and_peers_are_refused_the_results(org: Org, review, outsider: str) -> None:
    for name in ("engineer2", "seller", "exec_viewer"):
        peer_submit(org, review, name)
    client = org.client_for(getattr(org, outsider))
    assert client.get(page(review)).status_code == 404
    assert client.get(api(review)).status_code == 404


def test_anonymous_is_sent_to_sign_in_or_401(review) -> None:
    client = Client()
    response = client.get(page(review))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]
    assert client.get(api(review)).status_code == 401


# --- the manager side and HR --------------------------------------------------------------


def test_manager_chain_sees_aggregates_only_and_only_when_the_cycle_allows(
    org: Org, review
) -> None:
    names = ["engineer2", "seller", "exec_viewer"]
    for name in names:
        peer_submit(org, review, name)
    for manager in (org.eng_manager, org.eng_head, org.ceo):
        html, data = views_of(org.client_for(manager), review)
        assert COMMENTS["seller"] in html
        peer = next(g for g in json.loads(data)["groups"] if g["type"] == PEER)
        assert peer["attributed"] == []
        assert_anonymous(org, (html, data), names)
    ReviewCycle.objects.filter(pk=review.cycle_id).update(manager_sees_peer_results=False)
    html, data = views_of(org.client_for(org.eng_manager), review)
    assert "This cycle shares peer and upward results with the reviewee and HR only." in html
    assert COMMENTS["seller"] not in html + data
    # The reviewee still reads them.
    html, _data = views_of(org.client_for(org.engineer), review)
    assert COMMENTS["seller"] in html


def test_hr_sees_who_wrote_what_only_when_the_cycle_says_so(org: Org, review) -> None:
    names = ["engineer2", "seller", "exec_viewer"]
    for name in names:
        peer_submit(org, review, name)
    hr = org.client_for(org.hr)
    html, data = views_of(hr, review)
    assert_anonymous(org, (html, data), names)
    ReviewCycle.objects.filter(pk=review.cycle_id).update(hr_sees_attribution=True)
    html, data = views_of(hr, review)
    peer = next(g for g in json.loads(data)["groups"] if g["type"] == PEER)
    assert sorted(w["writer_name"] for w in peer["attributed"]) == sorted(
        getattr(org, n).full_name for n in names
    )
    assert org.seller.full_name in html
    # …and still nobody else.
    for reader in (org.engineer, org.eng_manager, org.ceo):
        assert_anonymous(org, views_of(org.client_for(reader), review), names)


def test_a_peer_changing_a_rating_is_not_shown_to_the_reviewee(org: Org, review) -> None:
    names = ["engineer2", "seller", "exec_viewer"]
    for name in names:
        peer_submit(org, review, name)
    answer = Answer.objects.get(
        assignment__writer=org.seller, assignment__review=review, rating__isnull=False
    )
    services.record_rating_change(
        actor=org.seller.user, answer=answer, old_value=4, new_value=3, reason="Second thoughts"
    )
    mine = Answer.objects.get(
        assignment__writer=org.eng_manager, assignment__review=review, rating__isnull=False
    )
    services.record_rating_change(
        actor=org.eng_manager.user, answer=mine, old_value=4, new_value=5, reason="Re-read goals"
    )
    assert RatingChange.objects.filter(review=review).count() == 2
    for reader in (org.engineer, org.eng_manager, org.hr):
        html, data = views_of(org.client_for(reader), review)
        assert "Second thoughts" not in html + data
        assert "Re-read goals" in html
        assert_anonymous(org, (html, data), names)
    ReviewCycle.objects.filter(pk=review.cycle_id).update(hr_sees_attribution=True)
    html, _data = views_of(org.client_for(org.hr), review)
    assert "Second thoughts" in html
