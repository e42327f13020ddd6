"""Goals: creating, editing, aligning, and the state machine (approval included)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.core.paths import move_subtree, path_under
from cadence.goals import notifications as told
from cadence.goals.models import Goal
from cadence.goals.progress import goal_progress
from cadence.goals.rollup import lock_chain, rollup_from
from cadence.goals.services.common import (
    GOAL_FIELDS,
    MAX_PATH,
    PLAN_GOAL_FIELDS,
    _counts,
    _plan_changed,
    _refresh_progress,
    _require_open,
    _title,
    _weight,
)
from cadence.notifications.services import notify
from cadence.people.access import acting_person, is_hr_admin
from cadence.people.models import Department, Person, subtree_bounds
from cadence.planning.models import PerformancePeriod

# --- alignment ------------------------------------------------------------------------


def _period_contains(outer: PerformancePeriod, inner: PerformancePeriod) -> bool:
    """True when ``inner`` is ``outer`` or sits inside it (a quarter inside its year)."""
    seen = set()
    period: PerformancePeriod | None = inner
    while period is not None and period.pk not in seen:
        if period.pk == outer.pk:
            return True
        seen.add(period.pk)
        period = period.parent
    return False


def _check_alignment(goal: Goal, parent: Goal) -> None:
    if goal.visibility == Goal.Visibility.PRIVATE:
        raise ValidationError(
            {
                "parent": _(
                    "A private goal stays out of the alignment tree: make it public "
                    "before aligning it."
                )
            }
        )
    if parent.visibility == Goal.Visibility.PRIVATE:
        raise ValidationError({"parent": _("Goals cannot be aligned to a private goal.")})
    if goal.pk is not None and parent.pk == goal.pk:
        raise ValidationError({"parent": _("A goal cannot be aligned to itself.")})
    if (
        goal.pk is not None
        and goal.alignment_path
        and parent.alignment_path.startswith(goal.alignment_path)
    ):
        raise ValidationError(
            {
                "parent": _(
                    "“%(parent)s” is aligned below this goal: aligning to it would make a cycle."
                )
                % {"parent": parent.title}
            }
        )
    if parent.period.is_closed:
        raise ValidationError(
            {
                "parent": _("“%(parent)s” belongs to the closed period %(period)s.")
                % {"parent": parent.title, "period": parent.period.name}
            }
        )
    _require_open(goal.period)
    if not _period_contains(parent.period, goal.period):
        raise ValidationError(
            {
                "parent": _(
                    "A goal can be aligned only to a goal of the same period or of a "
                    "period containing it (%(period)s does not contain %(own)s)."
                )
                % {"period": parent.period.name, "own": goal.period.name}
            }
        )
    if parent.state == Goal.State.CANCELLED:
        raise ValidationError({"parent": _("Goals cannot be aligned to a cancelled goal.")})
    if goal.pk is not None and goal.alignment_path:
        low, high = subtree_bounds(goal.alignment_path)
        deepest = Goal.objects.filter(alignment_path__gt=low, alignment_path__lt=high).aggregate(
            longest=Max(Length("alignment_path"))
        )["longest"]
        below = (deepest or len(goal.alignment_path)) - len(goal.alignment_path)
        if len(parent.alignment_path) + len(str(goal.pk)) + 1 + below > MAX_PATH:
            raise ValidationError({"parent": _("The alignment tree would be too deep.")})


def _move_subtree(goal: Goal, new_path: str) -> None:
    move_subtree(goal, "alignment_path", new_path)


def _path_under(parent: Goal | None, goal_id: int) -> str:
    return path_under(parent.alignment_path if parent else None, goal_id)


# --- goals ----------------------------------------------------------------------------


def _default_state(actor: Actor | None, owner_type: str, owner_person: Person | None) -> str:
    """A person drafting their own goal sends it to their manager for approval; a goal
    set by a manager or HR (and every team or company goal) is active at once."""
    me = acting_person(actor)
    if (
        owner_type == Goal.Owner.PERSON
        and me is not None
        and owner_person is not None
        and me.pk == owner_person.pk
    ):
        return Goal.State.DRAFT
    return Goal.State.ACTIVE


@transaction.atomic
def goal_create(
    *,
    actor: Actor | None,
    period: PerformancePeriod,
    title: str,
    owner_type: str,
    owner_person: Person | None = None,
    owner_department: Department | None = None,
    kind: str = Goal.Kind.OBJECTIVE,
    description: str = "",
    parent: Goal | None = None,
    visibility: str = Goal.Visibility.PUBLIC,
    weight: Any = 1,
    due_on: datetime.date | None = None,
    state: str | None = None,
) -> Goal:
    _require_open(period)
    if owner_type not in Goal.Owner.values:
        raise ValidationError({"owner_type": _("Choose who owns the goal.")})
    if owner_type == Goal.Owner.PERSON:
        if owner_person is None:
            raise ValidationError({"owner_person": _("Choose the person who owns the goal.")})
        owner_department = None
    elif owner_type == Goal.Owner.TEAM:
        if owner_department is None:
            raise ValidationError(
                {"owner_department": _("Choose the department that owns the goal.")}
            )
        owner_person = None
    else:
        owner_person = owner_department = None
    if kind not in Goal.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of goal.")})
    if visibility not in Goal.Visibility.values:
        raise ValidationError({"visibility": _("Choose who may see the goal.")})
    if state is not None and state not in Goal.State.values:
        raise ValidationError({"state": _("Choose a state.")})
    default_state = _default_state(actor, owner_type, owner_person)
    if state == Goal.State.ACTIVE and default_state == Goal.State.DRAFT and not is_hr_admin(actor):
        # One's own goal is agreed by someone else: it becomes active through approval.
        raise ValidationError({"state": _("Someone else must approve your own goal.")})
    goal = Goal(
        period=period,
        title=_title(title),
        description=(description or "").strip(),
        kind=kind,
        owner_type=owner_type,
        owner_person=owner_person,
        owner_department=owner_department,
        visibility=visibility,
        weight=_weight(weight),
        due_on=due_on,
        state=state or default_state,
        parent=parent,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if goal.state == Goal.State.ACTIVE:
        # Set active by a manager or HR (or a team or company goal): agreed as created.
        goal.approved_at = timezone.now()
        if goal.owner_type == Goal.Owner.PERSON:
            goal.approved_by = goal.created_by
    elif goal.state not in (Goal.State.DRAFT, Goal.State.PROPOSED):
        raise ValidationError({"state": _("A new goal starts as a draft or active.")})
    if parent is not None:
        # The parent's chain before the insert: inserting takes a key-share lock on the
        # parent, and waiting for the root while holding it could deadlock with a
        # check-in below the same parent.
        lock_chain(Goal.objects.values_list("alignment_path", flat=True).get(pk=parent.pk))
        parent = Goal.objects.select_related("period__parent").get(pk=parent.pk)
        goal.parent = parent
        _check_alignment(goal, parent)
    goal.progress = goal_progress([], state=goal.state)
    goal.save()
    goal.alignment_path = _path_under(parent, goal.pk)
    Goal.objects.filter(pk=goal.pk).update(alignment_path=goal.alignment_path)
    if parent is not None and _counts(goal.state):
        rollup_from(parent.pk)
    audit(
        actor=actor,
        action="goal.create",
        target=goal,
        summary=goal.title,
        data={"owner_type": owner_type, "state": goal.state},
    )
    _plan_changed(actor, goal, _("Goal added: %(title)s") % {"title": goal.title})
    if goal.state == Goal.State.PROPOSED:  # created straight into approval
        _tell_of_move(actor, goal, "submit")
    return goal


@transaction.atomic
def goal_update(*, actor: Actor | None, goal: Goal, **changes: Any) -> Goal:
    """Change a goal's own fields. Alignment goes through ``goal_align``, states through
    the approval functions and ``goal_set_state``."""
    _require_open(goal.period)
    before: dict[str, str] = {}
    for field, value in changes.items():
        if field not in GOAL_FIELDS:
            raise ValueError(f"goal_update cannot change {field!r}")
        if field == "title":
            value = _title(value)
        elif field == "weight":
            value = _weight(value)
        elif field == "description":
            value = (value or "").strip()
        elif field == "kind" and value not in Goal.Kind.values:
            raise ValidationError({"kind": _("Choose the kind of goal.")})
        elif field == "visibility":
            if value not in Goal.Visibility.values:
                raise ValidationError({"visibility": _("Choose who may see the goal.")})
            if value == Goal.Visibility.PRIVATE and goal.visibility != value:
                if goal.parent_id is not None:
                    raise ValidationError(
                        {
                            "visibility": _(
                                "A private goal stays out of the alignment tree: remove its "
                                "alignment before making it private."
                            )
                        }
                    )
                if goal.children.exists():
                    raise ValidationError(
                        {
                            "visibility": _(
                                "Other goals are aligned to this one: a private goal stays out of "
                                "the alignment tree."
                            )
                        }
                    )
        if getattr(goal, field) != value:
            before[field] = str(getattr(goal, field))
            setattr(goal, field, value)
    if not before:
        return goal
    goal.updated_at = timezone.now()
    goal.save(update_fields=[*before, "updated_at"])
    if "weight" in before and goal.parent_id is not None and _counts(goal.state):
        rollup_from(goal.parent_id)
    audit(
        actor=actor,
        action="goal.update",
        target=goal,
        summary=f"{goal.title}: {', '.join(sorted(before))}",
        data={"before": before},
    )
    plan_fields = sorted(set(before) & set(PLAN_GOAL_FIELDS))
    if plan_fields:
        _plan_changed(
            actor,
            goal,
            _("Goal “%(title)s” changed: %(fields)s")
            % {"title": goal.title, "fields": ", ".join(plan_fields)},
        )
    return goal


@transaction.atomic
def goal_align(*, actor: Actor | None, goal: Goal, parent: Goal | None) -> Goal:
    """Align ``goal`` (and everything aligned below it) to ``parent``, or detach it
    with ``parent=None``. Both old and new chains are recomputed."""
    _require_open(goal.period)
    # Both chains in one ordered statement: two re-alignments in opposite directions
    # between two trees then queue instead of deadlocking.
    while True:
        goal_path = Goal.objects.values_list("alignment_path", flat=True).get(pk=goal.pk)
        parent_path = (
            Goal.objects.values_list("alignment_path", flat=True).get(pk=parent.pk)
            if parent is not None
            else ""
        )
        lock_chain(goal_path, parent_path)
        current = Goal.objects.get(pk=goal.pk)
        if parent is not None:
            parent = Goal.objects.select_related("period__parent").get(pk=parent.pk)
        # Moved by someone else between the read and the lock: lock the new chains.
        if current.alignment_path == goal_path and (
            parent is None or parent.alignment_path == parent_path
        ):
            break
    goal.alignment_path = current.alignment_path
    goal.parent_id = current.parent_id
    if parent is not None:
        _check_alignment(goal, parent)
    old_parent_id = goal.parent_id
    new_parent_id = parent.pk if parent is not None else None
    if old_parent_id == new_parent_id:
        return goal
    _move_subtree(goal, _path_under(parent, goal.pk))
    goal.parent = parent
    goal.updated_at = timezone.now()
    Goal.objects.filter(pk=goal.pk).update(parent=parent, updated_at=goal.updated_at)
    if _counts(goal.state):
        if old_parent_id is not None:
            rollup_from(old_parent_id)
        if new_parent_id is not None:
            rollup_from(new_parent_id)
    audit(
        actor=actor,
        action="goal.align",
        target=goal,
        summary=f"{goal.title} → {parent.title if parent else '—'}",
        data={"before": old_parent_id, "after": new_parent_id},
    )
    _plan_changed(
        actor,
        goal,
        _("Goal “%(title)s” aligned to %(parent)s")
        % {"title": goal.title, "parent": parent.title if parent else _("nothing")},
    )
    return goal


def _set_state(
    actor: Actor | None, goal: Goal, state: str, action: str, comment: str = "", **extra: Any
) -> Goal:
    _require_open(goal.period)
    before = goal.state
    goal.state = state
    goal.updated_at = timezone.now()
    for field, value in extra.items():
        setattr(goal, field, value)
    goal.save(update_fields=["state", "updated_at", *extra])
    # Its own progress may follow its state (completed with nothing to measure is 100 %),
    # and whether it counts in its parent's progress may have changed.
    rollup_from(goal.pk)
    _refresh_progress(goal)
    audit(
        actor=actor,
        action=action,
        target=goal,
        summary=f"{goal.title}: {before} → {state}",
        data={"before": before, "after": state, "comment": comment},
    )
    return goal


def _refused_move(goal: Goal, target: str) -> ValidationError:
    """Why the state machine has no move from the goal's state to ``target``."""
    if target == Goal.State.ACTIVE and not goal.was_approved:
        return ValidationError(
            {
                "state": _(
                    "This goal was never approved: it becomes active only when a manager "
                    "approves it. Send it for approval instead."
                )
            }
        )
    if target == Goal.State.ACTIVE and goal.state == Goal.State.PROPOSED:
        return ValidationError({"state": _("This goal is awaiting approval: approve it.")})
    names = dict(Goal.State.choices)
    allowed = ", ".join(str(names[t.target]) for t in goal.transitions()) or "—"
    return ValidationError(
        {
            "state": _(
                "A goal cannot go from “%(from)s” to “%(to)s”; from “%(from)s” it can go "
                "to: %(allowed)s."
            )
            % {
                "from": names.get(goal.state, goal.state),
                "to": names.get(target, target),
                "allowed": allowed,
            }
        }
    )


