"""HR's "nudge everyone late": one reminder to each writer with an overdue review in a
cycle, at most one a day per writer and cycle (the dedup key), whatever the number of
assignments they owe or of clicks on the button.

Set-based like the sweeps (``sweeps.notify_selected``): a cycle of 100,000 may have
thousands late. The reminder's target is the writer's first overdue assignment, which
only the writer reads; the sentence says how the cycle stands, not who else is late.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.notifications import kinds, sweeps
from cadence.notifications.models import Channel
from cadence.people.access import acting_person
from cadence.reviews.models import ReviewCycle
from cadence.reviews.notifications import ASSIGNMENT_TARGET, OPEN_STATES, day

NUDGE = "review.nudge"


@transaction.atomic
def nudge_late_writers(*, actor: Actor, cycle: ReviewCycle) -> int:
    """Remind every writer with an open or draft assignment past the cycle's writing
    deadline; returns how many were reminded now (0 for a second click the same day).
    Before: the cycle is in its writing phase and its deadline has passed."""
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    today = timezone.localdate()
    if cycle.phase != ReviewCycle.Phase.WRITING:
        raise ValidationError({"phase": _("Only a cycle in its writing phase has late writers.")})
    if today <= cycle.writing_deadline:
        raise ValidationError(
            {
                "writing_deadline": _("Nobody is late yet: the writing deadline is %(day)s.")
                % {"day": day(cycle.writing_deadline)}
            }
        )
    me = acting_person(actor)
    candidates = f"""
        SELECT a.writer_id AS recipient_id, CAST(%s AS BIGINT) AS actor_id,
               MIN(a.id) AS target_id,
               'review-nudge:' || CAST(a.cycle_id AS TEXT) || ':'
                   || CAST(a.writer_id AS TEXT) || ':{today.isoformat()}' AS dedup_key
        FROM reviews_assignment a
        JOIN reviews_review r ON r.id = a.review_id
        WHERE a.cycle_id = %s AND a.state IN (%s, %s) AND r.state = 'open'
        GROUP BY a.writer_id, a.cycle_id
    """  # noqa: S608 - constant SQL (an ISO date)
    made = sweeps.notify_selected(
        NUDGE,
        candidates,
        [me.pk if me is not None else None, cycle.pk, *OPEN_STATES],
        now=timezone.now(),
        target_type=ASSIGNMENT_TARGET,
        params={"deadline": day(cycle.writing_deadline), "cycle": cycle.name},
    )
    audit(
        actor=actor,
        action="review_cycle.nudge",
        target=cycle,
        summary=f"{cycle.name}: {made} late writers reminded",
        data={"reminded": made},
    )
    return made


def register() -> None:
    kinds.register_kind(
        kinds.Kind(
            key=NUDGE,
            group=str(gettext_lazy("Reviews")),
            label=str(gettext_lazy("HR reminds me of a review I have not submitted")),
            sentence=str(
                gettext_lazy(
                    "Your reviews in {cycle} were due {deadline} and some are not submitted"
                    " yet, starting with {target}."
                )
            ),
            default=Channel.EMAIL,
        )
    )
