"""The 1:1 operations for tests/test_openapi.py: a series of Eng Manager and Ann with
an agenda, notes, an action item, a coaching note and a calendar feed — each operation
answered as documented, refusals included."""

import datetime
from typing import Any

from django.utils import timezone

from cadence.meetings import services, services_notes
from cadence.meetings.models import Meeting
from tests.api_world import World


def meeting_calls(w: World) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    org = w.org
    manager, ann, hr = w.manager_token, w.engineer_token, w.hr_token
    series = services.series_create(
        actor=None,
        manager=org.eng_manager,
        report=org.engineer,
        cadence="weekly",
        first_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    meeting, second = Meeting.objects.filter(one_on_one=series).order_by("scheduled_at")[:2]
    point = services.point_add(actor=org.engineer.user, meeting=meeting, text="Career path")
    gone = services.point_add(actor=org.engineer.user, meeting=meeting, text="Drop me")
    item = services.action_add(
        actor=org.eng_manager.user, meeting=meeting, owner=org.engineer, text="Read", due_on=None
    )
    note = services_notes.coaching_note_add(
        actor=None,
        manager=org.eng_manager,
        report=org.engineer,
        text="Strong quarter.",
        written_on=timezone.localdate(),
    )
    later = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0).isoformat()
    day = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    return [
        ("GET", "/one-on-ones", manager, None),
        ("GET", f"/one-on-ones/{series.pk}", ann, None),
        ("GET", f"/one-on-ones/{series.pk}", hr, None),  # not a participant: 404
        (
            "POST",
            "/one-on-ones",
            manager,
            {"person_id": org.engineer2.pk, "cadence": "monthly", "first_on": day},
        ),
        ("POST", "/one-on-ones", manager, {"person_id": org.seller.pk, "first_on": day}),
        ("PATCH", f"/one-on-ones/{series.pk}", manager, {"starts_at": "11:00"}),
        ("GET", f"/one-on-ones/{series.pk}/meetings", ann, None),
        ("POST", f"/one-on-ones/{series.pk}/meetings", ann, {"scheduled_at": later}),
        ("GET", f"/meetings/{meeting.pk}", ann, None),
        ("POST", f"/meetings/{meeting.pk}/talking-points", manager, {"text": "Roadmap"}),
        ("POST", f"/meetings/{meeting.pk}/talking-points", manager, {"goal_id": 999999}),
        ("PATCH", f"/talking-points/{point.pk}", manager, {"resolved": True}),
        ("POST", f"/talking-points/{point.pk}/move", ann, {"direction": "down"}),
        ("DELETE", f"/talking-points/{gone.pk}", ann, None),
        ("PUT", f"/meetings/{meeting.pk}/notes", ann, {"text": "Notes", "version": 0}),
        ("PUT", f"/meetings/{meeting.pk}/notes", manager, {"text": "Stale", "version": 0}),
        ("PUT", f"/meetings/{meeting.pk}/private-note", ann, {"text": "Mine"}),
        (
            "POST",
            f"/meetings/{meeting.pk}/action-items",
            ann,
            {"text": "Draft the plan", "owner_id": org.engineer.pk, "due_on": day},
        ),
        ("GET", "/action-items", ann, None),
        ("PATCH", f"/action-items/{item.pk}", ann, {"done": True}),
        ("POST", f"/meetings/{meeting.pk}/held", manager, None),
        ("POST", f"/meetings/{meeting.pk}/cancel", manager, None),  # held: 422
        ("POST", f"/meetings/{second.pk}/cancel", ann, None),
        ("GET", "/coaching-notes", manager, None),
        (
            "POST",
            "/coaching-notes",
            manager,
            {"report_id": org.engineer.pk, "written_on": day[:4] + "-01-02", "text": "Kind."},
        ),
        ("GET", f"/coaching-notes/{note.pk}", manager, None),
        ("GET", f"/coaching-notes/{note.pk}", hr, None),  # not shared: 404
        ("PATCH", f"/coaching-notes/{note.pk}", manager, {"shared_with_hr": True}),
        ("GET", "/coaching-notes?shared=true", hr, None),
        ("POST", "/calendar-feed", ann, None),
        ("DELETE", "/calendar-feed", ann, None),
        ("DELETE", f"/coaching-notes/{note.pk}", manager, None),
    ]