def goal_move(*, actor: Actor | None, goal: Goal, state: str, comment: str = "") -> Goal:
    """Move the goal to ``state`` along ``cadence.goals.models.TRANSITIONS`` — the only
    way a goal's state changes. Before: the caller checked that the actor may make
    this move (``access.can_make_transition``). After: the state, the roll-up, the audit
    row and, for a move that changes what was agreed, the owner's plan (reopened) follow.
    A move to the state the goal is already in is a no-op."""
    if state not in Goal.State.values:
        raise ValidationError({"state": _("Choose a state.")})
    if goal.state == state:
        return goal
    transition = goal.transition_to(state)
    if transition is None:
        raise _refused_move(goal, state)
    extra: dict[str, Any] = {}
    if transition.name == "approve":
        me = acting_person(actor)
        if me is not None and me.pk == goal.owner_person_id and not is_hr_admin(actor):
            raise ValidationError({"state": _("Someone else must approve your own goal.")})
        extra = {
            "approved_by": actor if actor is not None and actor.is_authenticated else None,
            "approved_at": timezone.now(),
        }
    action = {"submit": "goal.submit", "approve": "goal.approve", "return": "goal.return"}.get(
        transition.name, f"goal.{state}"
    )
    _set_state(actor, goal, state, action, comment=comment.strip(), **extra)
    if transition.changes_plan:
        messages = {
            "approve": _("Goal agreed: %(title)s"),
            "cancel": _("Goal cancelled: %(title)s"),
            "reopen": _("Goal reopened: %(title)s"),
        }
        _plan_changed(actor, goal, messages[transition.name] % {"title": goal.title}, agreed=True)
    _tell_of_move(actor, goal, transition.name, comment)
    return goal


