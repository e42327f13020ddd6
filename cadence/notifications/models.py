"""What Cadence tells people, and the mail it owes them.

A notification stores *what happened* — a kind, who acted, what it is about (a target
type and id) and a few parameters — never a finished sentence. The sentence is written
when it is read (``rendering.py``), with the reader's current rights: a goal that turned
private, a person who left or a plan the reader lost access to are never named from an
old copy. See docs/notifications.md.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a person wants one kind of notification. Every channel but OFF keeps the
    notification in Cadence (the bell); EMAIL and DIGEST also send it by mail."""

    IN_APP = "in_app", _("In Cadence only")
    EMAIL = "email", _("Email straight away")
    DIGEST = "digest", _("Daily digest email")
    OFF = "off", _("Off")


class Notification(models.Model):
    recipient = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    actor = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The object it is about, as ``<app_label>.<model>`` and id: a generic reference, so
    # later areas (reviews, 1:1s, certificates) add kinds without a migration here. The
    # object may be gone or out of the reader's sight; rendering says so without naming it.
    target_type = models.CharField(max_length=60, blank=True, default="")
    target_id = models.BigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    # Set by events that must not notify twice (sweeps, collapsed check-ins): unique per
    # recipient, so a sweep run twice or by two workers at once adds nothing.
    dedup_key = models.CharField(max_length=200, blank=True, default="")
    # The channel chosen when it was created (the preference may change later).
    delivery = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IN_APP)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # The digest mail that carried it (DIGEST delivery), None until the digest is made.
    digest = models.ForeignKey(
        "notifications.OutboundMail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digest_items",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"],
                condition=~Q(dedup_key=""),
                name="notification_dedup_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(delivery="digest", digest__isnull=True),
                name="notification_digest_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A person's choice for one kind; a kind without a row uses the kind's default."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}: {self.channel}"


class OutboundMail(models.Model):
    """The outbox: a mail owed to a person, written in the same transaction as the event
    and sent by the worker. Its text is rendered when it is sent, with the recipient's
    rights at that moment.

    Delivery is at most once: a mail is marked SENDING (committed) before the SMTP
    conversation and SENT after it; one found still SENDING after a crash is not sent
    again but shown to HR on the delivery page (docs/notifications.md says why)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")  # refused for good (bounced address) or retries spent
        UNKNOWN = "unknown", _("Outcome unknown")  # interrupted while sending
        DROPPED = "dropped", _("Not sent")  # nothing left to say, or the recipient left

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", _("Notification")
        DIGEST = "digest", _("Daily digest")

    recipient = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="outbound_mails"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The notification an immediate mail carries (NOTIFICATION kind).
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="mail"
    )
    # "notification:<id>", "digest:<person>:<local date>": one mail per reason, ever.
    dedup_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=1000, blank=True, default="")
    to_address = models.CharField(max_length=254, blank=True, default="")
    subject = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="queued"),
                name="outbound_mail_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dedup_key} ({self.state})"
