"""The outbox's worker: what each answer of the mail server does to a queued mail, and
that no mail is ever sent twice (two workers at once, a crash between sending and
marking)."""

import smtplib
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import override_settings
from django.utils import timezone

from cadence.notifications import delivery, kinds, services
from cadence.notifications.models import Channel, OutboundMail
from cadence.people.models import Person

MAILED = kinds.register_kind(
    kinds.Kind(
        key="test.mailed",
        group="Tests",
        label="Something worth a mail",
        sentence="{actor} did something worth a mail.",
        default=Channel.EMAIL,
    )
)

pytestmark = pytest.mark.django_db
State = OutboundMail.State


class ScriptedBackend(LocmemBackend):
    """The in-memory backend, but each send first takes the next step of ``SCRIPT``: an
    exception to raise instead of sending, or a callable to run before sending."""

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        if SCRIPT:
            step = SCRIPT.pop(0)
            if isinstance(step, BaseException):
                raise step
            if step is not None:
                step()
        return super().send_messages(messages)


SCRIPT: list[BaseException | Callable[[], object] | None] = []


@pytest.fixture
def scripted() -> Iterator[list[BaseException | Callable[[], object] | None]]:
    SCRIPT.clear()
    backend = f"{__name__}.ScriptedBackend"
    with override_settings(MAILERS={"default": {"BACKEND": backend}}):
        yield SCRIPT
    SCRIPT.clear()


def queue(org, *recipients: Person) -> list[OutboundMail]:
    created = services.notify(MAILED.key, list(recipients), actor=org.eng_manager)
    return list(OutboundMail.objects.filter(notification__in=created).order_by("id"))


def state_of(mail: OutboundMail) -> OutboundMail:
    mail.refresh_from_db()
    return mail


def test_a_queued_mail_is_sent_once_with_text_html_and_an_unsubscribe_link(org, mailoutbox):
    [mail] = queue(org, org.engineer)
    now = timezone.now()
    assert delivery.send_due(now) == 1
    assert delivery.send_due(now + timedelta(hours=1)) == 0
    [message] = mailoutbox
    sentence = f"{org.eng_manager.full_name} did something worth a mail."
    assert message.to == [org.engineer.work_email]
    assert message.subject == sentence
    assert message.extra_headers["List-Unsubscribe"] == (
        "<http://127.0.0.1:8000/notifications/preferences/>"
    )
    open_url = f"http://127.0.0.1:8000/notifications/{mail.notification_id}/open"
    assert sentence in message.body and open_url in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert open_url in html and "http://127.0.0.1:8000/notifications/preferences/" in html
    mail = state_of(mail)
    assert (mail.state, mail.attempts, mail.last_error) == (State.SENT, 1, "")
    assert mail.sent_at is not None and mail.to_address == org.engineer.work_email


@override_settings(CADENCE_BASE_URL="https://cadence.example.org")
def test_links_start_with_the_configured_base_url(org, mailoutbox):
    queue(org, org.engineer)
    delivery.send_due()
    [message] = mailoutbox
    assert "https://cadence.example.org/notifications/" in message.body
    assert message.extra_headers["Message-ID"].endswith("@cadence.example.org>")


