"""Every write to feedback, requests, reactions, abuse reports and company values
(docs/feedback.md). Access is checked by the caller through ``cadence.feedback.access``;
the people, goals and competencies handed in are already the ones the actor may name.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core import limits
from cadence.core.audit import audit
from cadence.feedback import notifications
from cadence.feedback.models import (
    AbuseReport,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    Reaction,
)
from cadence.goals.models import Goal
from cadence.people.models import Person
from cadence.planning.models import Competency

MAX_ASKED = 20


def _clean_text(text: str, *, field: str, label: str, max_length: int, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: _("%(label)s: write something.") % {"label": label}})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("%(label)s: at most %(n)d characters.") % {"label": label, "n": max_length}}
        )
    return text


# --- feedback -----------------------------------------------------------------------------


@transaction.atomic
def feedback_give(
    *,
    giver: Person,
    receiver: Person,
    text: str,
    visibility: str = Feedback.Visibility.PRIVATE,
    values: Iterable[CompanyValue] = (),
    competencies: Iterable[Competency] = (),
    goal: Goal | None = None,
    ask: FeedbackAsk | None = None,
    created_at: datetime.datetime | None = None,
) -> Feedback:
    """Give feedback (or answer an ask with it). The receiver is told."""
    if receiver.status != Person.Status.ACTIVE:
        raise ValidationError(
            {"receiver": _("Colleague: %(name)s has left.") % {"name": receiver.full_name}}
        )
    if receiver.pk == giver.pk:
        raise ValidationError({"receiver": _("Colleague: you cannot give feedback to yourself.")})
    if visibility not in Feedback.Visibility.values:
        raise ValidationError({"visibility": _("Who may read it: choose private or public.")})
    values = list(values)
    inactive = [v.name for v in values if not v.active]
    if inactive:
        raise ValidationError(
            {"values": _("Values: %(names)s is no longer in use.") % {"names": ", ".join(inactive)}}
        )
    feedback = Feedback.objects.create(
        giver=giver,
        receiver=receiver,
        text=_clean_text(
            text, field="text", label=_("Feedback"), max_length=limits.LONG_TEXT, required=True
        ),
        visibility=visibility,
        goal=goal,
        ask=ask,
        created_at=created_at or timezone.now(),
    )
    if values:
        feedback.values.set(values)
    competencies = list(competencies)
    if competencies:
        feedback.competencies.set(competencies)
    if ask is None:
        notifications.feedback_received(feedback)
    return feedback


# --- requests -----------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    requester: Person,
    subject: Person,
    recipients: list[Person],
    topic: str,
    topic_text: str = "",
    goal: Goal | None = None,
    competency: Competency | None = None,
    message: str = "",
    due_on: datetime.date | None = None,
    created_at: datetime.datetime | None = None,
) -> FeedbackRequest:
    """Ask colleagues for feedback about ``subject``; each one asked is told."""
    if not recipients:
        raise ValidationError({"recipients": _("Colleagues: choose at least one colleague.")})
    if len(recipients) > MAX_ASKED:
        raise ValidationError(
            {"recipients": _("Colleagues: ask at most %(n)d people at once.") % {"n": MAX_ASKED}}
        )
    for person in recipients:
        if person.status != Person.Status.ACTIVE:
            raise ValidationError(
                {"recipients": _("Colleagues: %(name)s has left.") % {"name": person.full_name}}
            )
        if person.pk == requester.pk:
            raise ValidationError({"recipients": _("Colleagues: you cannot ask yourself.")})
        if person.pk == subject.pk:
            raise ValidationError(
                {
                    "recipients": _("Colleagues: %(name)s cannot be asked about themself.")
                    % {"name": subject.full_name}
                }
            )
    if topic not in FeedbackRequest.Topic.values:
        raise ValidationError({"topic": _("About: choose a goal, a project or a skill.")})
    topic_text = _clean_text(
        topic_text,
        field="topic_text",
        label=_("Project or skill"),
        max_length=200,
        required=False,
    )
    if topic == FeedbackRequest.Topic.GOAL and goal is None:
        raise ValidationError({"goal": _("Goal: choose the goal the feedback is about.")})
    if topic != FeedbackRequest.Topic.GOAL and not topic_text and competency is None:
        raise ValidationError({"topic_text": _("Project or skill: name the project or the skill.")})
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        raise ValidationError({"due_on": _("Answer by: choose today or a later date.")})
    request = FeedbackRequest.objects.create(
        requester=requester,
        subject=subject,
        topic=topic,
        topic_text=topic_text,
        goal=goal if topic == FeedbackRequest.Topic.GOAL else None,
        competency=competency if topic == FeedbackRequest.Topic.SKILL else None,
        message=_clean_text(
            message,
            field="message",
            label=_("Message"),
            max_length=limits.COMMENT,
            required=False,
        ),
        due_on=due_on,
        created_at=created_at or timezone.now(),
    )
    asks = FeedbackAsk.objects.bulk_create(
        [FeedbackAsk(request=request, recipient=p) for p in recipients]
    )
    for ask in asks:
        notifications.request_received(ask, requester)
    return request


@transaction.atomic
def ask_answer(
    *,
    ask: FeedbackAsk,
    text: str,
    visibility: str = Feedback.Visibility.PRIVATE,
    values: Iterable[CompanyValue] = (),
    competencies: Iterable[Competency] = (),
    created_at: datetime.datetime | None = None,
) -> Feedback:
    """The asked colleague answers: their feedback to the subject, linked to the ask."""
    if ask.state != FeedbackAsk.State.PENDING:
        raise ValidationError({"ask": _("This request has already been answered or declined.")})
    request = ask.request
    competencies = list(competencies)
    if request.competency is not None and request.competency not in competencies:
        competencies.append(request.competency)
    feedback = feedback_give(
        giver=ask.recipient,
        receiver=request.subject,
        text=text,
        visibility=visibility,
        values=values,
        competencies=competencies,
        goal=request.goal,
        ask=ask,
        created_at=created_at,
    )
    ask.state = FeedbackAsk.State.ANSWERED
    ask.answered_at = feedback.created_at
    ask.save(update_fields=["state", "answered_at"])
    notifications.request_answered(ask, feedback)
    return feedback


@transaction.atomic
def ask_decline(*, ask: FeedbackAsk, reason: str) -> FeedbackAsk:
    if ask.state != FeedbackAsk.State.PENDING:
        raise ValidationError({"ask": _("This request has already been answered or declined.")})
    ask.decline_reason = _clean_text(
        reason, field="decline_reason", label=_("Why you decline"), max_length=500, required=True
    )
    ask.state = FeedbackAsk.State.DECLINED
    ask.answered_at = timezone.now()
    ask.save(update_fields=["state", "decline_reason", "answered_at"])
    notifications.request_declined(ask)
    return ask


# --- reactions ----------------------------------------------------------------------------


@transaction.atomic
def reaction_toggle(*, feedback: Feedback, person: Person, kind: str) -> bool:
    """Add the reaction, or take it back if it is there; True when it is now there."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": _("Reaction: choose applause, love it or celebrate.")})
    deleted, _rows = Reaction.objects.filter(feedback=feedback, person=person, kind=kind).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(feedback=feedback, person=person, kind=kind)
    except IntegrityError:  # a double click raced us: it is there
        pass
    return True


