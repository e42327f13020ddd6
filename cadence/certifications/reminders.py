"""Certificate reminders: the holder before expiry, and once expired the holder, their
manager and HR admins — set-based, one INSERT … SELECT per type and reminder day.

Each type has its reminder days (90, 30, 7 by default). Day ``d`` covers the window
between it and the next smaller one: with 90/30/7 a certificate expiring in 31 to 90
days is reminded "within 90 days", in 8 to 30 days "within 30 days", in 0 to 7 days
"within 7 days". So a certificate recorded 20 days before expiry gets the 30-day
reminder, not three at once. Every key names the certificate, the day and the expiry
date: a second run tells nobody again, and a certificate whose expiry changes starts
over. Only the *current* certificate of a person and a type is reminded — a renewal
(a newer certificate with a later expiry) silences the old one.

Once expired (the day after the expiry date), within ``ESCALATION_WINDOW_DAYS``, the
holder is told once and their manager and every HR admin with a person record once
each: the window keeps a first run from announcing years of history.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from cadence.certifications.models import CertificationType
from cadence.certifications.notifications import CERTIFICATE_TARGET
from cadence.notifications import kinds, schedule, sweeps
from cadence.notifications.models import Channel

DUE = "certificate.expiring"
EXPIRED = "certificate.expired"
ESCALATED = "certificate.expired_escalated"
ESCALATION_WINDOW_DAYS = 30

# The certificate counts: no other of the same person and type expires later (or never).
_CURRENT = """
    NOT EXISTS (
        SELECT 1 FROM certifications_certificate n
        WHERE n.person_id = c.person_id AND n.type_id = c.type_id AND n.id <> c.id
          AND (n.expires_on IS NULL OR n.expires_on > c.expires_on
               OR (n.expires_on = c.expires_on AND n.id > c.id))
    )
"""


def _key(prefix: str) -> str:
    return f"'{prefix}:' || CAST(c.id AS TEXT) || ':' || CAST(c.expires_on AS TEXT)"  # noqa: S608


def _windows(days: list[int]) -> list[tuple[int, int, int]]:
    """(day, first offset, last offset) for each reminder day, largest first: the
    window of ``d`` is (next smaller day, d], the smallest reaches down to today."""
    ordered = sorted({d for d in days if d > 0}, reverse=True)
    return [
        (d, ordered[i + 1] + 1 if i + 1 < len(ordered) else 0, d) for i, d in enumerate(ordered)
    ]


@dataclass(frozen=True)
class Job:
    """One ``notify_selected`` call of the sweep (the benchmark replays the same SQL)."""

    kind: str
    candidates: str
    params: list[Any]
    notification_params: dict[str, Any] = field(default_factory=dict)


def reminder_jobs(now: datetime.datetime) -> list[Job]:
    """A job per active type and reminder day: holders of current certificates whose
    expiry falls in that day's window."""
    today = timezone.localdate(now)
    jobs = []
    for type_ in CertificationType.objects.filter(active=True).order_by("pk"):
        for day, first, last in _windows(list(type_.reminder_days or [])):
            candidates = f"""
                SELECT c.person_id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
                       c.id AS target_id,
                       {_key(f"cert-due-{day}")} AS dedup_key
                FROM certifications_certificate c
                WHERE c.type_id = %s AND c.expires_on >= %s AND c.expires_on <= %s
                  AND {_CURRENT}
            """  # noqa: S608 - constant SQL (the day is an int)
            params = [
                type_.pk,
                sweeps.db_date(today + datetime.timedelta(days=first)),
                sweeps.db_date(today + datetime.timedelta(days=last)),
            ]
            jobs.append(Job(DUE, candidates, params, {"days": day}))
    return jobs


def _expired_sql(recipient: str, actor: str, joins: str, where: str = "") -> str:
    return f"""
        SELECT {recipient} AS recipient_id, {actor} AS actor_id, c.id AS target_id,
               {_key("cert-expired")} AS dedup_key
        FROM certifications_certificate c
        JOIN certifications_certificationtype t ON t.id = c.type_id
        JOIN people_person h ON h.id = c.person_id
        {joins}
        WHERE t.active AND h.status = 'active'
          AND c.expires_on < %s AND c.expires_on >= %s
          AND {_CURRENT}
          {where}
    """  # noqa: S608 - constant SQL


def escalation_jobs(now: datetime.datetime) -> list[Job]:
    """The holder, then their manager and every HR admin with a person record, of
    current certificates expired in the last ``ESCALATION_WINDOW_DAYS`` days."""
    today = timezone.localdate(now)
    window = [
        sweeps.db_date(today),
        sweeps.db_date(today - datetime.timedelta(days=ESCALATION_WINDOW_DAYS)),
    ]
    managers = _expired_sql("h.manager_id", "h.id", "", "AND h.manager_id IS NOT NULL")
    hr = _expired_sql(
        "a.id",
        "h.id",
        """JOIN accounts_user u ON u.is_active AND (u.is_hr_admin OR u.is_superuser)
           JOIN people_person a ON a.user_id = u.id""",
        "AND (h.manager_id IS NULL OR a.id <> h.manager_id)",
    )
    return [
        Job(EXPIRED, _expired_sql("c.person_id", "CAST(NULL AS BIGINT)", ""), window),
        Job(ESCALATED, f"{managers} UNION ALL {hr}", [*window, *window]),
    ]


def _run(jobs: list[Job], now: datetime.datetime) -> int:
    asleep = sweeps.asleep_time_zones(now)
    return sum(
        sweeps.notify_selected(
            job.kind,
            job.candidates,
            job.params,
            now=now,
            target_type=CERTIFICATE_TARGET,
            params=job.notification_params,
            asleep=asleep,
        )
        for job in jobs
    )


def expiry_reminders(now: datetime.datetime) -> int:
    """Remind holders of current certificates entering a reminder window; returns how
    many reminders were new."""
    return _run(reminder_jobs(now), now)


def expiry_escalations(now: datetime.datetime) -> int:
    """Tell holders, their managers and HR admins of current certificates expired in
    the last ``ESCALATION_WINDOW_DAYS`` days, once each; returns how many were new."""
    return _run(escalation_jobs(now), now)


def certificate_sweep(now: datetime.datetime) -> int:
    return expiry_reminders(now) + expiry_escalations(now)


def register() -> None:
    group = str(gettext_lazy("Certificates"))
    kinds.register_kinds(
        [
            kinds.Kind(
                key=DUE,
                group=group,
                label=str(gettext_lazy("A certificate of mine expires soon")),
                sentence=str(gettext_lazy("Your certificate {target} expires within {days} days.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=EXPIRED,
                group=group,
                label=str(gettext_lazy("A certificate of mine has expired")),
                sentence=str(
                    gettext_lazy("Your certificate {target} has expired: record the renewed one.")
                ),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=ESCALATED,
                group=group,
                label=str(gettext_lazy("A certificate in my team or organisation has expired")),
                sentence=str(gettext_lazy("{target} has expired.")),
                default=Channel.EMAIL,
            ),
        ]
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="certificate-expiry",
            run=certificate_sweep,
            cron="35 * * * *",
            description=(
                "Remind holders of certificates about to expire; tell holders, managers "
                "and HR of expired ones."
            ),
        )
    )
