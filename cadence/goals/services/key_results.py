"""Key results and check-ins: the measures of a goal and the values recorded on them.
Every change rolls up to the root (``cadence.goals.rollup``)."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.goals import notifications as told
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.goals.progress import key_result_progress
from cadence.goals.rollup import lock_chain, rollup_from
from cadence.goals.services.common import (
    KEY_RESULT_FIELDS,
    PLAN_KEY_RESULT_FIELDS,
    VALUE_LIMIT,
    _decimal,
    _plan_changed,
    _refresh_progress,
    _require_open,
    _title,
    _weight,
)
from cadence.notifications.services import notify
from cadence.people.access import acting_person

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
    actor: Actor | None,
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
def key_result_update(*, actor: Actor | None, key_result: KeyResult, **changes: Any) -> KeyResult:
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
def key_result_delete(*, actor: Actor | None, key_result: KeyResult) -> Goal:
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
    *, actor: Actor | None, key_result: KeyResult, value: Any, confidence: str, comment: str = ""
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
        author=actor if actor is not None and actor.is_authenticated else None,
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
    # The owners of the goal and of every person goal it is aligned under, told once a
    # day per goal (the organisation's date): a second check-in that day adds nothing,
    # so a goal checked in on five times does not fill their bell five times.
    notify(
        told.CHECK_IN,
        told.goal_readers(goal, told.chain_owners(goal)),
        actor=acting_person(actor),
        target=goal,
        dedup_key=f"check-in:{goal.pk}:{timezone.localdate(now).isoformat()}",
    )
    # The caller's objects show the new state (the htmx row re-renders from them).
    key_result.current_value = kr.current_value
    key_result.progress = kr.progress
    key_result.last_check_in_at = now
    return check_in
