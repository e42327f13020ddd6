"""A reminder to each colleague who has not answered a request for feedback whose
"answer by" date is within ``DAYS_BEFORE`` days (today included): one set-based statement
for the whole organisation (``sweeps.notify_selected``). Its key names the ask and the
date, so a second run tells nobody again; an answered or declined ask is not reminded.
The requester is the actor (named by the reader's rule); the target is the ask, which
only the colleague asked may read."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from cadence.notifications import kinds, schedule, sweeps
from cadence.notifications.models import Channel

ASK_DUE = "feedback.ask_due"
ASK_TARGET = "feedback.feedbackask"
DAYS_BEFORE = 2


def ask_reminders(now: datetime.datetime) -> int:
    """Remind the colleagues asked of requests due soon; returns how many were new."""
    today = timezone.localdate(now)
    candidates = """
        SELECT a.recipient_id AS recipient_id, r.requester_id AS actor_id,
               a.id AS target_id,
               'feedback-ask-due:' || CAST(a.id AS TEXT) || ':' || CAST(r.due_on AS TEXT)
                 AS dedup_key
        FROM feedback_feedbackask a
        JOIN feedback_feedbackrequest r ON r.id = a.request_id
        WHERE a.state = 'pending' AND r.due_on >= %s AND r.due_on <= %s
    """
    return sweeps.notify_selected(
        ASK_DUE,
        candidates,
        [today, today + datetime.timedelta(days=DAYS_BEFORE)],
        now=now,
        target_type=ASK_TARGET,
        asleep=sweeps.asleep_time_zones(now),
    )


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
    schedule.register_sweep(
        schedule.Sweep(
            name="feedback-ask-reminders",
            run=ask_reminders,
            cron="40 * * * *",
            description="Remind colleagues of requests for feedback due within two days.",
        )
    )
