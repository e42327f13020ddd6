"""The reminder sweeps: stale goals (reminder, then escalation) and overdue KPI values.
Each reaches the right people only, once, by their channel, and nobody who left."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from cadence.goals import access as goal_access
from cadence.goals import reminders
from cadence.goals import services as goals
from cadence.goals.models import Goal
from cadence.kpis import reminders as kpi_reminders
from cadence.kpis import services as kpis
from cadence.kpis.models import Kpi
from cadence.notifications import services as notifications
from cadence.notifications.models import Channel, Notification, OutboundMail
from cadence.notifications.rendering import render
from cadence.people import services as people
from cadence.people.models import Department, Person
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# Mid-morning for everyone in the organisation's time zone: within the reminder hours.
AT_TEN = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def period(org) -> PerformancePeriod:
    today = datetime.date.today()
    period = planning.period_create(
        actor=org.hr.user,
        name="FY2027",
        kind="year",
        starts_on=today - datetime.timedelta(days=180),
        ends_on=today + datetime.timedelta(days=185),
    )
    return planning.period_activate(actor=org.hr.user, period=period)


def person_goal(org, period, owner: Person, title: str, **fields) -> Goal:
    goal = goals.goal_create(
        actor=org.hr.user,
        period=period,
        title=title,
        owner_type="person",
        owner_person=owner,
        state="active",
        **fields,
    )
    goals.key_result_create(
        actor=org.hr.user, goal=goal, title="Tickets", kind="number", target_value=10
    )
    return goal


def silent_for(goal: Goal, days: int) -> datetime.datetime:
    """The goal's last check-in ``days`` days ago; returns that moment."""
    clock = AT_TEN - datetime.timedelta(days=days)
    Goal.objects.filter(pk=goal.pk).update(last_check_in_at=clock, created_at=clock)
    return clock


