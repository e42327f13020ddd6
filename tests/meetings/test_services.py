"""1:1 series, meetings, the agenda's carry-over, notes and action items through the
services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadence.meetings import recurrence, reminders, services
from cadence.meetings.models import ActionItem, Meeting, OneOnOne, TalkingPoint
from cadence.notifications.models import Notification


def test_recurring_series_schedules_the_next_eight_idempotently(org, series):
    meetings = list(Meeting.objects.filter(one_on_one=series).order_by("scheduled_at"))
    assert len(meetings) == recurrence.AHEAD
    gaps = {
        (b.scheduled_at - a.scheduled_at).days for a, b in zip(meetings, meetings[1:], strict=False)
    }
    assert gaps <= {13, 14, 15}  # two weeks (a daylight-saving change moves an hour)
    assert services.meetings_ensure(series) == 0
    assert reminders.meetings_daily(timezone.now()) == 0
    assert Meeting.objects.filter(one_on_one=series).count() == recurrence.AHEAD


def test_monthly_keeps_the_day_or_the_months_last(org):
    series = OneOnOne(cadence="monthly", first_on=datetime.date(2027, 1, 31))
    days = []
    for day in recurrence.occurrence_days(series):
        days.append(day)
        if len(days) == 3:
            break
    assert days == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),
    ]


def test_one_series_per_pair_and_not_with_oneself(org, series):
    with pytest.raises(ValidationError) as error:
        services.series_create(
            actor=None,
            manager=org.eng_manager,
            report=org.engineer,
            cadence="weekly",
            first_on=timezone.localdate(),
        )
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.series_create(
            actor=None,
            manager=org.engineer,
            report=org.engineer,
            cadence="weekly",
            first_on=timezone.localdate(),
        )


def test_ad_hoc_series_has_one_meeting(org):
    series = services.series_create(
        actor=None,
        manager=org.sales_manager,
        report=org.seller,
        cadence="ad_hoc",
        first_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    assert Meeting.objects.filter(one_on_one=series, ad_hoc=True).count() == 1
    assert services.meetings_ensure(series) == 0


def test_unresolved_points_are_carried_over_exactly_once(org, series, past, next_meeting):
    services.meeting_finish(actor=org.engineer.user, meeting=past)
    carried = list(TalkingPoint.objects.filter(meeting=next_meeting))
    assert [p.text for p in carried] == ["Career path"]
    assert carried[0].carried_from.meeting_id == past.pk
    # Again, by the other participant, and by the sweep: nothing more.
    services.meeting_finish(actor=org.eng_manager.user, meeting=past)
    assert services.carry_into(next_meeting) == 0
    reminders.meetings_daily(timezone.now())
    assert TalkingPoint.objects.filter(meeting=next_meeting).count() == 1
    # Unresolved again at the next meeting: carried on, linked to the carried copy.
    services.meeting_finish(actor=None, meeting=next_meeting)
    third = services.next_scheduled(next_meeting)
    assert third is not None
    again = TalkingPoint.objects.get(meeting=third)
    assert again.carried_from_id == carried[0].pk


def test_the_sweep_marks_past_meetings_held_and_carries(org, series, past, next_meeting):
    assert reminders.meetings_daily(timezone.now()) >= 1
    past.refresh_from_db()
    assert past.state == Meeting.State.HELD
    assert (
        TalkingPoint.objects.filter(meeting=next_meeting, carried_from__isnull=False).count() == 1
    )


def test_shared_notes_optimistic_lock(org, next_meeting):
    saved = services.notes_save(actor=org.engineer.user, meeting=next_meeting, text="a", version=0)
    assert saved.notes_version == 1
    with pytest.raises(ValidationError) as error:
        services.notes_save(actor=org.eng_manager.user, meeting=next_meeting, text="b", version=0)
    assert "version" in error.value.message_dict
    assert (
        services.notes_save(
            actor=org.eng_manager.user, meeting=next_meeting, text="a b", version=1
        ).notes_version
        == 2
    )


def test_point_added_tells_the_other_participant_without_its_text(org, next_meeting):
    services.point_add(actor=org.engineer.user, meeting=next_meeting, text="SECRET-POINT")
    services.point_add(actor=org.engineer.user, meeting=next_meeting, text="Another")
    notes = Notification.objects.filter(kind="meetings.point_added")
    assert [n.recipient_id for n in notes] == [org.eng_manager.pk]  # once a day
    assert "SECRET" not in str(notes[0].params)


def test_action_items_assign_notify_and_overdue_sweep_once(org, next_meeting):
    item = services.action_add(
        actor=org.eng_manager.user,
        meeting=next_meeting,
        owner=org.engineer,
        text="Write the design note",
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert Notification.objects.filter(
        kind="meetings.action_assigned", recipient=org.engineer
    ).exists()
    with pytest.raises(ValidationError):
        services.action_add(
            actor=org.eng_manager.user,
            meeting=next_meeting,
            owner=org.seller,
            text="Not theirs",
            due_on=None,
        )
    noon = timezone.now().replace(hour=12)
    first = reminders.action_items_overdue(noon)
    assert reminders.action_items_overdue(noon) == 0
    assert first == Notification.objects.filter(kind="meetings.action_overdue").count() == 1
    services.action_done(actor=org.engineer.user, item=item, done=True)
    assert ActionItem.objects.get(pk=item.pk).done_at is not None


def test_changing_the_schedule_moves_meetings_with_their_agenda(org, series, next_meeting):
    services.point_add(actor=org.engineer.user, meeting=next_meeting, text="Kept")
    services.series_update(
        actor=None,
        series=series,
        cadence="weekly",
        first_on=series.first_on,
        starts_at=datetime.time(14, 0),
        duration_minutes=45,
    )
    next_meeting.refresh_from_db()
    assert next_meeting.sequence == 1 and next_meeting.duration_minutes == 45
    assert TalkingPoint.objects.filter(meeting=next_meeting, text="Kept").exists()
    scheduled = Meeting.objects.filter(one_on_one=series, state="scheduled").count()
    assert scheduled == recurrence.AHEAD


def test_stopping_cancels_coming_meetings(org, series):
    services.series_stop(actor=None, series=series)
    assert not Meeting.objects.filter(one_on_one=series, state="scheduled").exists()
    assert Meeting.objects.filter(one_on_one=series, state="cancelled", sequence=1).count() == 8


def test_notifications_name_the_meeting_to_participants_only(org, next_meeting):
    from cadence.notifications.rendering import render

    services.point_add(actor=org.engineer.user, meeting=next_meeting, text="SECRET-POINT")
    item = services.action_add(
        actor=org.engineer.user,
        meeting=next_meeting,
        owner=org.eng_manager,
        text="Approve the course",
        due_on=None,
    )
    notes = list(Notification.objects.filter(recipient=org.eng_manager).order_by("id"))
    mine = [i.text for i in render(org.eng_manager.user, notes)]
    assert mine[0].startswith("Ann Engineer added a talking point to your 1:1 with Ann Engineer")
    assert "Approve the course" in mine[1]
    # Anyone else who somehow held these rows would read neutral words only.
    for outsider in (org.hr, org.eng_head, org.exec_viewer):
        texts = " ".join(i.text for i in render(outsider.user, notes))
        assert "a 1:1" in texts and "an action item" in texts
        assert "Approve the course" not in texts and "SECRET" not in texts
    assert item.pk


def test_a_series_stops_when_the_pair_ends(org, series, past):
    from cadence.people import services as people

    people.person_mark_left(actor=None, person=org.engineer)
    reminders.meetings_daily(timezone.now())
    series.refresh_from_db()
    assert not series.active
    assert not Meeting.objects.filter(
        one_on_one=series, state="scheduled", scheduled_at__gte=timezone.now()
    ).exists()
    # What was written stays.
    assert TalkingPoint.objects.filter(meeting=past, text="Career path").exists()


def test_an_ended_pair_cannot_restart(org, series):
    from cadence.people import services as people

    people.person_update(actor=None, person=org.engineer, manager=org.sales_manager)
    reminders.meetings_daily(timezone.now())
    series.refresh_from_db()
    assert not series.active
    with pytest.raises(ValidationError):
        services.series_resume(actor=None, series=series)
