"""The health rule (docs/goals.md, "Health"): is an active goal on track, at risk or off
track? One pure function, used by every page, the API and the team counts.

Two facts go in:

* **Pace** — progress against what is expected by today. Nothing is expected during
  the first ``GRACE_SHARE`` of the goal's window (its period's start to its due date,
  or to the period's end), then expectations rise in a straight line to 100 % at the
  end. Within ``TOLERANCE`` of the expectation a goal is *on pace*; up to twice that
  behind it is *behind*; further still it is *far behind*.
* **The owner's word** — the confidence of each key result's latest check-in; the
  least confident one speaks for the goal (a key result said to be off track stays
  so until someone checks in on it again).

The owner knows things the numbers do not, so their word buys one step of slack on
pace, never more: ``status = max(word, pace − 1)``; with no check-in yet, pace alone.

| owner says \\ pace | on pace   | behind    | far behind |
| ----------------- | --------- | --------- | ---------- |
| on track          | on track  | on track  | at risk    |
| at risk           | at risk   | at risk   | at risk    |
| off track         | off track | off track | off track  |
| (no check-in)     | on track  | at risk   | off track  |

No SQL form: every list that shows health (My goals, Team goals, a goal, the API) already
loads the goals with their key results' latest check-ins, and nothing filters on it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from cadence.goals.models import Goal

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
STATUSES = (ON_TRACK, AT_RISK, OFF_TRACK)  # in order of worry: the index is the level

# The first tenth of a goal's window (five weeks of a year, nine days of a quarter) is
# for setting up: nothing is expected yet, so no goal is flagged the week after it starts.
GRACE_SHARE = 0.10
# How far behind the expectation a goal may be and still be on pace, in progress
# points (0.15 = 15 percentage points). Twice as far behind is "far behind".
TOLERANCE = 0.15


@dataclass(frozen=True)
class Health:
    status: str  # one of STATUSES
    progress: float  # 0.0–1.0
    expected: float  # 0.0–1.0, by today
    confidence: str | None  # the owner's word, None before the first check-in
    reason: str  # one sentence saying why, with the numbers

    @property
    def flagged(self) -> bool:
        return self.status != ON_TRACK

    @property
    def label(self) -> str:
        return {ON_TRACK: _("On track"), AT_RISK: _("At risk"), OFF_TRACK: _("Off track")}[
            self.status
        ]


def expected_progress(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    due_on: datetime.date | None = None,
    today: datetime.date,
) -> float:
    """How much of a goal should be done by ``today``, 0.0–1.0: nothing during the grace
    share of its window, then a straight line to 100 % at its due date (or the end)."""
    end = ends_on
    if due_on is not None and starts_on < due_on < ends_on:
        end = due_on
    total = (end - starts_on).days
    if total <= 0:
        return 1.0
    share = (min(max(today, starts_on), end) - starts_on).days / total
    if share <= GRACE_SHARE:
        return 0.0
    return (share - GRACE_SHARE) / (1 - GRACE_SHARE)


def owner_confidence(confidences: Iterable[str | None]) -> str | None:
    """The least confident of the key results' latest check-ins (None: no check-in)."""
    said = [c for c in confidences if c in STATUSES]
    return max(said, key=STATUSES.index) if said else None


def _pace_level(progress: float, expected: float) -> int:
    gap = expected - progress
    # Rounded to whole points first, so that the sentence and the verdict never disagree
    # ("45 % done, 60 % expected" is exactly 15 points behind, and within tolerance).
    gap_points = round(gap * 100)
    tolerance_points = round(TOLERANCE * 100)
    if gap_points <= tolerance_points:
        return 0
    if gap_points <= 2 * tolerance_points:
        return 1
    return 2


def health(
    *,
    progress: float,
    expected: float,
    confidences: Iterable[str | None] = (),
) -> Health:
    """The status of an active goal from its progress, the expectation by today and its
    key results' latest confidences."""
    pace = _pace_level(progress, expected)
    word = owner_confidence(confidences)
    level = pace if word is None else max(STATUSES.index(word), pace - 1)
    numbers = _("%(done)s%% done, %(expected)s%% expected by today (tolerance %(tol)s points)") % {
        "done": round(progress * 100),
        "expected": round(expected * 100),
        "tol": round(TOLERANCE * 100),
    }
    if word is None:
        said = _("no check-in yet")
    else:
        said = _("owner says: %(word)s") % {
            "word": {ON_TRACK: _("on track"), AT_RISK: _("at risk"), OFF_TRACK: _("off track")}[
                word
            ]
        }
    return Health(
        status=STATUSES[level],
        progress=progress,
        expected=expected,
        confidence=word,
        reason=f"{numbers}; {said}.",
    )


def goal_health(
    goal: "Goal",
    confidences: Iterable[str | None],
    today: datetime.date | None = None,
) -> Health | None:
    """The health of ``goal`` (``period`` loaded) or None when it is not active: drafts,
    proposals, completed and cancelled goals are not judged."""
    if goal.state != "active":
        return None
    expected = expected_progress(
        starts_on=goal.period.starts_on,
        ends_on=goal.period.ends_on,
        due_on=goal.due_on,
        today=today or timezone.localdate(),
    )
    return health(progress=goal.progress, expected=expected, confidences=confidences)