def told(kind: str) -> list[tuple[int, int]]:
    """(recipient, goal or KPI) of every notification of ``kind``, sorted."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", "target_id"))


# --- stale goals: the reminder -----------------------------------------------------------


def test_a_stale_goal_reminds_its_owner_and_nobody_else(org, period):
    stale = person_goal(org, period, org.engineer, "Ship the importer")
    clock = silent_for(stale, 22)
    silent_for(person_goal(org, period, org.engineer2, "Fresh goal"), 3)
    draft = person_goal(org, period, org.seller, "Draft goal")
    Goal.objects.filter(pk=draft.pk).update(state=Goal.State.DRAFT)
    silent_for(draft, 40)
    team = goals.goal_create(
        actor=org.hr.user,
        period=period,
        title="Team goal",
        owner_type="team",
        owner_department=Department.objects.get(full_name="Engineering/Platform"),
    )
    silent_for(team, 40)

    assert reminders.stale_goal_reminders(AT_TEN) == 1
    [reminder] = Notification.objects.filter(kind=reminders.STALE)
    assert (reminder.recipient_id, reminder.target_id) == (org.engineer.pk, stale.pk)
    assert reminder.target_type == "goals.goal"
    assert reminder.dedup_key == reminders.stale_key(stale.pk, clock)
    assert reminder.dedup_key == f"stale-goal:{stale.pk}:{clock.astimezone(datetime.UTC).date()}"
    [item] = render(org.engineer.user, [reminder])
    assert item.text == "No check-in on Ship the importer for 21 days."
    assert item.url == f"/goals/{stale.pk}/"


def test_a_second_run_makes_nothing_new(org, period):
    silent_for(person_goal(org, period, org.engineer, "A"), 30)
    silent_for(person_goal(org, period, org.seller, "B"), 30)
    now = AT_TEN
    assert reminders.stale_goal_reminders(now) == 2
    assert reminders.stale_goal_reminders(now) == 0
    assert reminders.stale_goal_reminders(now + DAY) == 0
    assert Notification.objects.filter(kind=reminders.STALE).count() == 2


def test_the_reminders_channel_is_each_owners_preference(org, period):
    for owner in (org.engineer, org.engineer2, org.seller, org.eng_manager):
        silent_for(person_goal(org, period, owner, f"Goal of {owner.first_name}"), 25)
    notifications.preferences_set(org.engineer, {reminders.STALE: Channel.OFF})
    notifications.preferences_set(org.engineer2, {reminders.STALE: Channel.EMAIL})
    notifications.preferences_set(org.seller, {reminders.STALE: Channel.IN_APP})

    assert reminders.stale_goal_reminders(AT_TEN) == 3
    delivery = dict(
        Notification.objects.filter(kind=reminders.STALE).values_list("recipient_id", "delivery")
    )
    assert delivery == {
        org.engineer2.pk: Channel.EMAIL,
        org.seller.pk: Channel.IN_APP,
        org.eng_manager.pk: Channel.DIGEST,  # the kind's default
    }
    # Only the immediate mail goes to the outbox, keyed by its notification.
    [mail] = OutboundMail.objects.all()
    email = Notification.objects.get(recipient=org.engineer2, kind=reminders.STALE)
    assert (mail.notification_id, mail.recipient_id) == (email.pk, org.engineer2.pk)
    assert mail.dedup_key == f"notification:{email.pk}"
    assert mail.state == OutboundMail.State.QUEUED and mail.kind == OutboundMail.Kind.NOTIFICATION


def test_people_who_left_are_neither_reminded_nor_escalated_about(org, period):
    silent_for(person_goal(org, period, org.engineer, "Left behind"), 60)
    people.person_mark_left(actor=org.hr.user, person=org.engineer)
    assert reminders.stale_goal_reminders(AT_TEN) == 0
    assert reminders.stale_goal_escalations(AT_TEN) == 0


def test_a_check_in_resets_the_clock(org, period):
    goal = person_goal(org, period, org.engineer, "Ship the importer")
    silent_for(goal, 22)
    assert reminders.stale_goal_reminders(AT_TEN) == 1
    goals.check_in_create(
        actor=org.engineer.user,
        key_result=goal.key_results.get(),
        value=4,
        confidence="on_track",
    )
    assert reminders.stale_goal_reminders(AT_TEN) == 0
    # Three weeks of silence after that check-in: a new reminder, under a new key.
    later = AT_TEN + datetime.timedelta(days=22)
    assert reminders.stale_goal_reminders(later) == 1
    keys = set(Notification.objects.filter(kind=reminders.STALE).values_list("dedup_key"))
    assert len(keys) == 2


def test_goals_of_a_closed_period_are_not_reminded(org, period):
    silent_for(person_goal(org, period, org.engineer, "Last year"), 40)
    planning.period_close(actor=org.hr.user, period=period)
    assert reminders.stale_goal_reminders(AT_TEN) == 0


@override_settings(CADENCE_STALE_GOAL_DAYS=10)
def test_the_stale_delay_is_the_setting(org, period):
    silent_for(person_goal(org, period, org.engineer, "Ten days"), 11)
    silent_for(person_goal(org, period, org.seller, "Nine days"), 9)
    assert reminders.stale_goal_reminders(AT_TEN) == 1
    assert told(reminders.STALE)[0][0] == org.engineer.pk


def test_reminders_wait_for_the_owners_day_in_their_time_zone(org, period):
    Person.objects.filter(pk=org.engineer.pk).update(time_zone="Asia/Tokyo")  # UTC+9
    Person.objects.filter(pk=org.seller.pk).update(time_zone="America/New_York")
    for owner in (org.engineer, org.seller):
        silent_for(person_goal(org, period, owner, f"Goal of {owner.first_name}"), 30)
    day = AT_TEN.astimezone(datetime.UTC).replace(hour=0)
    # 14:00 UTC: 23:00 in Tokyo, morning in New York — the seller only.
    assert reminders.stale_goal_reminders(day + datetime.timedelta(hours=14)) == 1
    assert told(reminders.STALE)[0][0] == org.seller.pk
    # 01:00 UTC: 10:00 in Tokyo, evening in New York (reminded already) — Ann's turn.
    assert reminders.stale_goal_reminders(day + datetime.timedelta(hours=25)) == 1
    assert {r for r, _ in told(reminders.STALE)} == {org.seller.pk, org.engineer.pk}


@override_settings(CADENCE_REMINDER_HOURS=(9, 17))
def test_the_reminder_hours_are_the_setting(org, period):
    silent_for(person_goal(org, period, org.engineer, "A"), 30)
    assert reminders.stale_goal_reminders(AT_TEN.replace(hour=8)) == 0
    assert reminders.stale_goal_reminders(AT_TEN.replace(hour=17)) == 0
    assert reminders.stale_goal_reminders(AT_TEN.replace(hour=16)) == 1


# --- stale goals: the escalation ---------------------------------------------------------


def test_the_escalation_goes_to_the_owners_manager_after_the_further_delay(org, period):
    reminded_only = person_goal(org, period, org.engineer, "Reminded only")
    silent_for(reminded_only, 21 + 6)
    escalated = person_goal(org, period, org.engineer2, "Escalated")
    clock = silent_for(escalated, 21 + 8)

    assert reminders.stale_goal_escalations(AT_TEN) == 1
    [note] = Notification.objects.filter(kind=reminders.ESCALATED)
    assert (note.recipient_id, note.actor_id, note.target_id) == (
        org.eng_manager.pk,
        org.engineer2.pk,
        escalated.pk,
    )
    assert note.dedup_key == reminders.escalation_key(escalated.pk, clock)
    assert note.delivery == Channel.EMAIL
    assert OutboundMail.objects.filter(notification=note).exists()
    [item] = render(org.eng_manager.user, [note])
    assert item.text == "Bob Engineer has not checked in on Escalated for 28 days."
    assert reminders.stale_goal_escalations(AT_TEN) == 0


def test_a_private_goals_escalation_reaches_a_manager_who_may_read_it(org, period):
    private = person_goal(org, period, org.engineer, "Private goal", visibility="private")
    silent_for(private, 40)
    assert reminders.stale_goal_escalations(AT_TEN) == 1
    assert told(reminders.ESCALATED) == [(org.eng_manager.pk, private.pk)]
    assert goal_access.can_read_goal(org.eng_manager.user, private)
    [item] = render(
        org.eng_manager.user, list(Notification.objects.filter(kind=reminders.ESCALATED))
    )
    assert "Private goal" in item.text


def test_a_private_goals_escalation_never_reaches_a_manager_who_may_not_read_it(org, period):
    """A manager link that the reporting line does not back (HR moved the person, the
    line not rebuilt yet): the goals rule reads the line, so that "manager" may not read
    a private goal — and is not told of it. A public goal still escalates."""
    private = person_goal(org, period, org.engineer, "Private goal", visibility="private")
    public = person_goal(org, period, org.engineer, "Public goal")
    silent_for(private, 40)
    silent_for(public, 40)
    Person.objects.filter(pk=org.engineer.pk).update(manager=org.sales_manager)
    assert not goal_access.can_read_goal(org.sales_manager.user, private)

    assert reminders.stale_goal_escalations(AT_TEN) == 1
    assert told(reminders.ESCALATED) == [(org.sales_manager.pk, public.pk)]


def test_the_escalation_respects_the_managers_preference(org, period):
    silent_for(person_goal(org, period, org.engineer, "A"), 40)
    notifications.preferences_set(org.eng_manager, {reminders.ESCALATED: Channel.OFF})
    assert reminders.stale_goal_escalations(AT_TEN) == 0


def test_no_escalation_to_a_manager_who_left(org, period):
    silent_for(person_goal(org, period, org.seller, "A"), 40)
    people.person_mark_left(actor=org.hr.user, person=org.sales_manager)
    assert reminders.stale_goal_escalations(AT_TEN) == 0
    assert reminders.stale_goal_reminders(AT_TEN) == 1


# --- KPI values overdue ------------------------------------------------------------------

# 10 Dec: November's values are overdue (grace 3 days), December's are not due yet.
NOW = datetime.datetime(2026, 12, 10, 9, 0, tzinfo=datetime.UTC)


def define(org, **fields) -> Kpi:
    kpi = kpis.kpi_define(actor=org.hr.user, target=10, **fields)
    Kpi.objects.filter(pk=kpi.pk).update(created_at=NOW - datetime.timedelta(days=90))
    kpi.refresh_from_db()
    return kpi


def record(org, kpi: Kpi, start: datetime.date, person: Person | None = None) -> None:
    kpis.measurement_record(
        actor=org.hr.user, kpi=kpi, value=Decimal(5), period_start=start, person=person
    )


def test_the_due_period_is_the_latest_one_past_its_grace():
    today = NOW.date()
    assert kpi_reminders.due_period("monthly", today) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
    )
    # 2 Dec: November ended one day ago, within the grace: October is the latest due.
    assert kpi_reminders.due_period("monthly", datetime.date(2026, 12, 2))[0] == datetime.date(
        2026, 10, 1
    )
    assert kpi_reminders.due_period("quarterly", today)[0] == datetime.date(2026, 7, 1)
    # Thursday 10 Dec: the week of Monday 30 Nov ended on Sunday 6 Dec, > 3 days ago.
    assert kpi_reminders.due_period("weekly", today)[0] == datetime.date(2026, 11, 30)


def test_an_overdue_person_kpi_reminds_the_person(org):
    kpi = define(org, name="Deploys", scope="person", person=org.engineer)
    done = define(org, name="Reviews", scope="person", person=org.engineer2)
    record(org, done, datetime.date(2026, 11, 1))

    assert kpi_reminders.kpi_overdue_reminders(NOW) == 1
    [note] = Notification.objects.filter(kind=kpi_reminders.OVERDUE)
    assert (note.recipient_id, note.target_id) == (org.engineer.pk, kpi.pk)
    assert note.dedup_key == f"kpi-overdue:{kpi.pk}:0:2026-11-01"
    [item] = render(org.engineer.user, [note])
    assert item.text == "The value of Deploys for Nov 2026 is overdue."
    assert kpi_reminders.kpi_overdue_reminders(NOW) == 0


def test_a_role_kpi_reminds_each_holders_manager_per_holder(org):
    for person in (org.engineer, org.engineer2, org.seller):
        Person.objects.filter(pk=person.pk).update(job_title="Engineer")
    kpi = define(org, name="Tickets closed", scope="role", job_title="engineer")
    record(org, kpi, datetime.date(2026, 11, 1), person=Person.objects.get(pk=org.engineer2.pk))

    assert kpi_reminders.kpi_overdue_reminders(NOW) == 2
    rows = sorted(
        Notification.objects.filter(kind=kpi_reminders.HOLDER_OVERDUE).values_list(
            "recipient_id", "actor_id", "dedup_key"
        )
    )
    assert rows == sorted(
        [
            (
                org.eng_manager.pk,
                org.engineer.pk,
                f"kpi-overdue:{kpi.pk}:{org.engineer.pk}:2026-11-01",
            ),
            (
                org.sales_manager.pk,
                org.seller.pk,
                f"kpi-overdue:{kpi.pk}:{org.seller.pk}:2026-11-01",
            ),
        ]
    )
    note = Notification.objects.get(recipient=org.eng_manager, kind=kpi_reminders.HOLDER_OVERDUE)
    [item] = render(org.eng_manager.user, [note])
    assert item.text == "Ann Engineer's value of Tickets closed for Nov 2026 is overdue."


def test_a_team_kpi_reminds_the_manager_of_the_department(org):
    platform = Department.objects.get(full_name="Engineering/Platform")
    engineering = Department.objects.get(full_name="Engineering")
    define(org, name="Uptime", scope="team", department=platform)
    define(org, name="Hiring", scope="team", department=engineering)
    assert kpi_reminders.kpi_overdue_reminders(NOW) == 2
    assert {r for r, _ in told(kpi_reminders.OVERDUE)} == {org.eng_manager.pk, org.eng_head.pk}
    assert kpi_reminders.department_head(platform) == org.eng_manager
    assert kpi_reminders.kpi_overdue_reminders(NOW) == 0


def test_kpis_that_are_inactive_new_or_recorded_remind_nobody(org):
    inactive = define(org, name="Old", scope="person", person=org.engineer)
    Kpi.objects.filter(pk=inactive.pk).update(is_active=False)
    new = kpis.kpi_define(
        actor=org.hr.user, target=1, name="New", scope="person", person=org.engineer
    )
    Kpi.objects.filter(pk=new.pk).update(created_at=NOW - DAY)
    assert kpi_reminders.kpi_overdue_reminders(NOW) == 0


def test_a_person_who_left_gets_no_kpi_reminder(org):
    define(org, name="Deploys", scope="person", person=org.engineer)
    people.person_mark_left(actor=org.hr.user, person=org.engineer)
    assert kpi_reminders.kpi_overdue_reminders(NOW) == 0
