"""Two workers sweeping at the same moment on PostgreSQL: the dedup key's unique
constraint is the final word, so nobody is told twice and no mail is queued twice. Kept
apart from test_sweeps.py because it needs real commits (a transactional test), while
those tests share one organisation per module in a savepoint."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from cadence.goals import reminders
from cadence.goals import services as goals
from cadence.goals.models import Goal
from cadence.notifications import services as notifications
from cadence.notifications.models import Channel, Notification, OutboundMail
from cadence.planning import services as planning
from tests.concurrency import run_at_once


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_sweeps_at_once_tell_everyone_once(org, settings):
    settings.CADENCE_REMINDER_HOURS = (0, 24)  # whatever the hour of the run
    today = datetime.date.today()
    period = planning.period_activate(
        actor=org.hr.user,
        period=planning.period_create(
            actor=org.hr.user,
            name="FY2027",
            kind="year",
            starts_on=today - datetime.timedelta(days=100),
            ends_on=today + datetime.timedelta(days=200),
        ),
    )
    owners = [org.engineer, org.engineer2, org.seller, org.eng_manager, org.sales_manager]
    long_ago = timezone.now() - datetime.timedelta(days=40)
    for n, owner in enumerate(owners * 4):
        goal = goals.goal_create(
            actor=org.hr.user,
            period=period,
            title=f"Goal {n}",
            owner_type="person",
            owner_person=owner,
            state="active",
        )
        Goal.objects.filter(pk=goal.pk).update(created_at=long_ago, last_check_in_at=long_ago)
    notifications.preferences_set(org.engineer, {reminders.STALE: Channel.EMAIL})
    now = timezone.now()

    def sweep(sweep_fn, moment):
        return lambda: sweep_fn(moment)

    assert (
        run_at_once(
            sweep(reminders.stale_goal_reminders, now),
            sweep(reminders.stale_goal_reminders, now + datetime.timedelta(seconds=1)),
            sweep(reminders.stale_goal_escalations, now),
            sweep(reminders.stale_goal_escalations, now + datetime.timedelta(seconds=1)),
        )
        == []
    )
    assert Notification.objects.filter(kind=reminders.STALE).count() == 20
    # Escalations: to each owner's manager (eng_head for eng_manager, sales_head for
    # sales_manager, eng_manager for the engineers, sales_manager for the seller).
    assert Notification.objects.filter(kind=reminders.ESCALATED).count() == 20
    keys = list(Notification.objects.values_list("recipient_id", "dedup_key"))
    assert len(keys) == len(set(keys))
    mails = OutboundMail.objects.filter(notification__kind=reminders.STALE)
    assert mails.count() == 4  # Ann's four goals, by email
    assert reminders.stale_goal_reminders(timezone.now()) == 0
