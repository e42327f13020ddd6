"""Sending the outbox: the worker's half of "a mail is written with the event, sent later".

Delivery is at most once. A mail is claimed by one conditional UPDATE (QUEUED → SENDING,
committed) before the SMTP conversation and marked SENT after it. A crash in between
leaves it SENDING; after ``SENDING_GRACE`` it is marked UNKNOWN and never sent again, so
nobody gets the same mail twice, and HR sees it on the delivery page. See the "Delivery"
section of docs/notifications.md for why at most once and not at least once.

Outcomes:
- accepted by the server → SENT;
- refused for good for that recipient (SMTP 5xx, an invalid address) → FAILED, no retry;
- a temporary failure (connection refused, a timeout, SMTP 4xx) → QUEUED again with an
  exponential backoff, until ``CADENCE_MAIL_MAX_ATTEMPTS`` attempts → FAILED;
- the recipient left, has no account or no address, or nothing is left to say → DROPPED.
"""

import logging
import smtplib
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cadence.notifications.models import Notification, OutboundMail
from cadence.notifications.rendering import Item, render
from cadence.people.models import Person

logger = logging.getLogger(__name__)

State = OutboundMail.State

# A mail still SENDING after this long was interrupted (the worker died between the SMTP
# conversation and marking it). The SMTP timeout (CADENCE_EMAIL_TIMEOUT, 30 s) keeps a
# live send far below it, so a mail being sent right now is never taken for a dead one.
SENDING_GRACE = timedelta(minutes=5)
# The longest wait between two attempts, however many were made.
MAX_BACKOFF = timedelta(hours=6)
# Mails one run sends at most; the next run (a minute later, or the task enqueued by
# the next event) takes the rest.
BATCH = 200


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # this mail failed for now; the connection may still be good
    FAILED = "failed"
    DROPPED = "dropped"
    SKIPPED = "skipped"  # another worker claimed it first
    CONNECTION_LOST = "connection_lost"  # no point trying the rest of the batch now


@dataclass(frozen=True)
class Composed:
    message: EmailMultiAlternatives
    subject: str
    to_address: str


def send_due(now: datetime | None = None) -> int:
    """Send the queued mails whose time has come; returns how many were sent.

    Call it outside any transaction (the worker, a sweep, a task): each claim and each
    outcome is committed on its own, which is what makes two workers send disjoint mails
    and a crash leave a trace. Safe to run in several workers at once."""
    now = now or timezone.now()
    mark_interrupted(now)
    due = list(
        OutboundMail.objects.filter(state=State.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:BATCH]
    )
    if not due:
        return 0
    sent = 0
    # One mailer (one SMTP connection) for the batch instead of one per mail.
    connection = mailers.default
    try:
        for position, mail_id in enumerate(due):
            outcome, error = _deliver_one(connection, mail_id, now)
            if outcome is Outcome.SENT:
                sent += 1
            elif outcome is Outcome.CONNECTION_LOST:
                _defer(due[position + 1 :], error, now)
                break
    finally:
        with suppress(Exception):  # closing a dead connection must not hide the outcome
            connection.close()
    return sent


def mark_interrupted(now: datetime) -> int:
    """Mails left SENDING longer than ``SENDING_GRACE`` → UNKNOWN (never re-sent).

    While a mail is SENDING, ``next_attempt_at`` holds the moment it was claimed."""
    return OutboundMail.objects.filter(
        state=State.SENDING, next_attempt_at__lt=now - SENDING_GRACE
    ).update(
        state=State.UNKNOWN,
        last_error=_(
            "Interrupted while sending; it may or may not have arrived, and is not sent again."
        ),
    )


