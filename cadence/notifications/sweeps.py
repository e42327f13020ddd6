"""``notify`` for sweeps: the same rules, as two set-based statements.

A sweep (stale goals, overdue KPI values) may owe tens of thousands of notifications at
once; ``services.notify`` writes them one recipient at a time. ``notify_selected`` takes
the candidates as a SELECT and writes them with one ``INSERT … SELECT … ON CONFLICT DO
NOTHING``, then their mails with one more ``INSERT … SELECT``, honouring what ``notify``
honours: people who left get nothing, nobody is told of their own doing, a preference
chooses the channel (the kind's default without one; OFF skips the person unless the
kind is mandatory), and the dedup key's unique constraint is the final word — a second
run, or two workers at once, add nothing. Plain SQL that SQLite and PostgreSQL both run.
"""

import datetime
import json
import zoneinfo
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from cadence.notifications import kinds
from cadence.notifications.models import Channel
from cadence.people.models import time_zone_names


def sql_date(column: str) -> str:
    """SQL for the UTC date (YYYY-MM-DD) of a datetime ``column``: the date in dedup keys
    (Python's twin: ``key_date``)."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    # SQLite stores datetimes as UTC text, "2026-12-01 14:05:00.000000".
    return f"substr({column}, 1, 10)"


def key_date(moment: datetime.datetime) -> str:
    """The date ``sql_date`` writes for ``moment``."""
    return moment.astimezone(datetime.UTC).date().isoformat()


def db_datetime(moment: datetime.datetime) -> Any:
    """``moment`` as a raw query parameter, stored as the ORM stores it."""
    return connection.ops.adapt_datetimefield_value(moment)


def asleep_time_zones(now: datetime.datetime) -> list[str] | None:
    """The ``Person.time_zone`` values ("" for the organisation's) where the local time
    ``now`` is outside ``CADENCE_REMINDER_HOURS``; None when there is none. Reminders
    reach people during their day, and an hourly sweep reaches each zone in turn.

    Worked out over every zone name rather than those people have: no scan of the
    people (a tenth of the sweep at 100,000), and a name this list lacks is reminded at
    any hour rather than never."""
    start, end = settings.CADENCE_REMINDER_HOURS
    asleep = [
        name
        for name in sorted(time_zone_names())
        if not start <= now.astimezone(zoneinfo.ZoneInfo(name)).hour < end
    ]
    if not start <= now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).hour < end:
        asleep.append("")
    return asleep or None


def db_date(day: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def notify_selected(
    kind: str,
    candidates: str,
    candidate_params: Sequence[Any],
    *,
    now: datetime.datetime,
    target_type: str,
    params: dict[str, Any] | None = None,
    asleep: Sequence[str] | None = None,
) -> int:
    """Create the notifications that ``candidates`` select and return how many were new.

    ``candidates`` is a SELECT with the columns ``recipient_id``, ``actor_id`` (NULL as
    ``CAST(NULL AS BIGINT)``), ``target_id`` and ``dedup_key`` (never empty: it is what
    makes the sweep idempotent); ``candidate_params`` its parameters. Every notification
    of one call has the same ``params``. Immediate mails (EMAIL delivery) go to the
    outbox in the same transaction, as ``notify`` queues them. Recipients in the
    ``asleep`` time zones (``asleep_time_zones``) are left for a later run."""
    registered = kinds.kind(kind)  # KeyError: an unregistered kind is a programming error
    if registered.mandatory:
        delivery = "CASE WHEN p.channel IS NULL OR p.channel = 'off' THEN %s ELSE p.channel END"
    else:
        delivery = "COALESCE(p.channel, %s)"
    params_sql = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    zones = list(asleep or [])
    awake = f"AND r.time_zone NOT IN ({', '.join(['%s'] * len(zones))})" if zones else ""
    stamp = db_datetime(now)
    insert_notifications = f"""
        INSERT INTO notifications_notification
            (recipient_id, kind, actor_id, target_type, target_id, params, dedup_key,
             delivery, created_at)
        SELECT c.recipient_id, %s, c.actor_id, %s, c.target_id, {params_sql}, c.dedup_key,
               {delivery}, %s
        FROM ({candidates}) c
        JOIN people_person r ON r.id = c.recipient_id
        LEFT JOIN notifications_notificationpreference p
            ON p.person_id = c.recipient_id AND p.kind = %s
        WHERE r.status = 'active'
          AND (c.actor_id IS NULL OR c.actor_id <> c.recipient_id)
          AND c.dedup_key <> ''
          AND {delivery} <> 'off'
          {awake}
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - the interpolated pieces are this module's and the sweeps' own SQL
    default = str(registered.default)
    insert_params = [
        kind,
        target_type,
        json.dumps(params or {}),
        default,
        stamp,
        *candidate_params,
        kind,
        default,
        *zones,
    ]
    # The mails of exactly the rows just written: their ids are above the largest id
    # committed before (sequences only grow) and they carry this run's kind and time.
    insert_mails = """
        INSERT INTO notifications_outboundmail
            (recipient_id, kind, notification_id, dedup_key, state, attempts,
             next_attempt_at, last_error, to_address, subject, created_at)
        SELECT n.recipient_id, 'notification', n.id, 'notification:' || CAST(n.id AS TEXT),
               'queued', 0, %s, '', '', '', %s
        FROM notifications_notification n
        WHERE n.id > %s AND n.kind = %s AND n.created_at = %s AND n.delivery = %s
        ON CONFLICT DO NOTHING
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM notifications_notification")
        (before,) = cursor.fetchone()
        cursor.execute(insert_notifications, insert_params)
        created = max(cursor.rowcount, 0)
        if created:
            cursor.execute(insert_mails, [stamp, stamp, before, kind, stamp, Channel.EMAIL.value])
    return created
