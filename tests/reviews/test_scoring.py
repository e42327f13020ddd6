"""The score formula: docs/reviews.md's worked examples computed exactly, the weights'
validation, and the stored score of a real review."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cadence.reviews import scoring
from cadence.reviews.models import ReviewCycle
from cadence.reviews.scoring import Rating
from cadence.reviews.services import results as services
from tests.conftest import Org
from tests.reviews.results_support import MANAGER, PEER, SELF, submit


def ratings(reviewer: str, **by_kind: list[int]) -> list[Rating]:
    return [Rating(reviewer, kind, v) for kind, values in by_kind.items() for v in values]


def test_example_1_everyone_rated_upward_absent() -> None:
    result = scoring.compute(
        [
            *ratings(MANAGER, goals=[4, 3], competencies=[4], questions=[3]),
            *ratings(SELF, goals=[4, 4], competencies=[5], questions=[4]),
            *ratings(PEER, questions=[4, 3, 5, 4, 4, 3]),
        ],
        weights=scoring.parse_weights({}),
        submitted={MANAGER: 1, SELF: 1, PEER: 3},
        threshold=3,
    )
    parts = {p.type: p for p in result.parts}
    assert parts[MANAGER].score_shown == Decimal("3.55")
    assert parts[SELF].score_shown == Decimal("4.30")
    assert parts[PEER].score_shown == Decimal("3.83")
    assert parts["upward"].score is None
    assert result.score == Decimal("3.70")
    assert [parts[t].share_percent for t in (MANAGER, SELF, PEER)] == [67, 11, 22]


def test_example_2_peers_withheld_and_no_competencies() -> None:
    result = scoring.compute(
        [
            *ratings(MANAGER, goals=[3], questions=[4]),
            *ratings(SELF, goals=[4], questions=[5]),
            *ratings(PEER, questions=[1, 1]),  # two of K = 3: not counted
        ],
        weights=scoring.parse_weights({}),
        submitted={MANAGER: 1, SELF: 1, PEER: 2},
        threshold=3,
    )
    parts = {p.type: p for p in result.parts}
    assert parts[MANAGER].score_shown == Decimal("3.29")
    assert parts[SELF].score_shown == Decimal("4.29")
    assert parts[PEER].withheld is True
    assert parts[PEER].score is None
    assert result.score == Decimal("3.43")


def test_example_3_weights_of_the_cycle() -> None:
    weights = scoring.parse_weights({"reviewers": {"self": 0, "upward": 30}})
    result = scoring.compute(
        [
            *ratings(MANAGER, goals=[4], questions=[4]),
            *ratings(SELF, questions=[5]),
            *ratings("upward", questions=[2, 3, 3]),
        ],
        weights=weights,
        submitted={MANAGER: 1, SELF: 1, "upward": 3},
        threshold=3,
    )
    assert result.score == Decimal("3.56")


def test_nothing_rated_has_no_score() -> None:
    result = scoring.compute([], weights=scoring.parse_weights({}), submitted={}, threshold=3)
    assert result.score is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"sections": {"goals": -1}}, "The weight of “goals” must be a number from 0 to 1000."),
        ({"reviewers": {"boss": 10}}, "“boss” is not a reviewers weight."),
        ({"reviewers": {"self": "lots"}}, "The weight of “self” must be a number from 0 to 1000."),
        ({"sections": [1, 2]}, "Score weights must be a mapping."),
    ],
)
def test_bad_weights_are_refused_naming_the_field(raw: dict, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        scoring.parse_weights(raw)
    assert error.value.message_dict == {"score_weights": [message]}


def test_score_compute_stores_the_formula_of_the_submitted_ratings(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.engineer], phase=ReviewCycle.Phase.CALIBRATION)
    review = cycle.reviews.get()
    submit(review, org.engineer, SELF, rating=5)
    submit(review, org.eng_manager, MANAGER, rating=3)
    # Questions only: self 5 (weight 10), manager 3 (weight 60) → 23/7 = 3.2857…
    assert services.score_compute(review=review) == Decimal("3.29")
    review.refresh_from_db()
    assert review.score == Decimal("3.29")
