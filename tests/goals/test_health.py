"""The health rule (docs/goals.md, "Health"): its boundaries as pure functions, then what
the pages and the API say about a goal, and why."""

import datetime
import re

import pytest
from django.urls import reverse

from cadence.goals import services
from cadence.goals.health import (
    AT_RISK,
    GRACE_SHARE,
    OFF_TRACK,
    ON_TRACK,
    TOLERANCE,
    expected_progress,
    goal_health,
    health,
    owner_confidence,
)
from cadence.goals.models import Goal
from cadence.planning.models import PerformancePeriod
from tests.conftest import Org
from tests.goals.conftest import PersonGoal

D = datetime.date
YEAR = {"starts_on": D(2027, 1, 1), "ends_on": D(2027, 12, 31)}  # 364 days


def day_of_share(share: float) -> D:
    return YEAR["starts_on"] + datetime.timedelta(days=round(364 * share))


# --- expected progress -------------------------------------------------------------------


def test_nothing_is_expected_during_the_grace_share():
    assert GRACE_SHARE == 0.10
    assert expected_progress(**YEAR, today=D(2026, 12, 1)) == 0.0  # before the period
    assert expected_progress(**YEAR, today=YEAR["starts_on"]) == 0.0
    assert expected_progress(**YEAR, today=day_of_share(0.10)) == 0.0
    assert expected_progress(**YEAR, today=day_of_share(0.11)) > 0.0


def test_expectation_rises_to_everything_by_the_end():
    assert expected_progress(**YEAR, today=day_of_share(0.55)) == pytest.approx(0.5, abs=0.002)
    assert expected_progress(**YEAR, today=YEAR["ends_on"]) == 1.0
    assert expected_progress(**YEAR, today=D(2028, 3, 1)) == 1.0


def test_a_due_date_inside_the_period_ends_the_window_early():
    mid = D(2027, 7, 1)
    assert expected_progress(**YEAR, due_on=mid, today=mid) == 1.0
    assert expected_progress(**YEAR, due_on=mid, today=D(2027, 4, 1)) == pytest.approx(
        (90 / 181 - GRACE_SHARE) / (1 - GRACE_SHARE)
    )
    # A due date outside the period (or on its first day) does not change the window.
    assert expected_progress(**YEAR, due_on=D(2028, 6, 1), today=mid) == expected_progress(
        **YEAR, today=mid
    )
    assert expected_progress(**YEAR, due_on=YEAR["starts_on"], today=mid) == (
        expected_progress(**YEAR, today=mid)
    )


# --- pace, the owner's word and their combination -----------------------------------------


@pytest.mark.parametrize(
    ("gap_points", "status"),
    [(-40, ON_TRACK), (0, ON_TRACK), (15, ON_TRACK), (16, AT_RISK), (30, AT_RISK), (31, OFF_TRACK)],
)
def test_pace_alone_decides_before_the_first_check_in(gap_points, status):
    assert TOLERANCE == 0.15
    result = health(progress=0.60 - gap_points / 100, expected=0.60)
    assert result.status == status
    assert result.confidence is None


@pytest.mark.parametrize(
    ("said", "on_pace", "behind", "far_behind"),
    [
        (ON_TRACK, ON_TRACK, ON_TRACK, AT_RISK),
        (AT_RISK, AT_RISK, AT_RISK, AT_RISK),
        (OFF_TRACK, OFF_TRACK, OFF_TRACK, OFF_TRACK),
    ],
)
def test_the_owners_word_buys_one_step_of_slack(said, on_pace, behind, far_behind):
    expected = 0.70
    assert health(progress=0.65, expected=expected, confidences=[said]).status == on_pace
    assert health(progress=0.50, expected=expected, confidences=[said]).status == behind
    assert health(progress=0.20, expected=expected, confidences=[said]).status == far_behind


def test_the_least_confident_key_result_speaks_for_the_goal():
    assert owner_confidence([]) is None
    assert owner_confidence([None, None]) is None  # key results without a check-in
    assert owner_confidence([ON_TRACK, None]) == ON_TRACK
    assert owner_confidence([ON_TRACK, OFF_TRACK, AT_RISK]) == OFF_TRACK
    assert owner_confidence([AT_RISK, ON_TRACK]) == AT_RISK


