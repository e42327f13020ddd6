"""The ``review-people-sync`` sweep: every live cycle follows the organisation.

A change of manager or a departure is made in the people area (a form, an import, the
API), which knows nothing of review cycles; rather than have every one of those writes
call into reviews, this sweep runs ``cycle_sync_people`` for each launched cycle that is
not closed, every quarter hour. The service is idempotent (a second run changes
nothing) and tells a new manager of the review they now write, so the sweep may run as
often as wished, and HR's "Apply people changes" button only makes it happen now.
"""

import datetime

from cadence.notifications import schedule
from cadence.reviews.models import ReviewCycle
from cadence.reviews.services import cycles as services

# Phases in which people changes still matter: from the launch until results are out.
LIVE_PHASES = (
    ReviewCycle.Phase.NOMINATION,
    ReviewCycle.Phase.APPROVAL,
    ReviewCycle.Phase.WRITING,
    ReviewCycle.Phase.CALIBRATION,
    ReviewCycle.Phase.RELEASE,
)


def review_people_sync(now: datetime.datetime) -> int:
    """Sync every live cycle, each in its own transaction; how many reviews and
    assignments changed."""
    del now  # the service stamps its own time
    changed = 0
    for cycle in ReviewCycle.objects.filter(phase__in=LIVE_PHASES).order_by("pk"):
        result = services.cycle_sync_people(actor=None, cycle=cycle)
        changed += result.moved + result.reviews_closed + result.assignments_closed
    return changed


def register() -> None:
    schedule.register_sweep(
        schedule.Sweep(
            name="review-people-sync",
            run=review_people_sync,
            cron="*/15 * * * *",
            description="Move manager reviews to new managers and close leavers' reviews.",
            unit="change",
        )
    )
