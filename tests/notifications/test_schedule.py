"""The schedule: ``cadence run-scheduled [NAME]`` and the scheduler's tasks (crontask)."""

import datetime
import io

import pytest
from apscheduler.triggers.cron import CronTrigger
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from cadence.goals import services as goals
from cadence.goals.models import Goal
from cadence.notifications import schedule
from cadence.notifications.models import Notification
from cadence.planning import services as planning

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reminders_all_day(settings):
    """The command runs at the test's hour: reminders may reach people at any hour here
    (the hours themselves are tested in test_sweeps.py)."""
    settings.CADENCE_REMINDER_HOURS = (0, 24)


@pytest.fixture
def stale_goal(org) -> Goal:
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
    goal = goals.goal_create(
        actor=org.hr.user,
        period=period,
        title="Quiet goal",
        owner_type="person",
        owner_person=org.engineer,
        state="active",
    )
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Goal.objects.filter(pk=goal.pk).update(created_at=long_ago, last_check_in_at=long_ago)
    return goal


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("run_scheduled", *args, stdout=out)
    return out.getvalue()


def test_the_command_runs_one_sweep_by_name(org, stale_goal):
    assert run("stale-goals") == "stale-goals: 1 notification\n"
    assert Notification.objects.filter(kind="goal.stale", recipient=org.engineer).count() == 1
    # Nothing else ran: the escalation due for this goal is still to come.
    assert not Notification.objects.filter(kind="goal.stale_escalated").exists()
    assert run("stale-goals") == "stale-goals: 0 notifications\n"


def test_the_command_runs_every_sweep_without_a_name(org, stale_goal):
    lines = run().splitlines()
    names = [line.partition(":")[0] for line in lines]
    assert names == [s.name for s in schedule.sweeps()]
    assert {"stale-goals", "stale-goal-escalations", "kpi-overdue"} <= set(names)
    assert "stale-goals: 1 notification" in lines
    assert "stale-goal-escalations: 1 notification" in lines
    assert run().count(": 0 ") >= 3


def test_an_unknown_sweep_is_refused_with_the_names_and_exit_status_2(org):
    with pytest.raises(CommandError) as refused:
        call_command("run_scheduled", "stale-gaols", stdout=io.StringIO())
    assert refused.value.returncode == 2
    message = str(refused.value)
    assert "'stale-gaols'" in message
    for sweep in schedule.sweeps():
        assert sweep.name in message
    assert not Notification.objects.exists()


def test_every_sweep_is_a_task_on_its_crontab():
    from crontask import scheduler

    from cadence.notifications import tasks

    jobs = {job.name: job for job in scheduler.get_jobs()}
    for sweep in schedule.sweeps():
        task = tasks.sweep_task(sweep.name)
        assert task is not None, sweep.name
        # The worker finds the task by its dotted path.
        assert import_string(task.module_path) is task
        job = jobs[task.name]
        assert job.func == task.enqueue
        assert isinstance(job.trigger, CronTrigger)
        expected = CronTrigger.from_crontab(sweep.cron, timezone=timezone.get_default_timezone())
        assert str(job.trigger) == str(expected)


def test_a_sweeps_task_runs_the_sweep(org, stale_goal):
    from cadence.notifications import tasks

    # The test settings run tasks at once (ImmediateBackend), as the worker would later.
    result = tasks.sweep_task("stale-goals").enqueue()
    assert result.return_value == 1
    assert Notification.objects.filter(kind="goal.stale").count() == 1
