"""Where the roll-up lives, and that every write still takes its locks in one order.

The roll-up (``cadence.goals.rollup``) sits beside the rule (``cadence.goals.progress``)
and the services call it; these tests pin the split and the lock order it must keep.
"""

import importlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.goals import access, rollup, services


def test_the_roll_up_lives_beside_the_progress_rule():
    # One implementation, reached by the services and by the edit path's lock alike.
    # (Callers import the services package only; this test looks inside on purpose.)
    goal_services = importlib.import_module("cadence.goals.services.goals")
    key_result_services = importlib.import_module("cadence.goals.services.key_results")
    assert goal_services.rollup_from is rollup.rollup_from
    assert key_result_services.rollup_from is rollup.rollup_from
    assert key_result_services.lock_chain is rollup.lock_chain
    assert access.lock_chain is rollup.lock_chain
    assert services.goals_recompute_all is rollup.goals_recompute_all
    for name in ("lock_chain", "rollup_from", "compute_all", "load_for_recompute"):
        assert getattr(rollup, name).__module__ == "cadence.goals.rollup"


# lock_chain's statement: by path length (the root's is shortest), then by id.
ROOT_FIRST = (
    r'FROM "goals_goal".*'
    r'ORDER BY LENGTH\("goals_goal"\."alignment_path"\) ASC, (1|"goals_goal"\."id") ASC'
)


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries]


def _first(statements: list[str], pattern: str) -> int:
    for i, sql in enumerate(statements):
        if re.search(pattern, sql, re.I | re.S):
            return i
    raise AssertionError(f"no statement matches {pattern!r}:\n" + "\n".join(statements))


@pytest.mark.django_db
def test_a_check_in_locks_the_chain_root_first_before_its_key_result(org, person_goal_set):
    """``check_in_create`` locks the goal chain (ordered by path length, then id: root
    first) before it reads the key result for update, and recomputes only after both —
    the order every write to the tree keeps (docs/goals.md, lock order)."""
    kr = person_goal_set.kr_tickets
    with CaptureQueriesContext(connection) as ctx:
        services.check_in_create(
            actor=org.engineer.user, key_result=kr, value=3, confidence="on_track"
        )
    statements = _statements(ctx)
    chain = _first(statements, ROOT_FIRST)
    key_result = _first(statements, r'^SELECT "goals_keyresult"\."id", .*FROM "goals_keyresult"')
    aggregate = _first(statements, r'SUM\("goals_keyresult"\."weight"')
    assert chain < key_result < aggregate
    # The whole chain, root to the key result's goal, in that one statement.
    chain_ids = [int(i) for i in person_goal_set.goal.alignment_path.strip("/").split("/")]
    assert len(chain_ids) == 3
    assert f"IN ({', '.join(map(str, sorted(chain_ids)))})" in statements[chain]
    if connection.vendor == "postgresql":
        assert "FOR NO KEY UPDATE" in statements[chain]
        assert 'FOR UPDATE OF "goals_keyresult"' in statements[key_result]


@pytest.mark.django_db
def test_a_goal_edit_locks_the_chain_root_first(org, person_goal_set):
    """The edit path (``access.goal_for_edit``) takes the same chain lock, root first."""
    with CaptureQueriesContext(connection) as ctx:
        access.goal_for_edit(org.hr.user, person_goal_set.goal.pk)
    statements = _statements(ctx)
    chain = _first(statements, ROOT_FIRST)
    chain_ids = sorted(int(i) for i in person_goal_set.goal.alignment_path.strip("/").split("/"))
    assert f"IN ({', '.join(map(str, chain_ids))})" in statements[chain]
    if connection.vendor == "postgresql":
        assert "FOR NO KEY UPDATE" in statements[chain]
