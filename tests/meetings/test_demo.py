"""The demo's 1:1s, loaded on the test organisation: three months of held meetings with
carried-over points, open action items, coaching notes (one shared with HR), once."""

from django.utils import timezone

from cadence.demo.meetings import load_meetings_demo
from cadence.meetings.models import ActionItem, CoachingNote, Meeting, OneOnOne, TalkingPoint


def test_demo_1_1s(org):
    logins = {"manager": org.eng_manager, "employee": org.engineer, "hr admin": org.hr}
    assert load_meetings_demo(logins=logins, say=lambda _: None)
    mine = OneOnOne.objects.filter(manager=org.eng_manager)
    assert mine.count() == 2 and OneOnOne.objects.filter(report=org.eng_manager).exists()
    held = Meeting.objects.filter(one_on_one__in=mine, state="held")
    assert held.count() >= 12
    assert not Meeting.objects.filter(state="scheduled", scheduled_at__lt=timezone.now()).exists()
    assert (
        Meeting.objects.filter(one_on_one__in=mine, scheduled_at__gte=timezone.now()).count() == 16
    )
    assert TalkingPoint.objects.filter(carried_from__isnull=False).exists()
    assert ActionItem.objects.filter(done_at__isnull=True, owner=org.engineer).exists()
    assert ActionItem.objects.filter(done_at__isnull=False).exists()
    assert CoachingNote.objects.filter(manager=org.eng_manager).count() == 6
    assert CoachingNote.objects.filter(shared_with_hr_at__isnull=False).count() == 1
    assert not load_meetings_demo(logins=logins, say=lambda _: None)
