"""The certificate expiry sweep at 100,000 people and 300,000 certificates.

On a copy of ``directory``'s seeded organisation, three certification types (90/30/7,
60/14 and 30/7 reminder days) and three certificates per person, straight in SQL: one of
each of the first two types, and for the third an old certificate renewed by a newer one
for half the people (the old one must stay silent) — expiry dates spread from 200 days
ago to 1,000 days ahead. Three people are HR admins (escalations reach them).

Measured (issue 9):

* ``expiry_sweep``: ``certifications.reminders.certificate_sweep`` — reminders in every
  window, escalations of expired certificates to holder and manager, and HR's one
  digest each, with preferences, people who left, the dedup constraint and the outbox
  — ≤ 10 s, and ≤ 3× a baseline in the same run: the same jobs' candidates (same rows,
  checked) written by plain ``INSERT … SELECT`` into a scratch table without index or
  constraint (the digests, a handful of rows, are counted on top: ``check``). Runs are
  interleaved after emptying the tables.
* ``second_run_created``: the sweep again at the same moment creates nothing.
"""

import datetime
import json
from argparse import Namespace
from typing import Any

from bench import support
from bench.workloads import directory

NAME = "expiry_sweep"
DEFAULT_SIZE = 100_000
ROUNDS = 2
TARGET_SECONDS = 10.0
TARGET_RATIO = 3.0
SCRATCH = "bench_scratch_notification"


def prepare(today: datetime.date) -> int:
    """Types and certificates, straight in SQL; returns how many certificates."""
    from django.db import connection, transaction

    from cadence.notifications.sweeps import db_date, db_datetime
    from cadence.people.models import Person

    now = db_datetime(datetime.datetime.now(datetime.UTC))
    with transaction.atomic(), connection.cursor() as cursor:
        for pk, name, days in (
            (1, "First aid at work", [90, 30, 7]),
            (2, "Forklift licence", [60, 14]),
            (3, "GDPR awareness", [30, 7]),
        ):
            cursor.execute(
                "INSERT INTO certifications_certificationtype (id, name, issuer, validity_months,"
                " reminder_days, required_everyone, required_locations, required_job_titles,"
                " required_levels, active, created_at)"
                " VALUES (%s, %s, '', 12, %s, 0, '[]', '[]', '[]', 1, %s)",
                [pk, name, json.dumps(days), now],
            )
        base = db_date(today)
        # Expiry: -200 … +1000 days, spread by id and type.
        spread = "((p.id * 37 + {t} * 101) % 1200) - 200"
        for type_id in (1, 2):
            cursor.execute(
                "INSERT INTO certifications_certificate (person_id, type_id, number, issued_on,"
                " expires_on, document, document_name, document_type, created_at, updated_at)"
                f" SELECT p.id, {type_id}, '', date(%s, (({spread.format(t=type_id)}) - 365)"
                f" || ' days'), date(%s, ({spread.format(t=type_id)}) || ' days'), '', '', '',"
                " %s, %s FROM people_person p",
                [base, base, now, now],
            )
        # Half the people renewed the third one: the old one expires soon or has expired.
        cursor.execute(
            "INSERT INTO certifications_certificate (person_id, type_id, number, issued_on,"
            " expires_on, document, document_name, document_type, created_at, updated_at)"
            " SELECT p.id, 3, '', date(%s, (-((p.id * 13) % 360) - 30) || ' days'),"
            " date(%s, (((p.id * 13) % 60) - 20) || ' days'), '', '', '', %s, %s"
            " FROM people_person p WHERE p.id % 2 = 1",
            [base, base, now, now],
        )
        cursor.execute(
            "INSERT INTO certifications_certificate (person_id, type_id, number, issued_on,"
            " expires_on, document, document_name, document_type, created_at, updated_at)"
            " SELECT p.id, 3, '', date(%s, '-1 days'), date(%s, '+364 days'), '', '', '', %s, %s"
            " FROM people_person p WHERE p.id % 2 = 1",
            [base, base, now, now],
        )
        hr = list(
            Person.objects.exclude(user=None).order_by("id").values_list("user_id", flat=True)[:3]
        )
        cursor.execute(
            f"UPDATE accounts_user SET is_hr_admin = 1 WHERE id IN ({', '.join(['%s'] * len(hr))})",
            hr,
        )
        cursor.execute("SELECT COUNT(*) FROM certifications_certificate")
        return int(cursor.fetchone()[0])


def empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notifications_outboundmail")
        cursor.execute("DELETE FROM notifications_notification")
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(
            f"CREATE TABLE {SCRATCH} AS SELECT * FROM notifications_notification WHERE 0"  # noqa: S608
        )


def baseline(now: datetime.datetime) -> int:
    """The sweep's jobs, each one plain INSERT … SELECT into the scratch table (people
    who left, preferences, the reminder hours and self-notifications applied as
    ``notify_selected`` applies them; no unique index, no outbox)."""
    from django.db import connection, transaction

    from cadence.certifications import reminders
    from cadence.certifications.notifications import CERTIFICATE_TARGET
    from cadence.notifications import kinds, sweeps

    asleep = sweeps.asleep_time_zones(now) or []
    awake = f"AND r.time_zone NOT IN ({', '.join(['%s'] * len(asleep))})" if asleep else ""
    total = 0
    jobs = reminders.reminder_jobs(now) + reminders.escalation_jobs(now)
    with transaction.atomic(), connection.cursor() as cursor:
        for job in jobs:
            default = str(kinds.kind(job.kind).default)
            cursor.execute(
                f"""INSERT INTO {SCRATCH} (recipient_id, kind, actor_id, target_type,
                        target_id, params, dedup_key, delivery, created_at)
                    SELECT c.recipient_id, %s, c.actor_id, %s, c.target_id, %s, c.dedup_key,
                           COALESCE(p.channel, %s), %s
                    FROM ({job.candidates}) c
                    JOIN people_person r ON r.id = c.recipient_id
                    LEFT JOIN notifications_notificationpreference p
                        ON p.person_id = c.recipient_id AND p.kind = %s
                    WHERE r.status = 'active'
                      AND (c.actor_id IS NULL OR c.actor_id <> c.recipient_id)
                      AND COALESCE(p.channel, %s) <> 'off' {awake}""",  # noqa: S608
                [
                    job.kind,
                    CERTIFICATE_TARGET,
                    json.dumps(job.notification_params),
                    default,
                    sweeps.db_datetime(now),
                    *job.params,
                    job.kind,
                    default,
                    *asleep,
                ],
            )
            total += cursor.rowcount
    return total


def check(created: int, plain: int) -> None:
    """The sweep made the baseline's rows, and one digest per HR admin on top."""
    from cadence.certifications import reminders
    from cadence.notifications.models import Notification

    digests = Notification.objects.filter(kind=reminders.HR_DIGEST).count()
    assert plain + digests == created, (plain, digests, created)


def run(args: Namespace) -> list[dict[str, Any]]:
    size = args.size or DEFAULT_SIZE
    source = directory.seeded_database(size, args.fresh)
    with support.work_dir() as tmp:
        db = support.copy_database(source, tmp / "cadence.sqlite3")
        support.use_database(db, tmp)
        from django.db import connection
        from django.utils import timezone

        from cadence.certifications import reminders
        from cadence.notifications.models import Notification, OutboundMail

        # Mid-morning in the organisation's time zone: within the reminder hours.
        now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
        certificates = prepare(timezone.localdate(now))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        support.log(f"{certificates:,} certificates")

        product, base, created = support.sweep_rounds(
            lambda: reminders.certificate_sweep(now),
            lambda: baseline(now),
            rounds=ROUNDS,
            reset=empty,
            check=check,
        )
        mails = OutboundMail.objects.count()
        assert Notification.objects.count() == created
        second_seconds, second = support.timed(lambda: reminders.certificate_sweep(now))
        support.log(f"second sweep {second_seconds:.2f} s ({second} notifications)")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        seconds, base_seconds = support.median(product), support.median(base)
        return [
            support.result(
                NAME,
                size,
                seconds,
                baseline_seconds=base_seconds,
                certificates=certificates,
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
