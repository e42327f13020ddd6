"""1:1 fixtures, built through the real services on top of the ``org`` fixture.

series   eng_manager (manager) and Ann the engineer, every two weeks from tomorrow, 10:00
past     a held meeting of that series a week ago, with a resolved and an open point
"""

import datetime

import pytest
from django.utils import timezone

from cadence.meetings import services
from cadence.meetings.models import Meeting, OneOnOne
from tests.conftest import Org


@pytest.fixture
def series(org: Org) -> OneOnOne:
    return services.series_create(
        actor=org.eng_manager.user,
        manager=org.eng_manager,
        report=org.engineer,
        cadence="biweekly",
        first_on=timezone.localdate() + datetime.timedelta(days=1),
    )


@pytest.fixture
def next_meeting(series: OneOnOne) -> Meeting:
    meeting = (
        Meeting.objects.filter(one_on_one=series, scheduled_at__gte=timezone.now())
        .order_by("scheduled_at")
        .first()
    )
    assert meeting is not None
    return meeting


@pytest.fixture
def past(org: Org, series: OneOnOne) -> Meeting:
    meeting = services.meeting_add(
        actor=org.eng_manager.user,
        series=series,
        when=timezone.now() - datetime.timedelta(days=7),
    )
    services.point_add(actor=org.engineer.user, meeting=meeting, text="Career path")
    done = services.point_add(actor=org.eng_manager.user, meeting=meeting, text="Release date")
    services.point_resolve(actor=org.eng_manager.user, point=done, resolved=True)
    services.notes_save(
        actor=org.engineer.user, meeting=meeting, text="SECRET-SHARED-NOTE", version=0
    )
    services.private_note_save(actor=org.engineer.user, meeting=meeting, text="SECRET-PRIVATE-ANN")
    services.private_note_save(
        actor=org.eng_manager.user, meeting=meeting, text="SECRET-PRIVATE-MANAGER"
    )
    return meeting
