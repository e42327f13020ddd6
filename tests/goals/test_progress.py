"""The progress rule (docs/goals.md), kind by kind and direction by direction."""

from decimal import Decimal

import pytest

from cadence.goals.progress import (
    goal_progress,
    key_result_progress,
    weighted_progress,
)


def kr(kind="number", direction="increase", start=0, target=100, current=0):
    return key_result_progress(
        kind=kind, direction=direction, start=start, target=target, current=current
    )


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (0, 100, 0, 0.0),
        (0, 100, 25, 0.25),
        (0, 100, 100, 1.0),
        (0, 100, 130, 1.0),  # overshoot is clipped
        (0, 100, -10, 0.0),  # below the start is clipped
        (20, 60, 30, 0.25),  # measured from the start, not from zero
        (Decimal("1.5"), Decimal("2.5"), Decimal("2.0"), 0.5),
    ],
)
def test_increase(start, target, current, expected):
    for kind in ("number", "percentage", "currency"):
        assert kr(kind, "increase", start, target, current) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (40, 10, 40, 0.0),
        (40, 10, 31, 0.3),  # docs example: churn 40 → 10, now 31 is 30 % of the way
        (40, 10, 10, 1.0),
        (40, 10, 2, 1.0),  # better than the target is clipped
        (40, 10, 55, 0.0),  # worse than the start is clipped
    ],
)
def test_decrease_is_mirrored(start, target, current, expected):
    assert kr("number", "decrease", start, target, current) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("direction", "target", "current", "expected"),
    [
        ("stay_above", 95, 95, 1.0),
        ("stay_above", 95, Decimal("99.9"), 1.0),
        ("stay_above", 95, Decimal("94.99"), 0.0),
        ("stay_below", 200, 200, 1.0),
        ("stay_below", 200, 150, 1.0),
        ("stay_below", 200, 201, 0.0),
    ],
)
def test_thresholds_are_met_or_not(direction, target, current, expected):
    # The start value plays no part: a threshold is met or not today.
    assert kr("percentage", direction, 0, target, current) == expected
    assert kr("number", direction, 1000, target, current) == expected


@pytest.mark.parametrize(("current", "expected"), [(0, 0.0), (1, 1.0), (Decimal("0.5"), 0.0)])
def test_milestone_is_done_or_not(current, expected):
    for direction in ("increase", "decrease", "stay_above", "stay_below"):
        assert kr("milestone", direction, 0, 1, current) == expected


def test_target_equal_to_start_is_met_or_not():
    # Refused on input; old data that has it is read as a threshold.
    assert kr("number", "increase", 5, 5, 5) == 1.0
    assert kr("number", "increase", 5, 5, 4) == 0.0
    assert kr("number", "decrease", 5, 5, 4) == 1.0


def test_weighted_progress():
    assert weighted_progress([]) == 0.0
    assert weighted_progress([(1, 0.5)]) == 0.5
    assert weighted_progress([(1, 1.0), (1, 0.0)]) == 0.5
    assert weighted_progress([(3, 1.0), (1, 0.0)]) == 0.75
    assert weighted_progress([(Decimal("0.5"), 1.0), (Decimal("1.5"), 0.2)]) == pytest.approx(0.4)
    assert weighted_progress(iter([(2, 0.25)])) == 0.25


def test_goal_with_nothing_to_measure():
    assert goal_progress([], state="active") == 0.0
    assert goal_progress([], state="draft") == 0.0
    assert goal_progress([], state="completed") == 1.0
    # Completing a goal does not overrule what its key results say.
    assert goal_progress([(1, 0.5)], state="completed") == 0.5


def test_worked_example_from_the_docs():
    """docs/goals.md, "Worked example"."""
    revenue = kr("currency", "increase", 1_000_000, 1_500_000, 1_200_000)  # 40 %
    churn = kr("percentage", "decrease", 8, 4, 7)  # 25 %
    uptime = kr("percentage", "stay_above", 0, Decimal("99.9"), Decimal("99.95"))  # met
    launch = kr("milestone", "increase", 0, 1, 0)  # not done
    assert (revenue, churn, uptime, launch) == (
        pytest.approx(0.4),
        pytest.approx(0.25),
        1.0,
        0.0,
    )
    # Team goal: revenue weighted 2, churn 1, one aligned person goal (weight 1) at 60 %.
    team = weighted_progress([(2, revenue), (1, churn), (1, 0.6)])
    assert team == pytest.approx((0.8 + 0.25 + 0.6) / 4)  # 41.25 %
    # Company goal: the team goal (weight 3) and an uptime/launch goal at 50 % (weight 1).
    ops = weighted_progress([(1, uptime), (1, launch)])
    assert ops == 0.5
    assert weighted_progress([(3, team), (1, ops)]) == pytest.approx(0.434375)


def test_hover_explanations_use_the_numbers():
    from cadence.goals.progress import explain_goal, explain_key_result

    assert (
        explain_key_result(kind="number", direction="increase", start=20, target=60, current=30)
        == "(30 − 20) / (60 − 20) = 25 %, clipped to 0–100 %."
    )
    assert (
        explain_key_result(
            kind="percentage",
            direction="decrease",
            start=Decimal("8.0000"),
            target=Decimal("4.0000"),
            current=Decimal("7.0000"),
        )
        == "(8 − 7) / (8 − 4) = 25 %, clipped to 0–100 %."
    )
    assert explain_key_result(
        kind="number", direction="increase", start=0, target=10, current=15
    ).startswith("(15 − 0) / (10 − 0) = 100 %")
    assert explain_key_result(
        kind="percentage",
        direction="stay_above",
        start=0,
        target=Decimal("99.9"),
        current=Decimal("99.95"),
    ) == ("Stays above 99.9: 99.95 is met → 100 %.")
    assert "not met → 0 %" in explain_key_result(
        kind="number", direction="stay_below", start=0, target=200, current=201
    )
    assert explain_key_result(
        kind="milestone", direction="increase", start=0, target=1, current=1
    ).startswith("Milestone")
    assert "Weighted mean" in explain_goal()