# --- abuse --------------------------------------------------------------------------------


@transaction.atomic
def abuse_report(*, feedback: Feedback, reporter: Person, reason: str) -> AbuseReport:
    reason = _clean_text(
        reason, field="reason", label=_("What is wrong"), max_length=500, required=True
    )
    existing = AbuseReport.objects.filter(feedback=feedback, reporter=reporter).first()
    if existing is not None:
        raise ValidationError({"reason": _("You have already reported this feedback.")})
    report = AbuseReport.objects.create(feedback=feedback, reporter=reporter, reason=reason)
    audit(
        actor=reporter.user if reporter.user_id else None,
        action="feedback.report",
        target=feedback,
        summary=f"Reported feedback #{feedback.pk} to HR",
    )
    notifications.abuse_reported(report)
    return report


@transaction.atomic
def feedback_hide(*, actor: Actor, feedback: Feedback, reason: str) -> Feedback:
    """HR hides reported feedback with a reason; its open reports are resolved."""
    reason = _clean_text(
        reason, field="hidden_reason", label=_("Reason"), max_length=500, required=True
    )
    if feedback.hidden_at is not None:
        raise ValidationError({"hidden_reason": _("This feedback is already hidden.")})
    now = timezone.now()
    feedback.hidden_at = now
    feedback.hidden_by = actor  # type: ignore[assignment]
    feedback.hidden_reason = reason
    feedback.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    AbuseReport.objects.filter(feedback=feedback, outcome=AbuseReport.Outcome.OPEN).update(
        outcome=AbuseReport.Outcome.HIDDEN, resolved_at=now, resolved_by=actor
    )
    audit(
        actor=actor,
        action="feedback.hide",
        target=feedback,
        summary=f"Hid feedback #{feedback.pk}: {reason}",
    )
    return feedback


@transaction.atomic
def feedback_keep(*, actor: Actor, feedback: Feedback) -> int:
    """HR reviewed the reports and keeps the feedback visible; returns reports closed."""
    closed = AbuseReport.objects.filter(feedback=feedback, outcome=AbuseReport.Outcome.OPEN).update(
        outcome=AbuseReport.Outcome.KEPT, resolved_at=timezone.now(), resolved_by=actor
    )
    audit(
        actor=actor,
        action="feedback.keep",
        target=feedback,
        summary=f"Kept reported feedback #{feedback.pk} visible",
    )
    return closed


# --- company values -------------------------------------------------------------------------


def _clean_value_name(name: str, exclude: int | None = None) -> str:
    name = _clean_text(name, field="name", label=_("Name"), max_length=100, required=True)
    clash = CompanyValue.objects.filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": _("Name: a value called %(name)s exists.") % {"name": name}})
    return name


@transaction.atomic
def value_create(*, actor: Actor | None, name: str, description: str = "") -> CompanyValue:
    name = _clean_value_name(name)
    last = CompanyValue.objects.order_by("-order").values_list("order", flat=True).first()
    value = CompanyValue.objects.create(
        name=name,
        description=_clean_text(
            description,
            field="description",
            label=_("Description"),
            max_length=500,
            required=False,
        ),
        order=(last or 0) + 1,
    )
    audit(
        actor=actor,
        action="feedback.value_create",
        target=value,
        summary=f"Added company value {name}",
    )
    return value


@transaction.atomic
def value_update(
    *,
    actor: Actor | None,
    value: CompanyValue,
    name: str | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> CompanyValue:
    before = value.name
    if name is not None:
        value.name = _clean_value_name(name, exclude=value.pk)
    if description is not None:
        value.description = _clean_text(
            description,
            field="description",
            label=_("Description"),
            max_length=500,
            required=False,
        )
    if active is not None:
        value.active = active
    value.save()
    state = "active" if value.active else "inactive"
    audit(
        actor=actor,
        action="feedback.value_update",
        target=value,
        summary=f"Changed company value {before} → {value.name} ({state})",
    )
    return value