def test_the_reason_gives_the_numbers_and_the_owners_word():
    result = health(progress=0.62, expected=0.75, confidences=[AT_RISK])
    assert result.reason == (
        "62% done, 75% expected by today (tolerance 15 points); owner says: at risk."
    )
    assert "no check-in yet" in health(progress=0.1, expected=0.0).reason
    assert result.flagged and not health(progress=0.1, expected=0.0).flagged


def test_only_active_goals_are_judged():
    period = PerformancePeriod(**YEAR)
    for state in ("draft", "proposed", "completed", "cancelled"):
        goal = Goal(period=period, state=state, progress=0.0)
        assert goal_health(goal, [OFF_TRACK], today=day_of_share(0.9)) is None
    goal = Goal(period=period, state="active", progress=0.0)
    assert goal_health(goal, [], today=day_of_share(0.9)).status == OFF_TRACK
    assert goal_health(goal, [], today=day_of_share(0.05)).status == ON_TRACK


# --- through the pages and the API --------------------------------------------------------
# The ``period`` fixture is 180 of 365 days in: 44 % expected by today.


def check_in(org: Org, pg: PersonGoal, tickets: int, confidence: str) -> Goal:
    services.check_in_create(
        actor=org.engineer.user, key_result=pg.kr_tickets, value=tickets, confidence=confidence
    )
    return Goal.objects.get(pk=pg.goal.pk)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_check_in_marked_on_track_on_a_goal_slightly_behind_is_not_at_risk(
    org: Org, person_goal_set: PersonGoal
):
    goal = check_in(org, person_goal_set, tickets=5, confidence=ON_TRACK)
    assert goal.progress == pytest.approx(0.25)  # tickets 50 %, launch 0 %: 19 points behind

    client = org.client_for(org.engineer)
    my_goals = text(client.get(reverse("goals:my_goals")))
    assert "At risk" not in my_goals.split("How is progress calculated?")[0]
    assert "goal-health-at_risk" not in my_goals
    page = text(client.get(reverse("goals:goal", args=[goal.pk])))
    assert "goal-health-on_track" in page
    assert "25% done, 44% expected by today (tolerance 15 points); owner says: on track." in page
    body = client.get(f"/api/v1/goals/{goal.pk}").json()
    assert (body["health"], body["at_risk"]) == ("on_track", False)


def test_the_same_goal_without_the_owners_word_is_at_risk_and_says_why(
    org: Org, person_goal_set: PersonGoal
):
    goal = check_in(org, person_goal_set, tickets=5, confidence=AT_RISK)
    reason = "25% done, 44% expected by today (tolerance 15 points); owner says: at risk."
    for person, url in [
        (org.engineer, reverse("goals:my_goals")),
        (org.eng_manager, reverse("goals:team_goals")),
        (org.engineer, reverse("goals:goal", args=[goal.pk])),
    ]:
        page = text(org.client_for(person).get(url))
        assert "goal-health-at_risk" in page, url
        assert reason in page, url
    body = org.client_for(org.engineer).get(f"/api/v1/goals/{goal.pk}").json()
    assert (body["health"], body["at_risk"], body["health_reason"]) == ("at_risk", True, reason)


def test_team_goals_count_at_risk_and_off_track_apart(
    org: Org, period: PerformancePeriod, person_goal_set: PersonGoal
):
    check_in(org, person_goal_set, tickets=5, confidence=AT_RISK)
    services.goal_create(  # nothing done, no check-in, 44 % expected: off track
        actor=org.eng_manager.user,
        period=period,
        title="Write the runbook",
        owner_type="person",
        owner_person=org.engineer2,
    )
    response = org.client_for(org.eng_manager).get(reverse("goals:team_goals"))
    team = response.context["team"]
    assert (team.at_risk_count, team.off_track_count) == (1, 1)
    page = text(response)
    assert '<span class="stat">1</span> at risk' in page
    assert '<span class="stat">1</span> off track' in page
    assert "0% done, 44% expected by today (tolerance 15 points); no check-in yet." in page


def test_the_htmx_check_in_refreshes_the_goals_health(org: Org, person_goal_set: PersonGoal):
    pg = person_goal_set
    response = org.client_for(org.engineer).post(
        reverse("goals:check_in", args=[pg.kr_tickets.pk]),
        {"value": "5", "confidence": "off_track", "next": "goal"},
        headers={"HX-Request": "true"},
    )
    page = text(response)
    assert 'hx-swap-oob="true"' in page
    assert "goal-health-off_track" in page and "owner says: off track." in page
