"""The progress rule (docs/goals.md), as pure functions.

Everything that stores or shows progress — check-ins, the incremental roll-up, the
full recomputation, the pages — goes through these, so there is exactly one rule.

* A measurable key result (number, percentage, currency) moving towards a target:
  ``(current − start) / (target − start)``, clipped to 0–100 %. For a decrease the
  same formula reads "how much of the way down": ``(start − current) / (start − target)``.
* "Stay above" / "stay below" a threshold: met (100 %) or not met (0 %) today.
* A yes/no milestone: done (100 %) when its value is 1, otherwise 0 %.
* A goal: the weighted mean of its own key results and of the goals aligned to it
  that count (public, active or completed — drafts, proposals and cancelled goals stay
  out). Weights are 1 unless set. A goal with nothing to average is 0 %, or 100 % once
  marked completed.
"""

from collections.abc import Iterable
from decimal import Decimal

Number = float | int | Decimal

# Children in these states count in their parent's progress.
COUNTED_STATES = ("active", "completed")


def _clip(value: float) -> float:
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else value


def key_result_progress(
    *, kind: str, direction: str, start: Number, target: Number, current: Number
) -> float:
    """Progress of one key result, 0.0–1.0."""
    current_f = float(current)
    target_f = float(target)
    if kind == "milestone":
        return 1.0 if current_f >= 1 else 0.0
    if direction == "stay_above":
        return 1.0 if current_f >= target_f else 0.0
    if direction == "stay_below":
        return 1.0 if current_f <= target_f else 0.0
    start_f = float(start)
    if target_f == start_f:
        # Refused on input (services); treated as met / not met should old data have it.
        reached = current_f <= target_f if direction == "decrease" else current_f >= target_f
        return 1.0 if reached else 0.0
    if direction == "decrease":
        return _clip((start_f - current_f) / (start_f - target_f))
    return _clip((current_f - start_f) / (target_f - start_f))


def weighted_progress(parts: Iterable[tuple[Number, Number]]) -> float:
    """Weighted mean of ``(weight, progress)`` pairs; 0.0 when there are none."""
    total_weight = 0.0
    total = 0.0
    for weight, progress in parts:
        w = float(weight)
        total_weight += w
        total += w * float(progress)
    if total_weight <= 0:
        return 0.0
    return _clip(total / total_weight)


def goal_progress(parts: Iterable[tuple[Number, Number]], *, state: str) -> float:
    """A goal's progress from its key results and counted children."""
    parts = list(parts)
    if not parts:
        return 1.0 if state == "completed" else 0.0
    return weighted_progress(parts)


def _fmt(value: Number) -> str:
    number = Decimal(str(value)).normalize()
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def explain_key_result(
    *, kind: str, direction: str, start: Number, target: Number, current: Number
) -> str:
    """How this key result's progress follows from the rule, with its own numbers — the
    text shown on hover, e.g. "(30 − 20) / (60 − 20) = 25 %"."""
    from django.utils.translation import gettext as _

    percent = round(
        key_result_progress(
            kind=kind, direction=direction, start=start, target=target, current=current
        )
        * 100
    )
    if kind == "milestone":
        return _("Milestone: done is 100 %, not done is 0 %.")
    if direction == "stay_above":
        return _("Stays above %(target)s: %(current)s is %(state)s → %(percent)s %%.") % {
            "target": _fmt(target),
            "current": _fmt(current),
            "percent": percent,
            "state": _("met") if percent else _("not met"),
        }
    if direction == "stay_below":
        return _("Stays below %(target)s: %(current)s is %(state)s → %(percent)s %%.") % {
            "target": _fmt(target),
            "current": _fmt(current),
            "percent": percent,
            "state": _("met") if percent else _("not met"),
        }
    values = {
        "start": _fmt(start),
        "target": _fmt(target),
        "current": _fmt(current),
        "percent": percent,
    }
    if direction == "decrease":
        formula = _("(%(start)s − %(current)s) / (%(start)s − %(target)s)") % values
    else:
        formula = _("(%(current)s − %(start)s) / (%(target)s − %(start)s)") % values
    return _("%(formula)s = %(percent)s %%, clipped to 0–100 %%.") % {
        "formula": formula,
        "percent": percent,
    }


def explain_goal() -> str:
    """The goal half of the rule, for the hover text next to a goal's progress."""
    from django.utils.translation import gettext as _

    return _(
        "Weighted mean of this goal's key results and of the active or completed public "
        "goals aligned to it (weight 1 unless set). Nothing to measure: 0 %, or 100 % "
        "once completed."
    )
