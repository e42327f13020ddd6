"""The health rule's SQL twin (goals.home.with_health_level) agrees with the rule itself
(goals.health.goal_health) goal by goal: due dates, progress and confidences mixed."""

import datetime

from django.utils import timezone

from cadence.goals import home, queries
from cadence.goals import services as goals
from cadence.goals.models import Goal
from tests.home.conftest import World


def test_sql_twin_agrees_with_the_rule(world: World) -> None:
    today = timezone.localdate()
    org, period = world.org, world.period
    made = []
    for i, (target_done, due_days, confidence) in enumerate(
        [
            (0, None, None),
            (3, None, "on_track"),
            (5, 30, "at_risk"),
            (9, -20, "off_track"),
            (2, 90, "on_track"),
            (1, 10, None),
            (7, None, "at_risk"),
        ]
    ):
        goal = goals.goal_create(
            actor=org.eng_manager.user,
            period=period,
            title=f"Goal {i}",
            owner_type="person",
            owner_person=org.engineer2,
            due_on=today + datetime.timedelta(days=due_days) if due_days is not None else None,
        )
        kr = goals.key_result_create(
            actor=org.eng_manager.user, goal=goal, title="KR", start_value=0, target_value=10
        )
        if confidence is not None:
            goals.check_in_create(
                actor=org.eng_manager.user, key_result=kr, value=target_done, confidence=confidence
            )
        made.append(goal.pk)
    # Two key results, each with a history: only each one's latest word counts, and the
    # least confident of those speaks for the goal (an earlier "off track" is forgotten).
    for i, (first_words, second_words) in enumerate(
        [
            (["off_track", "on_track"], ["on_track", "at_risk"]),
            (["at_risk", "on_track"], ["off_track", "on_track"]),
            (["on_track", "off_track"], []),
        ]
    ):
        goal = goals.goal_create(
            actor=org.eng_manager.user,
            period=period,
            title=f"Two results {i}",
            owner_type="person",
            owner_person=org.engineer2,
        )
        for words in (first_words, second_words):
            kr = goals.key_result_create(
                actor=org.eng_manager.user, goal=goal, title="KR", start_value=0, target_value=10
            )
            for n, word in enumerate(words):
                goals.check_in_create(
                    actor=org.eng_manager.user, key_result=kr, value=n + 1, confidence=word
                )
        made.append(goal.pk)
    rows = home.with_health_level(
        Goal.objects.filter(pk__in=made, state=Goal.State.ACTIVE), period, today
    ).values_list("pk", "health_level")
    sql = dict(rows)
    loaded = queries.with_key_results(Goal.objects.filter(pk__in=made))
    python = {
        g.pk: home.STATUS_LEVELS[queries.flag(g).health.status]  # type: ignore[union-attr]
        for g in loaded
    }
    assert sql == python
    assert len(set(python.values())) > 1  # the cases do differ