def _tell_of_move(actor: Actor | None, goal: Goal, move: str, comment: str = "") -> None:
    """The approval flow's notifications: a goal sent for approval goes to whoever is
    asked to approve it, an approval or a return to the owner. Other moves tell no one."""
    if move == "submit":
        recipients = told.approvers_of(goal)
        kind, params = told.SUBMITTED, {}
    elif move in ("approve", "return") and goal.owner_type == Goal.Owner.PERSON:
        recipients = [goal.owner_person] if goal.owner_person is not None else []
        kind = told.APPROVED if move == "approve" else told.RETURNED
        params = told.comment_params(comment) if move == "return" else {}
    else:
        return
    notify(
        kind,
        told.goal_readers(goal, recipients),
        actor=acting_person(actor),
        target=goal,
        params=params,
    )


@transaction.atomic
def goal_submit(*, actor: Actor | None, goal: Goal) -> Goal:
    """The owner sends their draft to their manager for approval."""
    if goal.state != Goal.State.DRAFT:
        raise ValidationError({"state": _("Only a draft goal can be sent for approval.")})
    return goal_move(actor=actor, goal=goal, state=Goal.State.PROPOSED)


@transaction.atomic
def goal_approve(*, actor: Actor | None, goal: Goal) -> Goal:
    if goal.state != Goal.State.PROPOSED:
        raise ValidationError({"state": _("Only a goal awaiting approval can be approved.")})
    return goal_move(actor=actor, goal=goal, state=Goal.State.ACTIVE)


@transaction.atomic
def goal_return_to_draft(*, actor: Actor | None, goal: Goal, comment: str = "") -> Goal:
    """The manager sends a proposed goal back to its owner with a comment."""
    if goal.state != Goal.State.PROPOSED:
        raise ValidationError(
            {"state": _("Only a goal awaiting approval can be returned to draft.")}
        )
    return goal_move(actor=actor, goal=goal, state=Goal.State.DRAFT, comment=comment)


@transaction.atomic
def goal_set_state(*, actor: Actor | None, goal: Goal, state: str) -> Goal:
    """Any move of the state machine by name of the target state (the page's state
    buttons and ``PATCH /api/v1/goals/{id}``). Cancelled goals leave every roll-up."""
    return goal_move(actor=actor, goal=goal, state=state)
