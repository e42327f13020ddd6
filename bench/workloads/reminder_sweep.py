"""The stale-goal reminder sweep at 100,000 people and ~1,000,000 goals + key results.

On ``goal_rollup``'s cached dataset (100,000 people, ~295,000 goals, ~708,000 key results),
30 % of the goals get a last check-in 22–27 days ago (stale, not yet escalated) and the
rest one 0–20 days ago; 15 % of the people chose a channel for the reminder (one in
three of them OFF, the others email), so preferences and the outbox are part of the run.

Measured (issue #7):

* ``reminder_sweep``: ``goals.reminders.stale_goal_reminders`` — the notifications with
  their preferences, people who left and the dedup constraint, then the outbox — ≤ 10 s,
  and ≤ 3× a baseline measured in the same run: one plain ``INSERT … SELECT`` of the
  same notifications (same rows, checked) into a scratch table without index or
  constraint. Runs are interleaved (product, baseline, …) after emptying the tables.
* ``second_run_created``: the sweep run again at the same moment creates nothing
  (``second_run_seconds``: what finding that out costs).
"""

import datetime
from argparse import Namespace
from typing import Any

from bench import support
from bench.workloads import goal_rollup

NAME = "reminder_sweep"
DEFAULT_SIZE = 100_000
ROUNDS = 2
STALE_PERCENT = 30
TARGET_SECONDS = 10.0
TARGET_RATIO = 3.0


def prepare(now: datetime.datetime) -> None:
    """Clocks (30 % stale) and a few preferences, straight in SQL."""
    from django.db import connection

    from cadence.goals import reminders
    from cadence.notifications.sweeps import db_datetime

    stamp = db_datetime(now)
    with connection.cursor() as cursor:
        # id * 37 % 100 spreads the stale goals over owners and trees.
        cursor.execute(
            "UPDATE goals_goal SET last_check_in_at = datetime(%s, '-' || CASE"
            f" WHEN (id * 37) % 100 < {STALE_PERCENT} THEN 22 + id % 6 ELSE id % 21 END"
            " || ' days')",
            [stamp],
        )
        cursor.execute("DELETE FROM notifications_notificationpreference")
        cursor.execute(
            "INSERT INTO notifications_notificationpreference (person_id, kind, channel,"
            " updated_at) SELECT id, %s, CASE WHEN id % 20 = 0 THEN 'off' ELSE 'email' END,"
            " %s FROM people_person WHERE id % 20 IN (0, 1, 2)",
            [reminders.STALE, stamp],
        )


def empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notifications_outboundmail")
        cursor.execute("DELETE FROM notifications_notification")
        cursor.execute("DROP TABLE IF EXISTS bench_scratch_notification")
        # The same columns, no index, no constraint.
        cursor.execute(
            "CREATE TABLE bench_scratch_notification AS"
            " SELECT * FROM notifications_notification WHERE 0"
        )


def baseline(now: datetime.datetime) -> int:
    """The same notifications, one plain INSERT … SELECT into the scratch table."""
    from django.conf import settings
    from django.db import connection, transaction

    from cadence.goals import reminders
    from cadence.notifications import kinds
    from cadence.notifications.sweeps import db_date, db_datetime

    days = settings.CADENCE_STALE_GOAL_DAYS
    default = kinds.kind(reminders.STALE).default
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_scratch_notification (recipient_id, kind, actor_id,"
            " target_type, target_id, params, dedup_key, delivery, created_at)"
            " SELECT g.owner_person_id, %s, NULL, 'goals.goal', g.id, %s,"
            " 'stale-goal:' || g.id || ':' || substr(COALESCE(g.last_check_in_at,"
            " g.created_at), 1, 10), COALESCE(p.channel, %s), %s"
            " FROM goals_goal g"
            " JOIN planning_performanceperiod pp ON pp.id = g.period_id"
            " JOIN people_person r ON r.id = g.owner_person_id"
            " LEFT JOIN notifications_notificationpreference p"
            "   ON p.person_id = g.owner_person_id AND p.kind = %s"
            " WHERE g.state = 'active' AND g.owner_type = 'person'"
            "   AND pp.state <> 'closed' AND pp.starts_on <= %s"
            "   AND COALESCE(g.last_check_in_at, g.created_at) < %s"
            "   AND r.status = 'active' AND COALESCE(p.channel, %s) <> 'off'",
            [
                reminders.STALE,
                f'{{"days": {days}}}',
                default,
                db_datetime(now),
                reminders.STALE,
                db_date(now.date()),
                db_datetime(now - datetime.timedelta(days=days)),
                default,
            ],
        )
        return cursor.rowcount


def same_rows(created: int, plain: int) -> None:
    assert plain == created, (plain, created)


def run(args: Namespace) -> list[dict[str, Any]]:
    size = args.size or DEFAULT_SIZE
    source = goal_rollup.goals_database(size, args.fresh)
    with support.work_dir() as tmp:
        db = support.copy_database(source, tmp / "cadence.sqlite3")
        support.use_database(db, tmp)
        from django.db import connection
        from django.utils import timezone

        from cadence.goals import reminders
        from cadence.goals.models import Goal, KeyResult
        from cadence.notifications.models import Notification, OutboundMail

        # Mid-morning in the organisation's time zone, where every bench person lives:
        # within the reminder hours, so the sweep has everyone to remind.
        now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
        prepare(now)
        rows = Goal.objects.count() + KeyResult.objects.count()
        stale = Goal.objects.filter(last_check_in_at__lt=now - datetime.timedelta(days=21))
        support.log(f"{rows:,} goals + key results, {stale.count():,} goals stale")

        product, base, created = support.sweep_rounds(
            lambda: reminders.stale_goal_reminders(now),
            lambda: baseline(now),
            rounds=ROUNDS,
            reset=empty,
            check=same_rows,
        )
        mails = OutboundMail.objects.count()
        assert Notification.objects.count() == created
        second_seconds, second = support.timed(lambda: reminders.stale_goal_reminders(now))
        support.log(f"second sweep {second_seconds:.2f} s ({second} notifications)")
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_scratch_notification")
        seconds, base_seconds = support.median(product), support.median(base)
        return [
            support.result(
                NAME,
                size,
                seconds,
                baseline_seconds=base_seconds,
                rows=rows,
                notifications=created,
                mails=mails,
                second_run_created=second,
                second_run_seconds=round(second_seconds, 3),
                runs=ROUNDS,
                target_seconds=TARGET_SECONDS,
                target_ratio=TARGET_RATIO,
                ok=seconds <= TARGET_SECONDS
                and seconds <= TARGET_RATIO * base_seconds
                and second == 0,
            )
        ]
