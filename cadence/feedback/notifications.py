"""What the feedback area tells people, and how its objects read in a notification.

Four target types, each loaded for one reader through ``access``: a feedback (read by
the feedback rule — a hidden one, or a private one the reader may not read, shows the
neutral words), an ask (only the colleague asked), a request (requester, subject and
those asked) and an abuse report (HR admins). No notification carries the feedback's
text or a decline's reason in its params: the sentence is written per reader, and what
was said is read on the page, under its own rule.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.feedback import access
from cadence.feedback.models import AbuseReport, Feedback, FeedbackAsk, FeedbackRequest
from cadence.notifications import kinds
from cadence.notifications.models import Channel
from cadence.notifications.services import notify
from cadence.people.access import is_hr_admin
from cadence.people.display import name_shown
from cadence.people.models import Person

RECEIVED = "feedback.received"
ASKED = "feedback.asked"
ANSWERED = "feedback.answered"
DECLINED = "feedback.declined"
REPORTED = "feedback.reported"


# --- labels ---------------------------------------------------------------------------------


def topic_label(request: FeedbackRequest) -> str:
    """ "the goal Grow revenue", "the project Atlas", "the skill Coaching"."""
    if request.topic == FeedbackRequest.Topic.GOAL:
        return _("a goal")
    name = request.topic_text or (request.competency.name if request.competency else "")
    if request.topic == FeedbackRequest.Topic.PROJECT:
        return _("the project %(name)s") % {"name": name}
    return _("the skill %(name)s") % {"name": name}


def request_label(reader: Actor, request: FeedbackRequest) -> str:
    me = access.acting_person(reader)
    topic = topic_label(request)
    if me is not None and request.subject_id == me.pk:
        return _("feedback about you on %(topic)s") % {"topic": topic}
    if request.subject_id == request.requester_id:
        # Asking about oneself: the sentence names the requester already.
        return _("feedback on %(topic)s") % {"topic": topic}
    return _("feedback about %(name)s on %(topic)s") % {
        "name": name_shown(reader, request.subject),
        "topic": topic,
    }


def _load_feedback(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    # The giver is the notification's actor, named by the sentence already.
    rows = access.feedback_visible_to(reader).filter(pk__in=ids).values_list("pk", "visibility")
    return {
        pk: kinds.Target(
            _("praise") if visibility == Feedback.Visibility.PUBLIC else _("feedback"),
            reverse("feedback:detail", args=[pk]),
        )
        for pk, visibility in rows
    }


def _load_asks(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    me = access.acting_person(reader)
    if me is None:
        return {}
    rows = FeedbackAsk.objects.filter(pk__in=ids, recipient=me).select_related(
        "request__subject", "request__competency"
    )
    return {
        a.pk: kinds.Target(request_label(reader, a.request), reverse("feedback:ask", args=[a.pk]))
        for a in rows
    }


def _load_requests(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    rows = (
        access.requests_visible_to(reader)
        .filter(pk__in=ids)
        .select_related("subject", "competency")
    )
    return {
        r.pk: kinds.Target(request_label(reader, r), reverse("feedback:request", args=[r.pk]))
        for r in rows
    }


def _load_reports(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    if not is_hr_admin(reader):
        return {}
    rows = AbuseReport.objects.filter(pk__in=ids).values_list("pk", "feedback_id")
    return {
        pk: kinds.Target(_("a reported feedback"), reverse("feedback:moderate", args=[fid]))
        for pk, fid in rows
    }


# --- events (called inside the services' transactions) -------------------------------------


def feedback_received(feedback: Feedback) -> None:
    notify(RECEIVED, [feedback.receiver], actor=feedback.giver, target=feedback)


def request_received(ask: FeedbackAsk, requester: Person) -> None:
    notify(ASKED, [ask.recipient], actor=requester, target=ask)


def request_answered(ask: FeedbackAsk, feedback: Feedback) -> None:
    request = ask.request
    # The subject reads the answer as its receiver; the requester (a manager asking
    # about a report) reads it through the manager chain.
    notify(ANSWERED, [request.requester], actor=ask.recipient, target=feedback)


def request_declined(ask: FeedbackAsk) -> None:
    notify(DECLINED, [ask.request.requester], actor=ask.recipient, target=ask.request)


def abuse_reported(report: AbuseReport) -> None:
    hr = Person.objects.filter(
        status=Person.Status.ACTIVE, user__in=User.objects.filter(is_hr_admin=True)
    ).exclude(pk=report.reporter_id)
    # No actor: the reporter is named in HR's queue, not in a mail.
    notify(REPORTED, list(hr), target=report, dedup_key=f"feedback-report:{report.pk}")


def register() -> None:
    for key, load, hidden in (
        ("feedback.feedback", _load_feedback, gettext_lazy("feedback")),
        ("feedback.feedbackask", _load_asks, gettext_lazy("a request for feedback")),
        ("feedback.feedbackrequest", _load_requests, gettext_lazy("a request for feedback")),
        ("feedback.abusereport", _load_reports, gettext_lazy("a report")),
    ):
        kinds.register_target(kinds.TargetType(key=key, load=load, hidden=str(hidden)))
    group = str(gettext_lazy("Feedback"))
    kinds.register_kinds(
        [
            kinds.Kind(
                key=RECEIVED,
                group=group,
                label=str(gettext_lazy("Someone gives me feedback or praise")),
                sentence=str(gettext_lazy("{actor} gave you {target}.")),
            ),
            kinds.Kind(
                key=ASKED,
                group=group,
                label=str(gettext_lazy("Someone asks me for feedback")),
                sentence=str(gettext_lazy("{actor} asks you for {target}.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=ANSWERED,
                group=group,
                label=str(gettext_lazy("A colleague answers my request for feedback")),
                sentence=str(gettext_lazy("{actor} answered your request with {target}.")),
            ),
            kinds.Kind(
                key=DECLINED,
                group=group,
                label=str(gettext_lazy("A colleague declines my request for feedback")),
                sentence=str(gettext_lazy("{actor} declined your request for {target}.")),
            ),
            kinds.Kind(
                key=REPORTED,
                group=group,
                label=str(gettext_lazy("Feedback is reported to HR")),
                sentence=str(gettext_lazy("{target} waits for your review.")),
                audience=is_hr_admin,
            ),
        ]
    )
