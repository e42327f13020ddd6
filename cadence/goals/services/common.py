"""What the goal services share: the fields each may change, the checks on input
every write repeats, and the hook that reopens an agreed plan."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.goals.models import Goal
from cadence.goals.progress import COUNTED_STATES
from cadence.planning.models import PerformancePeriod

GOAL_FIELDS = ("title", "description", "kind", "visibility", "weight", "due_on")
KEY_RESULT_FIELDS = (
    "title",
    "kind",
    "direction",
    "start_value",
    "target_value",
    "current_value",
    "unit",
    "weight",
    "due_on",
    "order",
)
# Changes to these are changes to what was agreed in a person's plan.
PLAN_GOAL_FIELDS = ("title", "description", "kind", "weight", "due_on", "visibility")
PLAN_KEY_RESULT_FIELDS = (
    "title",
    "kind",
    "direction",
    "start_value",
    "target_value",
    "unit",
    "weight",
    "due_on",
)
MAX_PATH = 1000  # Goal.alignment_path max_length
VALUE_LIMIT = Decimal("1e14")  # key result values: 18 digits, 4 of them decimals


# --- helpers --------------------------------------------------------------------------


def _require_open(period: PerformancePeriod, *, field: str = "period") -> None:
    if period.is_closed:
        raise ValidationError(
            {
                field: _("The period %(period)s is closed: its goals are read-only.")
                % {"period": period.name}
            }
        )


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number


def _weight(value: Any) -> Decimal:
    # Stored with two decimals: round first, so that 0.001 is refused, not stored as 0.
    weight = _decimal(value, "weight").quantize(Decimal("0.01"))
    if weight <= 0:
        raise ValidationError({"weight": _("The weight must be greater than zero.")})
    if weight >= Decimal("100000"):
        raise ValidationError({"weight": _("The weight must be below 100,000.")})
    return weight


def _title(value: str) -> str:
    title = (value or "").strip()
    if not title:
        raise ValidationError({"title": _("Give it a title.")})
    return title


def _plan_changed(
    actor: Actor | None, goal: Goal, what: str, *, agreed: bool | None = None
) -> None:
    """An agreed person goal is part of that person's plan: changing it (or its
    measures) reopens an agreed plan. A draft, a proposal or a cancelled goal is not
    part of what was agreed, so changing it reopens nothing (``planning.queries.
    plan_reopened_by`` tells the user before they make a change that will)."""
    # ``agreed``: a state change says whether it changed what was agreed (cancelling an
    # agreed goal does, though the goal is no longer agreed afterwards).
    if goal.owner_type != Goal.Owner.PERSON or not (goal.is_agreed if agreed is None else agreed):
        return
    if goal.owner_person is None:  # never: a person goal has its owner (a constraint)
        return
    # Imported here: planning imports goals for the plan pages.
    from cadence.planning.services import plan_record_change

    plan_record_change(
        actor=actor, person=goal.owner_person, period=goal.period, what=what, goal=goal
    )


def _counts(state: str) -> bool:
    return state in COUNTED_STATES


def _refresh_progress(goal: Goal) -> None:
    # The goal is locked by the calling service, so its row is there to read.
    goal.progress = Goal.objects.values_list("progress", flat=True).get(pk=goal.pk)
