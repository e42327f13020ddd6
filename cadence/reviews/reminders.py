"""Review reminders: before the writing deadline, once it has passed, and an escalation
to the writer's manager.

Each cycle in its writing phase has its own rule (``reminder_days_before``,
``escalate_after_days``, its deadline), so the sweep reads the few cycles in writing and
runs one set-based statement per cycle (``sweeps.notify_selected``): the cost follows
the number of cycles, not of assignments. Every key names the assignment and the
deadline it was reminded of: a second run tells nobody again, and a deadline HR moves
starts a new round.

The escalation tells the writer's manager that their report owes a review. Its target
is the assignment, which only its writer may read, so the manager's sentence reads "a
review" and never names the reviewee — for a peer or upward review that would say who
writes about whom. An upward writer's manager is the reviewee: they are not told (it
would say which of their reports has not written yet, and so who has).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from cadence.notifications import kinds, schedule, sweeps
from cadence.notifications.models import Channel
from cadence.reviews.models import ReviewCycle
from cadence.reviews.notifications import ASSIGNMENT_TARGET, OPEN_STATES, REVIEW_TARGET, day

DUE_SOON = "review.due_soon"
NOMINATE_DUE = "review.nominate_due"
APPROVE_DUE = "review.approve_due"
OVERDUE = "review.overdue"
ESCALATED = "review.overdue_escalated"


def _writing_cycles() -> list[ReviewCycle]:
    return list(ReviewCycle.objects.filter(phase=ReviewCycle.Phase.WRITING).order_by("pk"))


def _open_assignments(joins: str = "") -> str:
    return f"""
        FROM reviews_assignment a
        JOIN reviews_review r ON r.id = a.review_id
        {joins}
        WHERE a.cycle_id = %s AND a.state IN (%s, %s) AND r.state = 'open'
    """  # noqa: S608 - constant SQL


def _remind(
    kind: str, cycle: ReviewCycle, prefix: str, now: datetime.datetime, params: dict
) -> int:
    deadline = cycle.writing_deadline.isoformat()
    candidates = f"""
        SELECT a.writer_id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
               a.id AS target_id,
               '{prefix}:' || CAST(a.id AS TEXT) || ':{deadline}' AS dedup_key
        {_open_assignments()}
    """  # noqa: S608 - constant SQL (the prefix is ours, the date ISO)
    return sweeps.notify_selected(
        kind,
        candidates,
        [cycle.pk, *OPEN_STATES],
        now=now,
        target_type=ASSIGNMENT_TARGET,
        params=params,
        asleep=sweeps.asleep_time_zones(now),
    )


def review_reminders(now: datetime.datetime) -> int:
    """Remind writers of open and draft assignments due within the cycle's
    ``reminder_days_before`` days, or overdue; returns how many reminders were new."""
    today = timezone.localdate(now)
    made = 0
    for cycle in _writing_cycles():
        left = (cycle.writing_deadline - today).days
        params = {"deadline": day(cycle.writing_deadline), "cycle": cycle.name}
        if 0 <= left <= cycle.reminder_days_before:
            made += _remind(DUE_SOON, cycle, "review-due", now, params)
        elif left < 0:
            made += _remind(OVERDUE, cycle, "review-overdue", now, params)
    return made


def review_escalations(now: datetime.datetime) -> int:
    """Tell the writer's manager of assignments still open ``escalate_after_days`` after
    the deadline; returns how many were new. The writer is the actor (named by the
    reader's rule); a writer who left owes nothing, a manager who left hears nothing."""
    today = timezone.localdate(now)
    made = 0
    for cycle in _writing_cycles():
        if (today - cycle.writing_deadline).days <= cycle.escalate_after_days:
            continue
        deadline = cycle.writing_deadline.isoformat()
        candidates = f"""
            SELECT w.manager_id AS recipient_id, w.id AS actor_id, a.id AS target_id,
                   'review-escalation:' || CAST(a.id AS TEXT) || ':{deadline}' AS dedup_key
            {_open_assignments("JOIN people_person w ON w.id = a.writer_id")}
              AND w.status = 'active' AND w.manager_id IS NOT NULL
              AND w.manager_id <> r.reviewee_id
        """  # noqa: S608 - constant SQL
        made += sweeps.notify_selected(
            ESCALATED,
            candidates,
            [cycle.pk, *OPEN_STATES],
            now=now,
            target_type=ASSIGNMENT_TARGET,
            params={"deadline": day(cycle.writing_deadline), "cycle": cycle.name},
            asleep=sweeps.asleep_time_zones(now),
        )
    return made


def nomination_reminders(now: datetime.datetime) -> int:
    """Before the peers' deadlines: remind each reviewee who has fewer than the cycle's
    ``peers_min`` peers proposed or approved (nomination deadline), and each manager with
    proposed peers still to decide (approval deadline), within ``reminder_days_before``
    days; once per review and deadline. Returns how many reminders were new."""
    today = timezone.localdate(now)
    made = 0
    cycles = ReviewCycle.objects.filter(
        phase__in=(ReviewCycle.Phase.NOMINATION, ReviewCycle.Phase.APPROVAL)
    ).order_by("pk")
    for cycle in cycles:
        nominate_by, approve_by = cycle.nomination_deadline, cycle.approval_deadline
        if (
            cycle.phase == ReviewCycle.Phase.NOMINATION
            and nominate_by is not None
            and 0 <= (nominate_by - today).days <= cycle.reminder_days_before
        ):
            candidates = f"""
                SELECT r.reviewee_id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
                       r.id AS target_id,
                       'review-nominate-due:' || CAST(r.id AS TEXT) || ':{nominate_by.isoformat()}'
                         AS dedup_key
                FROM reviews_review r
                WHERE r.cycle_id = %s AND r.state = 'open'
                  AND (SELECT COUNT(*) FROM reviews_peernomination n
                       WHERE n.review_id = r.id AND n.state IN ('proposed', 'approved')) < %s
            """  # noqa: S608 - constant SQL (the date ISO)
            made += sweeps.notify_selected(
                NOMINATE_DUE,
                candidates,
                [cycle.pk, cycle.peers_min],
                now=now,
                target_type=REVIEW_TARGET,
                params={"deadline": day(nominate_by), "min": cycle.peers_min},
                asleep=sweeps.asleep_time_zones(now),
            )
        if approve_by is not None and 0 <= (approve_by - today).days <= cycle.reminder_days_before:
            candidates = f"""
                SELECT r.manager_id AS recipient_id, CAST(NULL AS BIGINT) AS actor_id,
                       r.id AS target_id,
                       'review-approve-due:' || CAST(r.id AS TEXT) || ':{approve_by.isoformat()}'
                         AS dedup_key
                FROM reviews_review r
                WHERE r.cycle_id = %s AND r.state = 'open' AND r.manager_id IS NOT NULL
                  AND EXISTS (SELECT 1 FROM reviews_peernomination n
                              WHERE n.review_id = r.id AND n.state = 'proposed')
            """  # noqa: S608 - constant SQL (the date ISO)
            made += sweeps.notify_selected(
                APPROVE_DUE,
                candidates,
                [cycle.pk],
                now=now,
                target_type=REVIEW_TARGET,
                params={"deadline": day(approve_by)},
                asleep=sweeps.asleep_time_zones(now),
            )
    return made


def register() -> None:
    group = str(gettext_lazy("Reviews"))
    kinds.register_kinds(
        [
            kinds.Kind(
                key=DUE_SOON,
                group=group,
                label=str(gettext_lazy("A review I write is due soon")),
                sentence=str(gettext_lazy("Reminder: {target} is due {deadline}.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=OVERDUE,
                group=group,
                label=str(gettext_lazy("A review I write is overdue")),
                sentence=str(gettext_lazy("{target} was due {deadline} and is not submitted.")),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=ESCALATED,
                group=group,
                label=str(gettext_lazy("Someone in my team has a review overdue")),
                sentence=str(
                    gettext_lazy("{actor} has not submitted {target} due {deadline} in {cycle}.")
                ),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=NOMINATE_DUE,
                group=group,
                label=str(gettext_lazy("My peer nominations are due soon")),
                sentence=str(
                    gettext_lazy(
                        "Reminder: nominate at least {min} peers for {target} by {deadline}."
                    )
                ),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=APPROVE_DUE,
                group=group,
                label=str(gettext_lazy("Peers I must approve are due soon")),
                sentence=str(
                    gettext_lazy("Reminder: approve the peers proposed for {target} by {deadline}.")
                ),
                default=Channel.EMAIL,
            ),
        ]
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="review-nomination-reminders",
            run=nomination_reminders,
            cron="30 * * * *",
            description="Remind reviewees to nominate peers and managers to approve them.",
        )
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="review-reminders",
            run=review_reminders,
            cron="20 * * * *",
            description="Remind writers of reviews due soon or overdue.",
        )
    )
    schedule.register_sweep(
        schedule.Sweep(
            name="review-escalations",
            run=review_escalations,
            cron="25 * * * *",
            description="Tell managers of reviews their reports have left overdue.",
        )
    )
