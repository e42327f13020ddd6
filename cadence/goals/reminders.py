"""Stale goals: a reminder to the owner, then an escalation to the owner's manager.

"Stale" is the goals area's own rule (``queries.is_stale``): an active goal nobody has
checked in on for ``CADENCE_STALE_GOAL_DAYS`` days, counted from its creation when it
never had a check-in. The sweeps add two things to it:

* only **person goals** in a period that has started and is not closed (a closed
  period's goals are read-only: nobody could act on the reminder). Team goals have no
  single owner — the code lets every manager of the department edit them — and company
  goals belong to HR; neither is reminded;
* the escalation, ``CADENCE_STALE_GOAL_ESCALATE_DAYS`` later, goes to the owner's
  manager, and for a private goal only when that manager may read it (the goals rule:
  the manager chain above the owner may).

Both reach people during their day (``CADENCE_REMINDER_HOURS`` in their own time zone):
the sweeps run hourly and leave the others for a later run. Both are keyed on the goal
and the date its clock started (the last check-in, else its creation): a check-in starts
a new clock, so the goal can be reminded of again three weeks later, never twice for the
same silence.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.notifications import kinds, schedule, sweeps
from cadence.notifications.models import Channel

STALE = "goal.stale"
ESCALATED = "goal.stale_escalated"
TARGET_TYPE = "goals.goal"

# The clock of the stale rule, as SQL over ``goals_goal g``.
_CLOCK = "COALESCE(g.last_check_in_at, g.created_at)"


def _stale_goals(
    *, before: datetime.datetime, today: datetime.date, joins: str = ""
) -> tuple[str, list]:
    """FROM/WHERE of the active person goals whose clock started before ``before``."""
    return (
        f"""
        FROM goals_goal g
        JOIN planning_performanceperiod pp ON pp.id = g.period_id
        {joins}
        WHERE g.state = 'active' AND g.owner_type = 'person'
          AND pp.state <> 'closed' AND pp.starts_on <= %s
          AND {_CLOCK} < %s
        """,  # noqa: S608 - constant SQL
        [sweeps.db_date(today), sweeps.db_datetime(before)],
    )


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


def stale_goal_reminders(now: datetime.datetime) -> int:
    """Remind each owner of their stale goals; returns how many reminders were new."""
    days = settings.CADENCE_STALE_GOAL_DAYS
    where, params = _stale_goals(before=now - datetime.timedelta(days=days), today=_today(now))
    candidates = f"""
        SELECT g.owner_person_id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
               g.id AS target_id,
               'stale-goal:' || CAST(g.id AS TEXT) || ':' || {sweeps.sql_date(_CLOCK)}
                   AS dedup_key
        {where}
    """  # noqa: S608 - constant SQL
    return sweeps.notify_selected(
        STALE,
        candidates,
        params,
        now=now,
        target_type=TARGET_TYPE,
        params={"days": days},
        asleep=sweeps.asleep_time_zones(now),
    )


def stale_goal_escalations(now: datetime.datetime) -> int:
    """Tell each owner's manager of the goals still stale ``ESCALATE_DAYS`` after the
    reminder; returns how many were new. The owner is named as the notification's
    actor, so the sentence names them by the reader's naming rule when it is read."""
    days = settings.CADENCE_STALE_GOAL_DAYS + settings.CADENCE_STALE_GOAL_ESCALATE_DAYS
    where, params = _stale_goals(
        before=now - datetime.timedelta(days=days),
        today=_today(now),
        joins="JOIN people_person o ON o.id = g.owner_person_id"
        " JOIN people_person m ON m.id = o.manager_id",
    )
    candidates = f"""
        SELECT m.id AS recipient_id, o.id AS actor_id, g.id AS target_id,
               'stale-goal-escalation:' || CAST(g.id AS TEXT) || ':'
                   || {sweeps.sql_date(_CLOCK)} AS dedup_key
        {where}
          AND o.status = 'active'
          AND (g.visibility = 'public'
               OR (m.reporting_path <> '' AND m.id <> o.id
                   AND substr(o.reporting_path, 1, length(m.reporting_path))
                       = m.reporting_path))
    """  # noqa: S608 - constant SQL
    return sweeps.notify_selected(
        ESCALATED,
        candidates,
        params,
        now=now,
        target_type=TARGET_TYPE,
        params={"days": days},
        asleep=sweeps.asleep_time_zones(now),
    )


def stale_key(goal_id: int, clock: datetime.datetime) -> str:
    """The reminder's dedup key for a goal whose clock started at ``clock``."""
    return f"stale-goal:{goal_id}:{sweeps.key_date(clock)}"


def escalation_key(goal_id: int, clock: datetime.datetime) -> str:
    return f"stale-goal-escalation:{goal_id}:{sweeps.key_date(clock)}"


def register() -> None:
    kinds.register_kinds(
        [
            kinds.Kind(
                key=STALE,
                group=str(_("Goals")),
                label=str(_("A goal of mine has had no check-in for a while")),
                sentence=str(_("No check-in on {target} for {days} days.")),
                default=Channel.DIGEST,
            ),
            kinds.Kind(
                key=ESCALATED,
                group=str(_("Goals")),
                label=str(_("A goal in my team is still without a check-in after a reminder")),
                sentence=str(_("{actor} has not checked in on {target} for {days} days.")),
                default=Channel.EMAIL,
            ),
        ]
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="stale-goals",
            run=stale_goal_reminders,
            cron="5 * * * *",
            description="Remind owners of their goals without a check-in.",
        )
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="stale-goal-escalations",
            run=stale_goal_escalations,
            cron="10 * * * *",
            description="Tell managers of goals still without a check-in after a reminder.",
        )
    )
