"""Every write to goals, key results and check-ins. One function per use case.

Each function runs in a transaction and keeps what the models cannot express alone
(docs/goals.md):

* ``Goal.alignment_path`` mirrors the alignment chain ("/root/…/goal/"), so there is
  never a cycle and a subtree is one index range.
* Stored progress always follows the rule in ``cadence.goals.progress``: whatever
  changes below a goal (a check-in, a weight, an alignment, a state) recomputes that
  goal and its ancestors only — work proportional to the depth of the tree
  (``cadence.goals.rollup``).
* Closed periods are read-only.

Access is decided by ``cadence.goals.access`` before a service is called; services
check only what keeps the data consistent. ``actor`` is whoever acts
(``cadence.accounts.types.Actor``), or None for the system (commands, the demo, test
data): the audit row and ``created_by`` then name no one.

The functions live in ``goals`` (goals, alignment, the state machine) and
``key_results`` (key results and check-ins), with what both need in ``common``; callers
import this package (``from cadence.goals import services``) and never a module inside
it, so a function can move between them without touching a caller.
"""

from cadence.goals.rollup import goals_recompute_all
from cadence.goals.services.common import (
    GOAL_FIELDS,
    KEY_RESULT_FIELDS,
    MAX_PATH,
    PLAN_GOAL_FIELDS,
    PLAN_KEY_RESULT_FIELDS,
    VALUE_LIMIT,
)
from cadence.goals.services.goals import (
    goal_align,
    goal_approve,
    goal_create,
    goal_move,
    goal_return_to_draft,
    goal_set_state,
    goal_submit,
    goal_update,
)
from cadence.goals.services.key_results import (
    check_in_create,
    key_result_create,
    key_result_delete,
    key_result_update,
)

__all__ = [
    "GOAL_FIELDS",
    "KEY_RESULT_FIELDS",
    "MAX_PATH",
    "PLAN_GOAL_FIELDS",
    "PLAN_KEY_RESULT_FIELDS",
    "VALUE_LIMIT",
    "check_in_create",
    "goal_align",
    "goal_approve",
    "goal_create",
    "goal_move",
    "goal_return_to_draft",
    "goal_set_state",
    "goal_submit",
    "goal_update",
    "goals_recompute_all",
    "key_result_create",
    "key_result_delete",
    "key_result_update",
]