def claim(mail_id: int, now: datetime) -> bool:
    """Take one queued mail for this worker: QUEUED → SENDING and one more attempt, in
    one conditional UPDATE, so of two workers only one gets it."""
    return (
        OutboundMail.objects.filter(pk=mail_id, state=State.QUEUED).update(
            state=State.SENDING, attempts=F("attempts") + 1, next_attempt_at=now
        )
        == 1
    )


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: the base, doubled each time."""
    base = timedelta(seconds=settings.CADENCE_MAIL_RETRY_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _deliver_one(connection: BaseEmailBackend, mail_id: int, now: datetime) -> tuple[Outcome, str]:
    if not claim(mail_id, now):
        return Outcome.SKIPPED, ""
    mail = OutboundMail.objects.select_related("recipient__user", "notification__actor").get(
        pk=mail_id
    )
    reason = _reason_to_drop(mail.recipient)
    composed = None
    if not reason:
        try:
            composed = compose(mail)
        except Exception as exc:  # a rendering bug must not stop the other mails
            logger.exception("mail %s could not be written", mail.pk)
            return _fail_or_retry(mail, now, f"Could not write the mail: {exc}"), ""
        if composed is None:
            reason = _("Nothing left to say: the items were removed.")
    if composed is None:
        _finish(mail, State.DROPPED, error=reason)
        return Outcome.DROPPED, reason
    try:
        connection.open()
        connection.send_messages([composed.message])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        error = _smtp_error(exc.recipients)
        if codes and all(code >= 500 for code in codes):
            _finish(mail, State.FAILED, error=error, composed=composed)
            return Outcome.FAILED, error
        return _fail_or_retry(mail, now, error, composed), error
    except smtplib.SMTPDataError as exc:
        # The server took the recipient but refused this message (550 content, 552 size):
        # sending it again would be refused again.
        error = f"{exc.smtp_code} {_decode(exc.smtp_error)}"
        if exc.smtp_code >= 500:
            _finish(mail, State.FAILED, error=error, composed=composed)
            return Outcome.FAILED, error
        return _fail_or_retry(mail, now, error, composed), error
    except (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as exc:
        # Our side's configuration (sender address, credentials): every mail would meet
        # it, and fixing the settings lets the queued ones go out on a later attempt.
        error = f"{exc.smtp_code} {_decode(exc.smtp_error)}"
        with suppress(Exception):
            connection.close()
        return _fail_or_retry(mail, now, error, composed, lost=True), error
    except ValueError as exc:  # an address the backend cannot use
        error = str(exc)
        _finish(mail, State.FAILED, error=error, composed=composed)
        return Outcome.FAILED, error
    except OSError as exc:  # refused, timed out, disconnected (smtplib's errors are OSErrors)
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        with suppress(Exception):
            connection.close()
        return _fail_or_retry(mail, now, error, composed, lost=True), error
    _finish(mail, State.SENT, composed=composed)
    return Outcome.SENT, ""


def _reason_to_drop(person: Person) -> str:
    if person.status != Person.Status.ACTIVE:
        return _("The recipient has left the organisation.")
    if person.user is None or not person.user.is_active:
        return _("The recipient has no Cadence account.")
    if not person.work_email:
        return _("The recipient has no email address.")
    return ""


def _fail_or_retry(
    mail: OutboundMail,
    now: datetime,
    error: str,
    composed: Composed | None = None,
    *,
    lost: bool = False,
) -> Outcome:
    if mail.attempts >= settings.CADENCE_MAIL_MAX_ATTEMPTS:
        _finish(mail, State.FAILED, error=error, composed=composed)
        return Outcome.CONNECTION_LOST if lost else Outcome.FAILED
    OutboundMail.objects.filter(pk=mail.pk, state=State.SENDING).update(
        state=State.QUEUED,
        next_attempt_at=now + backoff(mail.attempts),
        last_error=error[:1000],
        **_addressing(composed),
    )
    return Outcome.CONNECTION_LOST if lost else Outcome.RETRY


def _finish(
    mail: OutboundMail, state: str, *, error: str = "", composed: Composed | None = None
) -> None:
    # Only from SENDING: a mail that another worker already declared UNKNOWN keeps that
    # mark unless it did go out, which is then the better news.
    states = [State.SENDING, State.UNKNOWN] if state == State.SENT else [State.SENDING]
    OutboundMail.objects.filter(pk=mail.pk, state__in=states).update(
        state=state,
        last_error=error[:1000],
        sent_at=timezone.now() if state == State.SENT else None,
        **_addressing(composed),
    )


def _addressing(composed: Composed | None) -> dict[str, str]:
    if composed is None:
        return {}
    return {"to_address": composed.to_address[:254], "subject": composed.subject[:300]}


def _defer(mail_ids: list[int], error: str, now: datetime) -> None:
    """The rest of a batch after the server became unreachable: not tried, so no attempt
    is counted, but they wait as long as the first retry and show why."""
    OutboundMail.objects.filter(pk__in=mail_ids, state=State.QUEUED).update(
        next_attempt_at=now + backoff(1), last_error=error[:1000]
    )


def _smtp_error(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{code} {_decode(msg)} ({address})" for address, (code, msg) in refused.items()
    )


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# --- Writing the mail ------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return f"{settings.CADENCE_BASE_URL}{path}"


def compose(mail: OutboundMail) -> Composed | None:
    """The message for ``mail``, written now with the recipient's rights now; None when
    there is nothing left to say (its notification or digest items are gone)."""
    person = mail.recipient
    user = person.user
    assert user is not None  # checked by _reason_to_drop
    preferences_url = absolute_url(reverse("notifications:preferences"))
    with translation.override(settings.LANGUAGE_CODE), timezone.override(person.zone):
        if mail.kind == OutboundMail.Kind.DIGEST:
            notifications = list(
                Notification.objects.filter(digest=mail)
                .select_related("actor")
                .order_by("created_at", "id")
            )
            if not notifications:
                return None
            items = [_linked(item) for item in render(user, notifications)]
            local_day = timezone.localtime(mail.created_at, person.zone).date()
            subject = ngettext(
                "Your Cadence digest: %(count)d update",
                "Your Cadence digest: %(count)d updates",
                len(items),
            ) % {"count": len(items)}
            template = "notifications/email/digest"
            context: dict[str, object] = {"items": items, "day": local_day}
        else:
            if mail.notification is None:
                return None
            [rendered] = render(user, [mail.notification])
            item = _linked(rendered)
            subject = item.text
            template = "notifications/email/notification"
            context = {"item": item}
        context |= {
            "person": person,
            "subject": subject,
            "preferences_url": preferences_url,
            "home_url": absolute_url("/"),
        }
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=_one_line(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.work_email],
        headers={
            "List-Unsubscribe": f"<{preferences_url}>",
            # The same mail always has the same id: a receiving system that saw it once
            # (after an interrupted send) can tell it is the same.
            "Message-ID": f"<cadence.mail.{mail.pk}@{_mail_domain()}>",
            "X-Cadence-Mail": mail.dedup_key,
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return Composed(message=message, subject=subject, to_address=person.work_email)


@dataclass(frozen=True)
class LinkedItem:
    """A rendered notification with the absolute link a mail needs."""

    text: str
    link: str
    created_at: datetime


def _linked(item: Item) -> LinkedItem:
    return LinkedItem(text=item.text, link=absolute_url(item.open_url), created_at=item.created_at)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _mail_domain() -> str:
    return urlsplit(settings.CADENCE_BASE_URL).hostname or "localhost"


# --- The worker's task -----------------------------------------------------------------


@task()
def deliver_mail() -> int:
    """Enqueued when an event queues mail (after its transaction commits) and run every
    minute by the scheduler; both end in the same idempotent ``send_due``."""
    return send_due(timezone.now())
