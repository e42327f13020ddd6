"""The worker against a real SMTP server (aiosmtpd on a free local port), through
Django's SMTP backend: what arrives, what bounces, and that a server going away in the
middle of a run loses nothing and sends nothing twice."""

import email
import email.policy
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.test import override_settings
from django.utils import timezone

from cadence.notifications import delivery, kinds, services
from cadence.notifications.models import Channel, OutboundMail
from cadence.people.models import Person

SMTP_MAILED = kinds.register_kind(
    kinds.Kind(
        key="test.smtp_mailed",
        group="Tests",
        label="Something sent through SMTP",
        sentence="{actor} sent something through SMTP.",
        default=Channel.EMAIL,
    )
)
BOUNCING = "nobody@bounce.example.com"

pytestmark = pytest.mark.django_db
State = OutboundMail.State


@dataclass
class Recorder:
    """The SMTP server's side: every message it accepted, parsed."""

    received: list[EmailMessage] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == BOUNCING:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    recorder: Recorder
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Called after each message the backend below has handed to the server (a test's hook
# to act "between two mails" of one run).
AFTER_SEND: list[Callable[[], None]] = []


class HookedSmtpBackend(SmtpBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        sent = super().send_messages(email_messages)
        for hook in AFTER_SEND:
            hook()
        return sent


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(port=free_port(), recorder=Recorder())
    server.start()
    options = {"host": "127.0.0.1", "port": server.port, "use_tls": False, "timeout": 5}
    mailers = {"default": {"BACKEND": f"{__name__}.HookedSmtpBackend", "OPTIONS": options}}
    AFTER_SEND.clear()
    with override_settings(MAILERS=mailers):
        yield server
    AFTER_SEND.clear()
    server.stop()


def queue(org, *recipients: Person) -> list[OutboundMail]:
    created = services.notify(SMTP_MAILED.key, list(recipients), actor=org.eng_manager)
    return list(OutboundMail.objects.filter(notification__in=created).order_by("id"))


def parts(message: EmailMessage) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_the_worker_sends_through_smtp_with_both_parts_and_the_headers(org, smtp_server):
    [mail] = queue(org, org.engineer)
    assert delivery.send_due(timezone.now()) == 1
    [received] = smtp_server.recorder.received
    sentence = f"{org.eng_manager.full_name} sent something through SMTP."
    assert received["To"] == org.engineer.work_email
    assert received["Subject"] == sentence
    assert received["From"] == "Cadence <cadence@localhost>"
    assert received["List-Unsubscribe"] == "<http://127.0.0.1:8000/notifications/preferences/>"
    assert received["Message-ID"] == f"<cadence.mail.{mail.pk}@127.0.0.1>"
    assert received.get_content_type() == "multipart/alternative"
    body = parts(received)
    assert set(body) == {"text/plain", "text/html"}
    link = f"http://127.0.0.1:8000/notifications/{mail.notification_id}/open"
    for content in body.values():
        assert sentence in content and link in content
        assert "http://127.0.0.1:8000/notifications/preferences/" in content
    mail.refresh_from_db()
    assert mail.state == State.SENT and mail.attempts == 1


def test_an_address_the_server_refuses_fails_for_good_and_the_others_go_out(org, smtp_server):
    Person.objects.filter(pk=org.engineer.pk).update(work_email=BOUNCING)
    bounced, fine = queue(org, org.engineer, org.engineer2)
    now = timezone.now()
    assert delivery.send_due(now) == 1
    bounced.refresh_from_db()
    assert bounced.state == State.FAILED
    assert "550 5.1.1 No such user here" in bounced.last_error
    assert [m["To"] for m in smtp_server.recorder.received] == [org.engineer2.work_email]
    assert delivery.send_due(now + timedelta(days=1)) == 0  # never retried
    assert len(smtp_server.recorder.received) == 1


def test_a_server_that_goes_away_mid_run_loses_nothing_and_sends_nothing_twice(org, smtp_server):
    people = [org.engineer, org.engineer2, org.seller, org.sales_manager, org.hr]
    mails = queue(org, *people)
    # The server goes down once it has accepted the second mail.
    AFTER_SEND.append(
        lambda: smtp_server.stop() if len(smtp_server.recorder.received) == 2 else None
    )
    now = timezone.now()
    assert delivery.send_due(now) == 2
    states = {m.pk: m for m in OutboundMail.objects.filter(pk__in=[m.pk for m in mails])}
    assert [states[m.pk].state for m in mails] == [State.SENT] * 2 + [State.QUEUED] * 3
    for waiting in [states[m.pk] for m in mails[2:]]:
        assert waiting.last_error  # why it is still waiting, for the delivery page
        assert waiting.next_attempt_at > now

    # Still down ten minutes later: nothing is lost, nothing given up.
    assert delivery.send_due(now + timedelta(minutes=10)) == 0
    assert OutboundMail.objects.filter(state=State.QUEUED).count() == 3

    smtp_server.start()  # the server is back
    assert delivery.send_due(now + timedelta(hours=1)) == 3
    assert delivery.send_due(now + timedelta(hours=2)) == 0
    received = smtp_server.recorder.received
    ids = [m["Message-ID"] for m in received]
    assert len(ids) == len(set(ids)) == 5
    assert sorted(m["X-Cadence-Mail"] for m in received) == sorted(m.dedup_key for m in mails)
    assert sorted(m["To"] for m in received) == sorted(p.work_email for p in people)
    assert set(OutboundMail.objects.values_list("state", flat=True)) == {State.SENT}
