"""What the goal page offers: the moves of the state machine the reader may make now,
named in plain words, and why check-ins are unavailable when they are.

Built from ``models.TRANSITIONS`` through ``access.transitions_for``, the same table the
services enforce and ``PATCH /api/v1/goals/{id}`` follows, so a button is never shown
for a move that would be refused.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.goals import access
from cadence.goals.models import Goal, Transition
from cadence.people.display import person_shown
from cadence.people.models import Person
from cadence.planning.queries import agreed_plan_of


@dataclass(frozen=True)
class GoalAction:
    name: str  # the transition: submit, approve, return, complete, cancel, reopen, restore
    label: str
    url: str
    state: str  # posted as ``state`` to the goal's state URL
    primary: bool
    note: str  # said before the click: e.g. that it reopens an agreed plan


def _approver(goal: Goal) -> Person | None:
    """Who will be asked: the owner's manager, while they are still there."""
    # A person goal always has its owner (a database constraint); the test says so to mypy.
    if goal.owner_type != Goal.Owner.PERSON or goal.owner_person is None:
        return None
    manager = goal.owner_person.manager
    if manager is None or manager.status != Person.Status.ACTIVE:
        return None
    return manager


def _label(user: Actor, goal: Goal, transition: Transition) -> str:
    if transition.name == "submit":
        approver = _approver(goal)
        if approver is not None:
            return _("Send for approval to %(name)s") % {"name": person_shown(user, approver).name}
        if goal.owner_type != Goal.Owner.PERSON:
            return _("Send for approval to HR")
        return _("Send for approval")
    return {
        "approve": _("Approve"),
        "return": _("Return to draft for changes"),
        "complete": _("Mark as completed"),
        "cancel": _("Cancel this goal"),
        "reopen": _("Reopen"),
        "restore": _("Restore as a draft"),
    }[transition.name]


def _url(goal: Goal, transition: Transition) -> str:
    name = {"submit": "goal_submit", "approve": "goal_approve", "return": "goal_return"}
    return reverse(f"goals:{name.get(transition.name, 'goal_state')}", args=[goal.pk])


def goal_actions(user: Actor, goal: Goal) -> list[GoalAction]:
    """The moves ``user`` may make on ``goal`` now, in the order a reader needs them."""
    transitions = access.transitions_for(user, goal)
    plan = None
    if goal.owner_type == Goal.Owner.PERSON and any(t.changes_plan for t in transitions):
        plan = agreed_plan_of(goal.owner_person_id, goal.period_id)
    actions = []
    for t in transitions:
        note = ""
        if plan is not None and t.changes_plan:
            note = _(
                "%(name)s's plan for %(period)s is agreed: this reopens it, and both "
                "%(name)s and their manager sign it again."
            ) % {"name": plan.person.full_name, "period": plan.period.name}
        actions.append(
            GoalAction(
                name=t.name,
                label=_label(user, goal, t),
                url=_url(goal, t),
                state=t.target,
                primary=t.name in ("submit", "approve", "complete"),
                note=note,
            )
        )
    return actions


def check_in_note(user: Actor, goal: Goal, key_result_count: int) -> str:
    """Why nobody, or not this reader, can check in on the goal now ("" when they can)."""
    if goal.period.is_closed:
        return _("Check-ins are closed: the period %(period)s is closed.") % {
            "period": goal.period.name
        }
    if goal.state == Goal.State.DRAFT:
        return _("Check-ins start once the goal is approved: it is still a draft.")
    if goal.state == Goal.State.PROPOSED:
        return _("Check-ins start once the goal is approved: it is awaiting approval.")
    if goal.state == Goal.State.COMPLETED:
        return _("Check-ins have ended: the goal is completed. Reopen it to check in again.")
    if goal.state == Goal.State.CANCELLED:
        return _("No check-ins: the goal is cancelled.")
    if not access.can_edit_goal(user, goal):
        return _("You may read this goal but not check in on it: those who may edit it do.")
    if key_result_count == 0:
        return _("Add a key result to check in on this goal: check-ins record its value.")
    return ""