def test_the_event_enqueues_delivery_once_committed(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [mail] = queue(org, org.engineer)
        [other] = queue(org, org.seller)  # a second event in the same transaction
        assert django_mail.outbox == []  # nothing leaves before the change is committed
    assert len(callbacks) == 1  # one task for the transaction
    assert state_of(mail).state == State.SENT and state_of(other).state == State.SENT
    assert len(django_mail.outbox) == 2


@override_settings(CADENCE_MAIL_MAX_ATTEMPTS=3, CADENCE_MAIL_RETRY_SECONDS=60)
def test_a_temporary_failure_is_retried_with_backoff_then_given_up(org, scripted):
    [mail] = queue(org, org.engineer)
    now = timezone.now()
    scripted.extend([ConnectionRefusedError(111, "Connection refused")] * 3)

    assert delivery.send_due(now) == 0
    mail = state_of(mail)
    assert (mail.state, mail.attempts) == (State.QUEUED, 1)
    assert mail.next_attempt_at == now + timedelta(seconds=60)
    assert "Connection refused" in mail.last_error

    assert delivery.send_due(now + timedelta(seconds=59)) == 0  # not due yet: not tried
    assert state_of(mail).attempts == 1

    later = now + timedelta(seconds=60)
    delivery.send_due(later)
    mail = state_of(mail)
    assert (mail.state, mail.attempts) == (State.QUEUED, 2)
    assert mail.next_attempt_at == later + timedelta(seconds=120)  # doubled

    delivery.send_due(later + timedelta(seconds=120))
    mail = state_of(mail)
    assert (mail.state, mail.attempts) == (State.FAILED, 3)
    assert "Connection refused" in mail.last_error
    assert delivery.send_due(later + timedelta(days=1)) == 0
    assert state_of(mail).attempts == 3


def test_a_server_answering_4xx_for_the_recipient_is_asked_again_later(org, scripted):
    [mail] = queue(org, org.engineer)
    scripted.append(
        smtplib.SMTPRecipientsRefused({org.engineer.work_email: (451, b"Try again later")})
    )
    now = timezone.now()
    delivery.send_due(now)
    mail = state_of(mail)
    assert mail.state == State.QUEUED and "451 Try again later" in mail.last_error
    assert delivery.send_due(now + timedelta(minutes=2)) == 1
    assert state_of(mail).state == State.SENT


def test_a_bounced_address_fails_for_good_and_is_never_retried(org, scripted, mailoutbox):
    bounced, fine = queue(org, org.engineer, org.engineer2)
    scripted.append(
        smtplib.SMTPRecipientsRefused({org.engineer.work_email: (550, b"5.1.1 No such user")})
    )
    now = timezone.now()
    assert delivery.send_due(now) == 1  # the bounce does not stop the next mail
    bounced = state_of(bounced)
    assert (bounced.state, bounced.attempts) == (State.FAILED, 1)
    assert "550 5.1.1 No such user" in bounced.last_error
    assert state_of(fine).state == State.SENT
    assert delivery.send_due(now + timedelta(days=2)) == 0
    assert state_of(bounced).attempts == 1
    assert [m.to for m in mailoutbox] == [[org.engineer2.work_email]]


def test_a_message_refused_with_5xx_fails_and_4xx_retries(org, scripted):
    refused, delayed = queue(org, org.engineer, org.engineer2)
    scripted.extend(
        [smtplib.SMTPDataError(554, b"Message rejected"), smtplib.SMTPDataError(452, b"Full")]
    )
    delivery.send_due()
    assert state_of(refused).state == State.FAILED
    assert state_of(delayed).state == State.QUEUED


def test_people_who_left_or_have_no_account_get_no_mail(org, mailoutbox):
    left, no_account, stays = queue(org, org.engineer, org.engineer2, org.seller)
    Person.objects.filter(pk=org.engineer.pk).update(status=Person.Status.LEFT)
    Person.objects.filter(pk=org.engineer2.pk).update(user=None)
    assert delivery.send_due() == 1
    assert state_of(left).state == State.DROPPED
    assert "left" in state_of(left).last_error
    assert state_of(no_account).state == State.DROPPED
    assert state_of(stays).state == State.SENT
    assert [m.to for m in mailoutbox] == [[org.seller.work_email]]


def test_a_crash_between_sending_and_marking_is_never_sent_again(org, scripted, mailoutbox):
    """The worker dies after the server accepted the mail and before it was marked SENT:
    the mail stays SENDING, is not sent by the next runs, and is UNKNOWN once the grace
    period is over — at most once, never twice."""
    [mail] = queue(org, org.engineer)
    now = timezone.now()

    def die_after_sending() -> None:
        LocmemBackend(alias="default").send_messages(
            [delivery.compose(OutboundMail.objects.get(pk=mail.pk)).message]  # type: ignore[union-attr]
        )
        raise SystemExit("worker killed")

    scripted.append(die_after_sending)
    with pytest.raises(SystemExit):
        delivery.send_due(now)
    assert state_of(mail).state == State.SENDING
    assert len(mailoutbox) == 1

    assert delivery.send_due(now + timedelta(minutes=1)) == 0
    assert state_of(mail).state == State.SENDING
    assert delivery.send_due(now + delivery.SENDING_GRACE + timedelta(seconds=1)) == 0
    mail = state_of(mail)
    assert mail.state == State.UNKNOWN and "not sent again" in mail.last_error
    assert delivery.send_due(now + timedelta(days=1)) == 0
    assert len(mailoutbox) == 1


def test_two_workers_claim_disjoint_mails(org, scripted, mailoutbox):
    """A second worker runs while the first is in the middle of its batch (inside its
    first send): each mail is claimed by one of them and sent once."""
    mails = queue(org, org.engineer, org.engineer2, org.seller, org.sales_manager)
    now = timezone.now()
    second: list[int] = []
    scripted.append(lambda: second.append(delivery.send_due(now)))
    first = delivery.send_due(now)
    assert first + second[0] == 4
    assert first >= 1 and second[0] >= 1
    assert {state_of(m).state for m in mails} == {State.SENT}
    recipients = [address for m in mailoutbox for address in m.to]
    assert sorted(recipients) == sorted(
        p.work_email for p in (org.engineer, org.engineer2, org.seller, org.sales_manager)
    )


def test_a_claim_succeeds_once(org):
    [mail] = queue(org, org.engineer)
    now = timezone.now()
    assert delivery.claim(mail.pk, now) is True
    assert delivery.claim(mail.pk, now) is False
    mail = state_of(mail)
    assert (mail.state, mail.attempts) == (State.SENDING, 1)


def test_when_the_server_is_down_the_rest_of_the_batch_waits_without_losing_attempts(org, scripted):
    tried, waiting = queue(org, org.engineer, org.engineer2)
    scripted.append(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    now = timezone.now()
    assert delivery.send_due(now) == 0
    tried, waiting = state_of(tried), state_of(waiting)
    assert (tried.state, tried.attempts) == (State.QUEUED, 1)
    assert (waiting.state, waiting.attempts) == (State.QUEUED, 0)
    assert "Connection unexpectedly closed" in waiting.last_error
    assert waiting.next_attempt_at > now
    assert delivery.send_due(now + timedelta(minutes=5)) == 2
