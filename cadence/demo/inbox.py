"""The demo's notifications: every demo login opens Cadence to something that needs
them, and a history that reads like weeks of use rather than one load.

The events themselves came through the areas' services while the demo loaded (plans
proposed and signed, goals sent for approval); this only adds what a fresh demo lacks —
the employee login's plan waiting for their signature — and ages what is there.
"""

import datetime
import random

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from cadence.notifications.models import Notification
from cadence.people.models import Person
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod, PerformancePlan

# What each person still has unread: the newest few, as after a week away.
UNREAD_PER_PERSON = 4


@transaction.atomic
def fill_inboxes(logins: dict[str, Person], *, seed: int = 2027) -> None:
    employee, manager = logins["employee"], logins["manager"]
    current = PerformancePeriod.objects.filter(
        state=PerformancePeriod.State.ACTIVE, kind=PerformancePeriod.Kind.YEAR
    ).first()
    plan = PerformancePlan.objects.filter(person=employee, period=current).first()
    if plan is not None and plan.state == PerformancePlan.State.DRAFT and manager.user:
        # The employee login's first screen: their manager's proposal, to read and sign.
        planning.plan_propose(actor=manager.user, plan=plan)
    _age(seed)


def _age(seed: int) -> None:
    """Spread each person's notifications over the last three weeks (newest stays
    newest) and mark all but the newest few read."""
    rng = random.Random(seed)
    now = timezone.now()
    ranked = Notification.objects.annotate(
        rank=Window(RowNumber(), partition_by=F("recipient_id"), order_by=[F("id").desc()])
    ).values("id", "rank")
    rows = list(ranked)
    updates = []
    for row in rows:
        rank = row["rank"]
        # Rank 1 a few hours old, each older one a little earlier: ~three weeks for 40.
        hours = rank * 12 + rng.randint(0, 10) if rank > 1 else rng.randint(1, 5)
        updates.append(
            Notification(
                pk=row["id"],
                created_at=now - datetime.timedelta(hours=hours),
                read_at=(now - datetime.timedelta(hours=hours - 1))
                if rank > UNREAD_PER_PERSON
                else None,
            )
        )
    Notification.objects.bulk_update(updates, ["created_at", "read_at"], batch_size=500)
