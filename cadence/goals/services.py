"""Every write to goals, key results and check-ins. One function per use case.

Each function runs in a transaction and keeps what the models cannot express alone
(docs/goals.md):

* ``Goal.alignment_path`` mirrors the alignment chain ("/root/…/goal/"), so there is
  never a cycle and a subtree is one index range.
* Stored progress always follows the rule in ``cadence.goals.progress``: whatever
  changes below a goal (a check-in, a weight, an alignment, a state) recomputes that
  goal and its ancestors only — work proportional to the depth of the tree.
* Closed periods are read-only.

Access is decided by ``cadence.goals.access`` before a service is called; services
check only what keeps the data consistent.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, FloatField, Max, QuerySet, Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.core.audit import audit
from cadence.core.paths import move_subtree, path_under
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.goals.progress import COUNTED_STATES, goal_progress, key_result_progress
from cadence.people.access import acting_person, is_hr_admin
from cadence.people.models import Department, Person, subtree_bounds
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


def _plan_changed(actor: Any, goal: Goal, what: str, *, agreed: bool | None = None) -> None:
    """An agreed person goal is part of that person's plan: changing it (or its
    measures) reopens an agreed plan. A draft, a proposal or a cancelled goal is not
    part of what was agreed, so changing it reopens nothing (``planning.queries.
    plan_reopened_by`` tells the user before they make a change that will)."""
    # ``agreed``: a state change says whether it changed what was agreed (cancelling an
    # agreed goal does, though the goal is no longer agreed afterwards).
    if goal.owner_type != Goal.Owner.PERSON or not (goal.is_agreed if agreed is None else agreed):
        return
    # Imported here: planning imports goals for the plan pages.
    from cadence.planning.services import plan_record_change

    plan_record_change(
        actor=actor, person=goal.owner_person, period=goal.period, what=what, goal=goal
    )


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _counts(state: str) -> bool:
    return state in COUNTED_STATES


def _sum_weighted(rows: Any, group: str, **filters: Any) -> dict[int, tuple[float, float]]:
    """{group id: (Σ weight, Σ weight × progress)} in one aggregate query."""
    if not isinstance(rows, QuerySet):
        rows = rows.objects.all()
    rows = (
        rows.filter(**filters)
        .values(group)
        .annotate(
            w=Sum("weight", output_field=FloatField()),
            wp=Sum(F("weight") * F("progress"), output_field=FloatField()),
        )
        .values_list(group, "w", "wp")
        .order_by()
    )
    return {gid: (float(w or 0), float(wp or 0)) for gid, w, wp in rows}


def lock_chain(*paths: str) -> list[tuple]:
    """Lock the goals of one or more alignment chains and return their
    (id, state, weight, progress).

    Every write that touches the tree locks this way, in one statement ordered by
    (path length, id) — ancestors before descendants, and one global order across
    trees — and goals before key results, so two transactions never wait for each other
    in a circle (PostgreSQL; SQLite serialises writers anyway). FOR NO KEY UPDATE: it
    does not conflict with the key-share lock that inserting a child or a key result
    takes on its goal."""
    ids = sorted({pk for path in paths if path for pk in _path_ids(path)})
    return list(
        Goal.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by(Length("alignment_path"), "pk")
        .values_list("pk", "state", "weight", "progress")
    )


def rollup_from(
    goal_id: int, *, path: str | None = None, locked: list[tuple] | None = None
) -> dict[int, float]:
    """Recompute a goal and every goal above it, bottom-up, and store what changed.

    Constant number of queries whatever the size of the tree: the chain is read from
    ``alignment_path`` and locked (``lock_chain``), then one aggregate over the chain's
    key results and one over the chain's other counted children. Returns {goal id: new progress}.
    """
    if path is None:
        path = Goal.objects.filter(pk=goal_id).values_list("alignment_path", flat=True).first()
    if path is None:
        return {}
    chain = _path_ids(path) or [goal_id]
    if locked is None:
        locked = lock_chain(path)
    rows = {gid: (state, weight, progress) for gid, state, weight, progress in locked}
    key_results = _sum_weighted(KeyResult, "goal_id", goal_id__in=chain)
    # The chain's own members are left out: their new progress is computed here.
    children = _sum_weighted(
        Goal.objects.exclude(pk__in=chain),
        "parent_id",
        parent_id__in=chain,
        state__in=COUNTED_STATES,
        visibility=Goal.Visibility.PUBLIC,
    )
    changed: dict[int, float] = {}
    below: tuple[float, float] | None = None  # (weight, progress) of the chain child
    for gid in reversed(chain):
        state, weight, old = rows[gid]
        kw, kwp = key_results.get(gid, (0.0, 0.0))
        cw, cwp = children.get(gid, (0.0, 0.0))
        total_w, total_wp = kw + cw, kwp + cwp
        if below is not None:
            total_w += below[0]
            total_wp += below[0] * below[1]
        if total_w > 0:
            new = min(1.0, max(0.0, total_wp / total_w))
        else:
            new = goal_progress([], state=state)
        if abs(new - old) > 1e-12:
            changed[gid] = new
        below = (float(weight), new) if _counts(state) else None
    for gid, value in changed.items():
        Goal.objects.filter(pk=gid).update(progress=value)
    return changed


def _refresh_progress(goal: Goal) -> None:
    goal.progress = Goal.objects.filter(pk=goal.pk).values_list("progress", flat=True).first()


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


def _default_state(actor: Any, owner_type: str, owner_person: Person | None) -> str:
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
    actor: Any,
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
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
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
    return goal


@transaction.atomic
def goal_update(*, actor: Any, goal: Goal, **changes: Any) -> Goal:
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
def goal_align(*, actor: Any, goal: Goal, parent: Goal | None) -> Goal:
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
    actor: Any, goal: Goal, state: str, action: str, comment: str = "", **extra: Any
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


def goal_move(*, actor: Any, goal: Goal, state: str, comment: str = "") -> Goal:
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
            "approved_by": actor if getattr(actor, "is_authenticated", False) else None,
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
    return goal


@transaction.atomic
def goal_submit(*, actor: Any, goal: Goal) -> Goal:
    """The owner sends their draft to their manager for approval."""
    if goal.state != Goal.State.DRAFT:
        raise ValidationError({"state": _("Only a draft goal can be sent for approval.")})
    return goal_move(actor=actor, goal=goal, state=Goal.State.PROPOSED)


@transaction.atomic
def goal_approve(*, actor: Any, goal: Goal) -> Goal:
    if goal.state != Goal.State.PROPOSED:
        raise ValidationError({"state": _("Only a goal awaiting approval can be approved.")})
    return goal_move(actor=actor, goal=goal, state=Goal.State.ACTIVE)


@transaction.atomic
def goal_return_to_draft(*, actor: Any, goal: Goal, comment: str = "") -> Goal:
    """The manager sends a proposed goal back to its owner with a comment."""
    if goal.state != Goal.State.PROPOSED:
        raise ValidationError(
            {"state": _("Only a goal awaiting approval can be returned to draft.")}
        )
    return goal_move(actor=actor, goal=goal, state=Goal.State.DRAFT, comment=comment)


@transaction.atomic
def goal_set_state(*, actor: Any, goal: Goal, state: str) -> Goal:
    """Any move of the state machine by name of the target state (the page's state
    buttons and ``PATCH /api/v1/goals/{id}``). Cancelled goals leave every roll-up."""
    return goal_move(actor=actor, goal=goal, state=state)


# --- key results ----------------------------------------------------------------------


def _validate_key_result(kr: KeyResult) -> None:
    """The bad inputs the issue lists, each refused with a sentence naming the field."""
    kr.title = _title(kr.title)
    if kr.kind not in KeyResult.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of key result.")})
    if kr.direction not in KeyResult.Direction.values:
        raise ValidationError({"direction": _("Choose the direction.")})
    for field in ("start_value", "target_value", "current_value"):
        setattr(kr, field, _decimal(getattr(kr, field), field))
        if abs(getattr(kr, field)) >= VALUE_LIMIT:
            raise ValidationError({field: _("This number is too large.")})
    kr.weight = _weight(kr.weight)
    if kr.kind == KeyResult.Kind.MILESTONE:
        # Yes/no: 0 = not done, 1 = done, whatever else was typed.
        kr.direction = KeyResult.Direction.INCREASE
        kr.start_value, kr.target_value = Decimal(0), Decimal(1)
        if kr.current_value not in (0, 1):
            raise ValidationError(
                {"current_value": _("A milestone is either done (1) or not done (0).")}
            )
        return
    if kr.kind == KeyResult.Kind.CURRENCY:
        for field in ("start_value", "target_value", "current_value"):
            if getattr(kr, field) < 0:
                raise ValidationError({field: _("A currency amount cannot be negative.")})
    if kr.kind == KeyResult.Kind.PERCENTAGE:
        for field in ("start_value", "target_value"):
            if not 0 <= getattr(kr, field) <= 100:
                raise ValidationError({field: _("A percentage is between 0 and 100.")})
    if kr.direction in (KeyResult.Direction.INCREASE, KeyResult.Direction.DECREASE):
        if kr.target_value == kr.start_value:
            raise ValidationError(
                {
                    "target_value": _(
                        "The target must differ from the start value: progress is measured "
                        "from one to the other."
                    )
                }
            )
        if kr.direction == KeyResult.Direction.INCREASE and kr.target_value < kr.start_value:
            raise ValidationError(
                {
                    "target_value": _(
                        "To increase, the target must be above the start value (or choose "
                        "“Decrease to”)."
                    )
                }
            )
        if kr.direction == KeyResult.Direction.DECREASE and kr.target_value > kr.start_value:
            raise ValidationError(
                {
                    "target_value": _(
                        "To decrease, the target must be below the start value (or choose "
                        "“Increase to”)."
                    )
                }
            )


def _kr_progress(kr: KeyResult) -> float:
    return key_result_progress(
        kind=kr.kind,
        direction=kr.direction,
        start=kr.start_value,
        target=kr.target_value,
        current=kr.current_value,
    )


@transaction.atomic
def key_result_create(
    *,
    actor: Any,
    goal: Goal,
    title: str,
    kind: str = KeyResult.Kind.NUMBER,
    direction: str = KeyResult.Direction.INCREASE,
    start_value: Any = 0,
    target_value: Any = 1,
    current_value: Any = None,
    unit: str = "",
    weight: Any = 1,
    due_on: datetime.date | None = None,
) -> KeyResult:
    _require_open(goal.period)
    if goal.state == Goal.State.CANCELLED:
        raise ValidationError({"goal": _("This goal is cancelled.")})
    kr = KeyResult(
        goal=goal,
        title=title,
        kind=kind,
        direction=direction,
        start_value=start_value,
        target_value=target_value,
        current_value=start_value if current_value in (None, "") else current_value,
        unit=(unit or "").strip(),
        weight=weight,
        due_on=due_on,
        order=goal.key_results.count(),
    )
    if kind == KeyResult.Kind.MILESTONE and current_value in (None, ""):
        kr.current_value = Decimal(0)
    _validate_key_result(kr)
    kr.progress = _kr_progress(kr)
    kr.save()
    rollup_from(goal.pk)
    _refresh_progress(goal)
    audit(actor=actor, action="key_result.create", target=kr, summary=f"{goal.title}: {kr.title}")
    _plan_changed(
        actor,
        goal,
        _("Key result added to “%(goal)s”: %(title)s") % {"goal": goal.title, "title": kr.title},
    )
    return kr


@transaction.atomic
def key_result_update(*, actor: Any, key_result: KeyResult, **changes: Any) -> KeyResult:
    goal = key_result.goal
    _require_open(goal.period)
    before: dict[str, str] = {}
    for field, value in changes.items():
        if field not in KEY_RESULT_FIELDS:
            raise ValueError(f"key_result_update cannot change {field!r}")
        if getattr(key_result, field) != value:
            before[field] = str(getattr(key_result, field))
            setattr(key_result, field, value)
    if not before:
        return key_result
    _validate_key_result(key_result)
    key_result.progress = _kr_progress(key_result)
    key_result.save()
    rollup_from(goal.pk)
    _refresh_progress(goal)
    audit(
        actor=actor,
        action="key_result.update",
        target=key_result,
        summary=f"{goal.title}: {key_result.title}: {', '.join(sorted(before))}",
        data={"before": before},
    )
    plan_fields = sorted(set(before) & set(PLAN_KEY_RESULT_FIELDS))
    if plan_fields:
        _plan_changed(
            actor,
            goal,
            _("Key result “%(title)s” changed: %(fields)s")
            % {"title": key_result.title, "fields": ", ".join(plan_fields)},
        )
    return key_result


@transaction.atomic
def key_result_delete(*, actor: Any, key_result: KeyResult) -> Goal:
    goal = key_result.goal
    _require_open(goal.period)
    title = key_result.title
    audit(
        actor=actor, action="key_result.delete", target=key_result, summary=f"{goal.title}: {title}"
    )
    key_result.delete()
    rollup_from(goal.pk)
    _refresh_progress(goal)
    _plan_changed(
        actor,
        goal,
        _("Key result removed from “%(goal)s”: %(title)s") % {"goal": goal.title, "title": title},
    )
    return goal


# --- check-ins ------------------------------------------------------------------------


@transaction.atomic
def check_in_create(
    *, actor: Any, key_result: KeyResult, value: Any, confidence: str, comment: str = ""
) -> CheckIn:
    """Record a new value for a key result and roll the change up to the root.

    The key result row is locked (after its goal chain): two check-ins on the same key
    result wait for each other, both are kept in the history (the second one's ``previous_value`` is
    the first one's value) and the key result ends with the later value.
    """
    # Lock order: the goal's chain first, then the key result (see ``lock_chain``).
    path = (
        KeyResult.objects.filter(pk=key_result.pk)
        .values_list("goal__alignment_path", flat=True)
        .get()
    )
    locked = lock_chain(path)
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("goal__period")
        .get(pk=key_result.pk)
    )
    goal = kr.goal
    if goal.period.is_closed:
        raise ValidationError(
            {
                "period": _("The period %(period)s is closed: check-ins are no longer possible.")
                % {"period": goal.period.name}
            }
        )
    if goal.state != Goal.State.ACTIVE:
        raise ValidationError({"key_result": _("Check-ins are possible on active goals only.")})
    if confidence not in CheckIn.Confidence.values:
        raise ValidationError({"confidence": _("Choose on track, at risk or off track.")})
    number = _decimal(value, "value")
    if kr.kind == KeyResult.Kind.MILESTONE and number not in (0, 1):
        raise ValidationError({"value": _("A milestone is either done (1) or not done (0).")})
    if kr.kind == KeyResult.Kind.CURRENCY and number < 0:
        raise ValidationError({"value": _("A currency amount cannot be negative.")})
    if abs(number) >= VALUE_LIMIT:
        raise ValidationError({"value": _("This number is too large.")})
    now = timezone.now()
    previous = kr.current_value
    kr.current_value = number
    kr.progress = _kr_progress(kr)
    kr.last_check_in_at = now
    KeyResult.objects.filter(pk=kr.pk).update(
        current_value=number, progress=kr.progress, last_check_in_at=now
    )
    check_in = CheckIn.objects.create(
        key_result=kr,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        value=number,
        previous_value=previous,
        progress=kr.progress,
        confidence=confidence,
        comment=(comment or "").strip(),
    )
    Goal.objects.filter(pk=goal.pk).update(last_check_in_at=now)
    if goal.alignment_path == path:
        rollup_from(goal.pk, path=path, locked=locked)
    else:  # realigned between the two reads: lock the new chain too
        rollup_from(goal.pk, path=goal.alignment_path)
    # The caller's objects show the new state (the htmx row re-renders from them).
    key_result.current_value = kr.current_value
    key_result.progress = kr.progress
    key_result.last_check_in_at = now
    return check_in


# --- full recomputation ---------------------------------------------------------------


def compute_all(
    goals: list[tuple[int, int | None, float, str, float]],
    key_results: list[tuple[int, int, str, str, Any, Any, Any, float, float]],
) -> tuple[dict[int, float], list[tuple[float, int]], list[tuple[float, int]]]:
    """The whole organisation's progress, in plain Python.

    ``goals``: (id, parent id, weight, state, stored progress);
    ``key_results``: (id, goal id, kind, direction, start, target, current, weight,
    stored progress). Returns ({goal id: progress}, changed goals, changed key results)
    with the changed rows as (progress, id) pairs ready for ``executemany``.
    """
    index = {row[0]: i for i, row in enumerate(goals)}
    n = len(goals)
    sum_w = [0.0] * n
    sum_wp = [0.0] * n
    kr_changed = []
    for kr_id, goal_id, kind, direction, start, target, current, weight, stored in key_results:
        p = key_result_progress(
            kind=kind, direction=direction, start=start, target=target, current=current
        )
        if abs(p - stored) > 1e-9:
            kr_changed.append((p, kr_id))
        i = index[goal_id]
        w = float(weight)
        sum_w[i] += w
        sum_wp[i] += w * p
    parent_index = [index.get(row[1], -1) if row[1] is not None else -1 for row in goals]
    # Depth of every goal (memoised walk up), then deepest first.
    depth = [-1] * n
    for i in range(n):
        if depth[i] >= 0:
            continue
        trail = []
        j = i
        while j >= 0 and depth[j] < 0:
            trail.append(j)
            j = parent_index[j]
        d = depth[j] if j >= 0 else -1
        for k in reversed(trail):
            d += 1
            depth[k] = d
    order = sorted(range(n), key=depth.__getitem__, reverse=True)
    progress = [0.0] * n
    for i in order:
        gid, _parent, weight, state, _stored = goals[i]
        if sum_w[i] > 0:
            p = sum_wp[i] / sum_w[i]
            p = 0.0 if p < 0 else 1.0 if p > 1 else p
        else:
            p = 1.0 if state == "completed" else 0.0
        progress[i] = p
        parent = parent_index[i]
        if parent >= 0 and state in COUNTED_STATES:
            w = float(weight)
            sum_w[parent] += w
            sum_wp[parent] += w * p
    goal_changed = [
        (progress[i], goals[i][0]) for i in range(n) if abs(progress[i] - goals[i][4]) > 1e-9
    ]
    return {goals[i][0]: progress[i] for i in range(n)}, goal_changed, kr_changed


def load_for_recompute() -> tuple[list[tuple], list[tuple]]:
    """The rows ``compute_all`` needs, straight from the cursor: at a million rows the
    ORM's per-value conversions would cost more than the computation itself. Numbers
    arrive as int/float (SQLite) or Decimal (PostgreSQL); ``compute_all`` takes both.
    Only public goals are aligned (a constraint), so the parent link is all we need."""
    goals_table = connection.ops.quote_name(Goal._meta.db_table)
    krs_table = connection.ops.quote_name(KeyResult._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, parent_id, weight, state, progress FROM {goals_table}"  # noqa: S608
        )
        goals = cursor.fetchall()
        columns = (
            "id, goal_id, kind, direction, start_value, target_value, current_value, weight,"
            " progress"
        )
        cursor.execute(f"SELECT {columns} FROM {krs_table}")  # noqa: S608
        key_results = cursor.fetchall()
    return goals, key_results


@transaction.atomic
def goals_recompute_all(*, actor: Any = None) -> int:
    """Recompute the progress of every key result and goal from scratch and store what
    differs. Returns the number of rows written. Used after imports and by
    ``cadence goals-recompute``; the incremental roll-up keeps things consistent
    otherwise."""
    goals, key_results = load_for_recompute()
    _progress, goal_changed, kr_changed = compute_all(goals, key_results)
    with connection.cursor() as cursor:
        if kr_changed:
            cursor.executemany(
                f"UPDATE {KeyResult._meta.db_table} SET progress = %s WHERE id = %s",  # noqa: S608
                kr_changed,
            )
        if goal_changed:
            cursor.executemany(
                f"UPDATE {Goal._meta.db_table} SET progress = %s WHERE id = %s",  # noqa: S608
                goal_changed,
            )
    written = len(goal_changed) + len(kr_changed)
    if written:
        audit(
            actor=actor,
            action="goals.recompute",
            summary=f"{written} rows recomputed",
            data={"goals": len(goal_changed), "key_results": len(kr_changed)},
        )
    return written
