"""Continuous feedback, praise and requests for feedback.

**Feedback** goes from a giver to a receiver, either *private* (the receiver and their
manager chain read it) or *public* praise (the organisation's praise wall). It may be
tagged with company values (**CompanyValue**, a list HR keeps) and competencies, and
linked to a goal; it is the evidence a review form shows beside its questions.

A **FeedbackRequest** asks chosen colleagues (one **FeedbackAsk** each) for feedback
about someone — oneself, or a report when a manager asks — on a goal, a project or a
skill; each colleague answers (their answer is a Feedback) or declines with a reason.

Anyone may report abusive feedback to HR (**AbuseReport**); HR may hide it with a
recorded reason (``hidden_*``). Hidden feedback is kept, never deleted: the record of
what was said and why it was hidden is itself evidence. **Reaction**s are the wall's
applause.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.core import limits
from cadence.people.models import Person


class CompanyValue(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FeedbackRequest(models.Model):
    class Topic(models.TextChoices):
        GOAL = "goal", _("A goal")
        PROJECT = "project", _("A project")
        SKILL = "skill", _("A skill")

    requester = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # Who the feedback is about: the requester, or one of their reports.
    subject = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="feedback_requests_about"
    )
    topic = models.CharField(_("about"), max_length=10, choices=Topic.choices)
    # The project's or skill's name; a goal or competency when the topic is one.
    topic_text = models.CharField(_("project or skill"), max_length=200, blank=True)
    goal = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    competency = models.ForeignKey(
        "planning.Competency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("message"), blank=True, max_length=limits.COMMENT)
    due_on = models.DateField(_("answer by"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["subject", "-created_at"], name="feedback_request_idx")]


class FeedbackAsk(models.Model):
    """One colleague asked by a request, and what they did about it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="asks")
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="feedback_asks")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decline_reason = models.CharField(_("why you decline"), max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "recipient"], name="ask_once_per_request"),
        ]
        indexes = [models.Index(fields=["recipient", "state"], name="feedback_ask_inbox_idx")]


class Feedback(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private (the person and their managers)")
        PUBLIC = "public", _("Public praise")

    giver = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="feedback_given")
    receiver = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="feedback_received")
    text = models.TextField(_("feedback"), max_length=limits.LONG_TEXT)
    visibility = models.CharField(
        _("who may read it"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    values = models.ManyToManyField(CompanyValue, blank=True, related_name="+")
    competencies = models.ManyToManyField("planning.Competency", blank=True, related_name="+")
    goal = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The ask this feedback answers, if any.
    ask = models.OneToOneField(
        FeedbackAsk, null=True, blank=True, on_delete=models.SET_NULL, related_name="answer"
    )
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(giver=F("receiver")), name="feedback_not_to_self"),
        ]
        indexes = [
            models.Index(fields=["receiver", "-created_at"], name="feedback_received_idx"),
            models.Index(fields=["giver", "-created_at"], name="feedback_given_idx"),
            models.Index(fields=["visibility", "-created_at"], name="praise_wall_idx"),
        ]


class Reaction(models.Model):
    class Kind(models.TextChoices):
        APPLAUSE = "applause", _("Applause")
        HEART = "heart", _("Love it")
        CELEBRATE = "celebrate", _("Celebrate")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "person", "kind"], name="reaction_once_per_kind"
            ),
        ]


class AbuseReport(models.Model):
    class Outcome(models.TextChoices):
        OPEN = "open", _("To review")
        HIDDEN = "hidden", _("Hidden")
        KEPT = "kept", _("Kept")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("what is wrong"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "reporter"], name="report_once"),
        ]
        indexes = [models.Index(fields=["outcome", "created_at"], name="abuse_queue_idx")]
