"""The ``review-people-sync`` sweep: a change of manager made in the people area reaches
every live cycle without HR pressing a button, the new manager is told once, and a
second run changes nothing."""

from django.utils import timezone

from cadence.notifications import schedule
from cadence.notifications.models import Notification
from cadence.people import services as people_services
from cadence.reviews.models import Assignment, ReviewCycle
from cadence.reviews.people_sync import review_people_sync
from tests.conftest import Org


def test_the_sweep_moves_the_manager_review_and_tells_the_new_manager(
    org: Org,
    make_cycle,
) -> None:
    live = make_cycle([org.engineer])
    done = make_cycle([org.engineer], name="FY2025 annual review", phase=ReviewCycle.Phase.CLOSED)
    people_services.person_update(actor=None, person=org.engineer, manager=org.sales_manager)

    assert review_people_sync(timezone.now()) == 1

    moved = Assignment.objects.get(cycle=live, type="manager", state="open")
    assert moved.writer == org.sales_manager
    assert moved.moved_from.writer == org.eng_manager
    told = Notification.objects.filter(recipient=org.sales_manager, target_id=moved.pk)
    assert told.count() == 1
    # A closed cycle stays as it was written.
    assert Assignment.objects.get(cycle=done, type="manager").writer == org.eng_manager

    assert review_people_sync(timezone.now()) == 0
    assert told.count() == 1


def test_the_sweep_is_scheduled() -> None:
    sweep = schedule.sweep("review-people-sync")
    assert sweep is not None
    assert sweep.cron == "*/15 * * * *"
