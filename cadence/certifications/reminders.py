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
holder is told once and their manager once: the window keeps a first run from
announcing years of history. HR admins (with a person record) are not told of each
one: they get one digest saying how many expired since their previous digest, linked
to the compliance view's expired rows (``hr_digests``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from cadence.certifications.models import CertificationType
from cadence.certifications.notifications import CERTIFICATE_TARGET, EXPIRED_VIEW_TARGET
from cadence.core.templatetags.cadence_format import format_quantity
from cadence.notifications import kinds, schedule, sweeps
from cadence.notifications.models import Channel, Notification
from cadence.people import access as people_access
from cadence.people.models import Person

DUE = "certificate.expiring"
EXPIRED = "certificate.expired"
ESCALATED = "certificate.expired_escalated"
HR_DIGEST = "certificate.expired_digest"
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
    """The holder, then their manager, of current certificates expired in the last
    ``ESCALATION_WINDOW_DAYS`` days (HR: ``hr_digests``)."""
    today = timezone.localdate(now)
    window = [
        sweeps.db_date(today),
        sweeps.db_date(today - datetime.timedelta(days=ESCALATION_WINDOW_DAYS)),
    ]
    managers = _expired_sql("h.manager_id", "h.id", "", "AND h.manager_id IS NOT NULL")
    return [
        Job(EXPIRED, _expired_sql("c.person_id", "CAST(NULL AS BIGINT)", ""), window),
        Job(ESCALATED, managers, window),
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
    """Tell holders and their managers of current certificates expired in the last
    ``ESCALATION_WINDOW_DAYS`` days, once each (HR: ``hr_digests``); returns how many
    were new."""
    return _run(escalation_jobs(now), now)


# --- HR's digest --------------------------------------------------------------------------
#
# An HR admin's previous digest is the state: its dedup key names the day it counted up
# to, and the next one counts the certificates whose expiry date falls from that day to
# yesterday (they expired since), at most ``ESCALATION_WINDOW_DAYS`` back. Kept per admin
# rather than per run, an admin outside their reminder hours, or one who had switched the
# digest off, is told later of everything since their own last digest, and a run with
# nothing new for anyone writes nothing. A certificate recorded today with an expiry date
# before the previous digest's day is not counted again: the holder and manager are still
# told of it, and the compliance view shows it.

_DIGEST_KEY = "cert-expired-digest:"


def _count_expired(since: datetime.date, today: datetime.date) -> int:
    """Current certificates (active type, holder still here) whose expiry date is in
    [since, today): those that expired from ``since`` + 1 day to today."""
    sql = f"""
        SELECT COUNT(*) FROM certifications_certificate c
        JOIN certifications_certificationtype t ON t.id = c.type_id
        JOIN people_person h ON h.id = c.person_id
        WHERE t.active AND h.status = 'active'
          AND c.expires_on < %s AND c.expires_on >= %s AND {_CURRENT}
    """  # noqa: S608 - constant SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, [sweeps.db_date(today), sweeps.db_date(since)])
        return int(cursor.fetchone()[0])


def _hr_admins() -> list[int]:
    hr = Q(user__is_hr_admin=True) | Q(user__is_superuser=True)
    return list(
        Person.objects.filter(hr, user__is_active=True, status=Person.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _period(since: datetime.date | None) -> str:
    """When: "in the last 30 days" (a first digest), "since 1 Dec 2026"."""
    if since is None:
        return gettext("in the last %(n)d days") % {"n": ESCALATION_WINDOW_DAYS}
    return gettext("since %(day)s") % {"day": date_format(since)}


def hr_digests(now: datetime.datetime) -> int:
    """Tell each HR admin with a person record, in one notification, how many current
    certificates expired since their previous digest, linked to the compliance view's
    expired rows. At most one a day each; nothing when none expired. Returns how many
    digests were new."""
    today = timezone.localdate(now)
    admins = _hr_admins()
    if not admins:
        return 0
    floor = today - datetime.timedelta(days=ESCALATION_WINDOW_DAYS)
    previous = dict(
        Notification.objects.filter(kind=HR_DIGEST, recipient_id__in=admins)
        .values_list("recipient_id")
        .annotate(last=Max("dedup_key"))
        .order_by()
    )
    by_since: dict[tuple[datetime.date, bool], list[int]] = defaultdict(list)
    for admin in admins:
        last = previous.get(admin)
        told = datetime.date.fromisoformat(last.removeprefix(_DIGEST_KEY)) if last else None
        by_since[(max(told, floor) if told else floor, told is not None)].append(admin)
    asleep = sweeps.asleep_time_zones(now)
    created = 0
    for (since, told_before), recipients in sorted(by_since.items()):
        if since >= today:
            continue
        count = _count_expired(since, today)
        if not count:
            continue
        candidates = f"""
            SELECT a.id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
                   %s AS target_id, %s AS dedup_key
            FROM people_person a WHERE a.id IN ({", ".join(["%s"] * len(recipients))})
        """  # noqa: S608 - placeholders only
        created += sweeps.notify_selected(
            HR_DIGEST,
            candidates,
            [today.toordinal(), _DIGEST_KEY + today.isoformat(), *recipients],
            now=now,
            target_type=EXPIRED_VIEW_TARGET,
            params={
                "count": count,
                "certificates": ngettext("%(n)s certificate", "%(n)s certificates", count)
                % {"n": format_quantity(count)},
                "period": _period(since if told_before else None),
            },
            asleep=asleep,
        )
    return created


def certificate_sweep(now: datetime.datetime) -> int:
    return expiry_reminders(now) + expiry_escalations(now) + hr_digests(now)


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
                label=str(gettext_lazy("A certificate in my team has expired")),
                sentence=str(gettext_lazy("{target} has expired.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=HR_DIGEST,
                group=group,
                label=str(gettext_lazy("Certificates in the organisation have expired (a digest)")),
                sentence=str(gettext_lazy("{certificates} expired {period}: see {target}.")),
                default=Channel.EMAIL,
                audience=people_access.is_hr_admin,
            ),
        ]
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="certificate-expiry",
            run=certificate_sweep,
            cron="35 * * * *",
            description=(
                "Remind holders of certificates about to expire; tell holders and managers "
                "of expired ones, and HR in one digest."
            ),
        )
    )
