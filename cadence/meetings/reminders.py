"""The 1:1s' daily sweep: meetings that took place are marked held (their unresolved
points carried to the next agenda), a series whose pair ended (a leaver, a report who
moved) stops, every active recurring series keeps its next
meetings scheduled, and owners of action items past their due date are reminded once
(set-based: one ``INSERT … SELECT`` whatever the number of items; the key names the
item and its due date, so a second run tells nobody again and a new due date starts
afresh).
"""

import datetime

from django.db.models import F
from django.utils import timezone

from cadence.meetings import services
from cadence.meetings.models import OneOnOne
from cadence.meetings.notifications import ACTION_OVERDUE, ACTION_TARGET
from cadence.notifications import schedule, sweeps
from cadence.people.models import Person


def action_items_overdue(now: datetime.datetime) -> int:
    """Remind owners of open action items whose due date has passed; returns how many
    reminders were new."""
    today = timezone.localdate(now)
    candidates = """
        SELECT a.owner_id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
               a.id AS target_id,
               'meeting-action-overdue:' || CAST(a.id AS TEXT) || ':' || CAST(a.due_on AS TEXT)
                   AS dedup_key
        FROM meetings_actionitem a
        JOIN meetings_meeting m ON m.id = a.meeting_id
        WHERE a.done_at IS NULL AND a.due_on IS NOT NULL AND a.due_on < %s
          AND m.state <> 'cancelled'
    """
    return sweeps.notify_selected(
        ACTION_OVERDUE,
        candidates,
        [sweeps.db_date(today)],
        now=now,
        target_type=ACTION_TARGET,
        asleep=sweeps.asleep_time_zones(now),
    )


def series_ended(now: datetime.datetime) -> int:
    """Stop the series whose pair is no longer a manager and their active report (one
    left, or the report moved to another manager): their coming meetings are cancelled,
    so calendars drop them; what was written stays."""
    ended = OneOnOne.objects.filter(active=True).exclude(
        report__manager=F("manager"),
        report__status=Person.Status.ACTIVE,
        manager__status=Person.Status.ACTIVE,
    )
    stopped = 0
    for series in ended.order_by("pk"):
        services.series_stop(actor=None, series=series, now=now)
        stopped += 1
    return stopped


def meetings_daily(now: datetime.datetime) -> int:
    """Mark past meetings held, stop series whose pair ended, keep every recurring series
    scheduled ahead; returns how many meetings were made or finished and series stopped."""
    done = services.meetings_finish_past(now)
    done += series_ended(now)
    for series in OneOnOne.objects.filter(active=True).exclude(cadence=OneOnOne.Cadence.AD_HOC):
        done += services.meetings_ensure(series, now=now)
    return done


def register() -> None:
    schedule.register_sweep(
        schedule.Sweep(
            name="meetings-schedule",
            run=meetings_daily,
            cron="30 2 * * *",
            description="Mark past 1:1s held and schedule the next meetings of every series.",
            unit="meeting",
        )
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="meeting-actions-overdue",
            run=action_items_overdue,
            cron="35 * * * *",
            description="Remind owners of 1:1 action items past their due date.",
        )
    )
