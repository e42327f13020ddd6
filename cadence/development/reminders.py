"""The development area's sweeps (docs/development.md).

``development-overdue`` (hourly, :40, so that each time zone is reached in its day):
an open item (planned or in progress) whose due date has passed tells its person and,
when someone else owns it, its owner — once per item and due date
(``development-overdue:<item>:<due date>``): moving the date and missing it again
reminds again, a second run sends nothing.

``development-plan-sync`` (daily, 03:10): copies the development needs of agreed plans
that are not copied yet (``services.agreed_plans_copy``) — the safety net of the
planning hook that copies them when the plan is agreed.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.development import notifications as told
from cadence.development import services
from cadence.notifications import schedule, sweeps

KEY = "'development-overdue:' || CAST(i.id AS TEXT) || ':' || CAST(i.due_on AS TEXT)"


def overdue_reminders(now: datetime.datetime) -> int:
    """Tell the person and the owner of each overdue open item; returns how many were new."""
    today = timezone.localdate(now)
    asleep = sweeps.asleep_time_zones(now)
    open_items = """
        FROM development_developmentitem i
        JOIN people_person p ON p.id = i.person_id AND p.status = 'active'
        WHERE i.status IN ('planned', 'in_progress') AND i.due_on < %s
    """
    created = 0
    for recipient, extra in (("i.person_id", ""), ("i.owner_id", "AND i.owner_id <> i.person_id")):
        candidates = f"""
            SELECT {recipient} AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
                   i.id AS target_id, {KEY} AS dedup_key
            {open_items} {extra}
        """  # noqa: S608 - constant SQL
        created += sweeps.notify_selected(
            told.ITEM_OVERDUE,
            candidates,
            [sweeps.db_date(today)],
            now=now,
            target_type=told.TARGET_TYPE,
            asleep=asleep,
        )
    return created


def plan_sync(now: datetime.datetime) -> int:
    return services.agreed_plans_copy(now)


def register() -> None:
    schedule.register_sweep(
        schedule.Sweep(
            name="development-overdue",
            run=overdue_reminders,
            cron="40 * * * *",
            description=str(_("Remind people and owners of overdue development items.")),
        )
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="development-plan-sync",
            run=plan_sync,
            cron="10 3 * * *",
            description=str(_("Copy agreed plans' development needs not copied yet.")),
            unit="development item",
        )
    )
