"""The expiry sweep: windows, a second run sends nothing, a renewal silences the old
certificate and starts over, escalation to the manager once and to HR in one digest."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from cadence.certifications import reminders
from cadence.notifications import schedule
from cadence.notifications.models import Notification
from tests.certifications.conftest import TODAY, record
from tests.conftest import Org

# Noon in the organisation's zone: nobody is asleep.
NOON = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(12, 0)))


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def sent(kind: str) -> list[tuple[int, int]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", "target_id"))


def test_the_sweep_is_registered() -> None:
    sweep = schedule.sweep("certificate-expiry")
    assert sweep is not None and sweep.run is reminders.certificate_sweep


def test_each_window_reminds_the_holder_once(org: Org, first_aid) -> None:
    in_60 = record(org.engineer, first_aid, expires=days(60))
    in_20 = record(org.engineer2, first_aid, expires=days(20))
    in_5 = record(org.eng_manager, first_aid, expires=days(5))
    record(org.seller, first_aid, expires=days(200))  # not yet
    assert reminders.certificate_sweep(NOON) == 3
    assert reminders.certificate_sweep(NOON) == 0  # a second run sends nothing
    due = Notification.objects.filter(kind=reminders.DUE)
    assert {(n.recipient_id, n.params["days"]) for n in due} == {
        (org.engineer.pk, 90),
        (org.engineer2.pk, 30),
        (org.eng_manager.pk, 7),
    }
    assert {n.target_id for n in due} == {in_60.pk, in_20.pk, in_5.pk}
    # Thirty days later the first one enters the 30-day window: one new reminder.
    later = NOON + datetime.timedelta(days=31)
    assert reminders.expiry_reminders(later) >= 1
    assert Notification.objects.filter(
        kind=reminders.DUE, recipient=org.engineer, params__days=30
    ).exists()


def test_a_renewal_silences_the_old_certificate(org: Org, first_aid) -> None:
    record(org.engineer, first_aid, expires=days(20))
    renewed = record(org.engineer, first_aid, issued=TODAY, expires=days(380))
    assert reminders.certificate_sweep(NOON) == 0
    assert renewed.expires_on == days(380)


def test_expired_tells_holder_and_manager_once_and_hr_in_a_digest(org: Org, first_aid) -> None:
    expired = record(org.engineer, first_aid, expires=days(-2))
    # Long ago: history, not news.
    record(org.seller, first_aid, issued=days(-800), expires=days(-400))
    made = reminders.certificate_sweep(NOON)
    assert made == 3
    assert sent(reminders.EXPIRED) == [(org.engineer.pk, expired.pk)]
    assert sent(reminders.ESCALATED) == [(org.eng_manager.pk, expired.pk)]
    digest = Notification.objects.get(kind=reminders.HR_DIGEST)
    assert digest.recipient_id == org.hr.pk and digest.params["count"] == 1
    assert reminders.certificate_sweep(NOON + datetime.timedelta(days=1)) == 0


def test_hr_gets_one_digest_per_run_and_a_second_run_sends_nothing(org: Org, first_aid) -> None:
    for person in (org.engineer, org.engineer2, org.eng_manager):
        record(person, first_aid, expires=days(-3))
    record(org.eng_head, first_aid, expires=TODAY)  # still valid today: expires tonight
    assert reminders.hr_digests(NOON) == 1
    # The three holders, their managers, and the 7-day reminder of the one expiring today.
    assert reminders.certificate_sweep(NOON) == 7
    assert reminders.certificate_sweep(NOON) == 0
    assert reminders.certificate_sweep(NOON + datetime.timedelta(hours=3)) == 0
    [first] = Notification.objects.filter(kind=reminders.HR_DIGEST)
    assert first.recipient_id == org.hr.pk
    assert first.params["count"] == 3
    # Tomorrow only the one that expired since is counted, from the first digest's day.
    tomorrow = NOON + datetime.timedelta(days=1)
    assert reminders.hr_digests(tomorrow) == 1
    assert reminders.hr_digests(tomorrow) == 0
    second = Notification.objects.filter(kind=reminders.HR_DIGEST).latest("id")
    assert second.params["count"] == 1
    # A day with nothing newly expired sends nothing.
    assert reminders.hr_digests(tomorrow + datetime.timedelta(days=1)) == 0


def test_the_digest_reads_for_hr_with_a_link_to_the_expired_rows(org: Org, first_aid) -> None:
    from cadence.notifications import rendering

    record(org.engineer, first_aid, expires=days(-3))
    record(org.engineer2, first_aid, expires=days(-1))
    reminders.hr_digests(NOON)
    digest = Notification.objects.get(kind=reminders.HR_DIGEST)
    [item] = rendering.render(org.hr.user, [digest])
    assert item.text == "2 certificates expired in the last 30 days: see the compliance view."
    assert item.url == "/certifications/compliance/?status=expired#rows"
    page = org.client_for(org.hr).get(item.url)
    assert page.status_code == 200
    assert page.content.decode().count('class="badge cert-expired"') == 2
    # Anyone else who came by it reads neutral words, without the link.
    [other] = rendering.render(org.engineer.user, [digest])
    assert other.url is None


def test_an_hr_admin_outside_reminder_hours_is_told_later(org: Org, first_aid, settings) -> None:
    record(org.engineer, first_aid, expires=days(-3))
    settings.CADENCE_REMINDER_HOURS = (13, 20)  # noon: not yet
    assert reminders.hr_digests(NOON) == 0
    assert reminders.hr_digests(NOON + datetime.timedelta(hours=1)) == 1
    assert Notification.objects.get(kind=reminders.HR_DIGEST).params["count"] == 1


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the benchmarks run on SQLite, in SQLite's SQL"
)
def test_the_benchmarks_sweep_at_a_small_size(org: Org) -> None:
    """bench/workloads/expiry_sweep.py's own steps on the test organisation: the sweep
    makes the baseline's rows plus one digest per HR admin, then nothing again."""
    from bench.workloads import expiry_sweep
    from cadence.people.models import Person

    assert expiry_sweep.prepare(TODAY) > 2 * Person.objects.count()
    expiry_sweep.empty()
    created = reminders.certificate_sweep(NOON)
    expiry_sweep.check(created, expiry_sweep.baseline(NOON))
    hr = Person.objects.filter(user__is_hr_admin=True).count()
    assert hr >= 3
    assert Notification.objects.filter(kind=reminders.HR_DIGEST).count() == hr
    assert reminders.certificate_sweep(NOON) == 0


def test_the_notification_reads_per_reader(org: Org, first_aid) -> None:
    from cadence.notifications import kinds

    expired = record(org.engineer, first_aid, expires=days(-2))
    reminders.certificate_sweep(NOON)
    target = kinds.target_type("certifications.certificate")
    assert target is not None
    manager_label = target.load(org.eng_manager.user, [expired.pk])[expired.pk].label
    assert manager_label.startswith("First aid at work of Ann Engineer (expiry date ")
    assert target.load(org.exec_viewer.user, [expired.pk]) == {}
    assert target.load(org.engineer2.user, [expired.pk]) == {}
    assert target.load(org.engineer.user, [expired.pk])[expired.pk].label.startswith(
        "First aid at work ("
    )


@pytest.mark.parametrize("reminder_days", [[60, 14], [7]])
def test_reminder_days_are_per_type(org: Org, reminder_days: list[int]) -> None:
    from tests.certifications.conftest import define

    type_ = define("Custom", validity_months=12, reminder_days=reminder_days)
    record(org.engineer, type_, expires=days(reminder_days[0]))
    assert reminders.certificate_sweep(NOON) == 1
    note = Notification.objects.get(kind=reminders.DUE)
    assert note.params == {"days": reminder_days[0]}
