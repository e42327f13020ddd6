"""Reminders to each colleague who has not answered a request for feedback: once its
"answer by" date is within ``DAYS_BEFORE`` days (today included), and once more, "overdue",
when the date has passed. Each is one set-based statement for the whole organisation
(``sweeps.notify_selected``) whose key names the ask (and the date), so a second run tells
nobody again; an answered or declined ask is not reminded, and people who left are told
nothing (``notify_selected``'s rule). The requester is the actor (named by the reader's
rule); the target is the ask, which only the colleague asked may read."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from cadence.notifications import kinds, schedule, sweeps
from cadence.notifications.models import Channel

ASK_DUE = "feedback.ask_due"
ASK_OVERDUE = "feedback.ask_overdue"
ASK_TARGET = "feedback.feedbackask"
DAYS_BEFORE = 2
# How far back the overdue reminder looks. The hourly sweep reaches everyone within a
# day (each time zone has its waking hours), so a week is ample; looking no further
# keeps the candidates to recent requests, and the first run after this reminder was
# added does not tell people about requests that passed their date months ago.
OVERDUE_WINDOW_DAYS = 7


def _remind_pending(
    kind: str, key: str, now: datetime.datetime, due_from: datetime.date, due_before: datetime.date
) -> int:
    """Tell each colleague with a pending ask whose request is due in [due_from,
    due_before), once per ask and date (``key`` starts the dedup key)."""
    candidates = f"""
        SELECT a.recipient_id AS recipient_id, r.requester_id AS actor_id,
               a.id AS target_id,
               '{key}:' || CAST(a.id AS TEXT) || ':' || CAST(r.due_on AS TEXT) AS dedup_key
        FROM feedback_feedbackask a
        JOIN feedback_feedbackrequest r ON r.id = a.request_id
        WHERE a.state = 'pending' AND r.due_on >= %s AND r.due_on < %s
    """  # noqa: S608 - key is one of this module's constants
    return sweeps.notify_selected(
        kind,
        candidates,
        [due_from, due_before],
        now=now,
        target_type=ASK_TARGET,
        asleep=sweeps.asleep_time_zones(now),
    )


def ask_reminders(now: datetime.datetime) -> int:
    """Remind the colleagues asked of requests due soon; returns how many were new."""
    today = timezone.localdate(now)
    return _remind_pending(
        ASK_DUE, "feedback-ask-due", now, today, today + datetime.timedelta(days=DAYS_BEFORE + 1)
    )


def overdue_reminders(now: datetime.datetime) -> int:
    """Remind, once, the colleagues asked who let a request pass its "answer by" date
    without answering or declining; returns how many were new."""
    today = timezone.localdate(now)
    window = datetime.timedelta(days=OVERDUE_WINDOW_DAYS)
    return _remind_pending(ASK_OVERDUE, "feedback-ask-overdue", now, today - window, today)


def reminders(now: datetime.datetime) -> int:
    """The sweep: both reminders, in one run."""
    return ask_reminders(now) + overdue_reminders(now)


def register() -> None:
    kinds.register_kind(
        kinds.Kind(
            key=ASK_DUE,
            group=str(gettext_lazy("Feedback")),
            label=str(gettext_lazy("A request for my feedback is due soon")),
            sentence=str(gettext_lazy("Reminder: {actor} is waiting for {target}.")),
            default=Channel.EMAIL,
        )
    )
    kinds.register_kind(
        kinds.Kind(
            key=ASK_OVERDUE,
            group=str(gettext_lazy("Feedback")),
            label=str(gettext_lazy("A request for my feedback is past its date")),
            sentence=str(
                gettext_lazy("Overdue: {actor} is still waiting for {target}. Answer or decline.")
            ),
            default=Channel.EMAIL,
        )
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="feedback-ask-reminders",
            run=reminders,
            cron="40 * * * *",
            description=(
                "Remind colleagues of requests for feedback due within two days, and once "
                "more when the date has passed."
            ),
        )
    )
