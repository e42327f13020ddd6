"""Coaching notes (the manager's alone; HR reads a note only while it is shared) and the
calendar feed (a secret, revocable URL; no notes in it)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cadence.core.models import AuditEvent
from cadence.meetings import queries, recurrence, services, services_notes
from cadence.meetings.models import CalendarFeed, CoachingNote
from cadence.people import services as people


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


@pytest.fixture
def note(org):
    return services_notes.coaching_note_add(
        actor=org.eng_manager.user,
        manager=org.eng_manager,
        report=org.engineer,
        text="SECRET-COACHING",
        written_on=timezone.localdate(),
    )


def test_manager_writes_about_a_current_report_only(org):
    client = org.client_for(org.eng_manager)
    day = timezone.localdate().isoformat()
    response = client.post(
        url("coaching_add", org.engineer.pk), {"written_on": day, "text": "Led the retro well."}
    )
    assert response.status_code == 302
    assert CoachingNote.objects.filter(manager=org.eng_manager, report=org.engineer).count() == 1
    page = client.get(url("journal", org.engineer.pk)).content.decode()
    assert "Led the retro well." in page
    # Someone else's report, and someone above: no journal at all.
    assert client.get(url("journal", org.seller.pk)).status_code == 404
    assert client.post(url("coaching_add", org.seller.pk), {"text": "x"}).status_code == 404
    assert client.post(url("coaching_add", org.eng_head.pk), {"text": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["hr", "eng_head", "exec_viewer", "engineer", "engineer2", "ceo"])
def test_nobody_else_reads_a_coaching_note(org, note, who):
    client = org.client_for(getattr(org, who))
    for path in (url("journal", org.engineer.pk), url("coaching_edit", note.pk)):
        response = client.get(path)
        assert response.status_code == 404, path
    for path in (url("coaching_share", note.pk), url("coaching_delete", note.pk)):
        assert client.post(path, {"shared": "1"}).status_code == 404
    index = client.get(url("coaching"))
    assert b"SECRET-COACHING" not in index.content
    assert b"SECRET-COACHING" not in client.get(reverse("home")).content
    assert CoachingNote.objects.filter(pk=note.pk, shared_with_hr_at__isnull=True).exists()


def test_a_shared_note_is_read_by_hr_until_unshared(org, note):
    manager = org.client_for(org.eng_manager)
    hr = org.client_for(org.hr)
    manager.post(url("coaching_share", note.pk), {"shared": "1"})
    assert b"SECRET-COACHING" in hr.get(url("coaching")).content
    # HR reads; HR does not change it; other managers still do not read it.
    assert hr.post(url("coaching_edit", note.pk), {"text": "x"}).status_code == 403
    assert b"SECRET-COACHING" not in org.client_for(org.eng_head).get(url("coaching")).content
    manager.post(url("coaching_share", note.pk), {"shared": "0"})
    assert b"SECRET-COACHING" not in hr.get(url("coaching")).content
    # The audit log records the sharing, never the text.
    assert AuditEvent.objects.filter(action="meetings.coaching.share").exists()
    assert not AuditEvent.objects.filter(summary__contains="SECRET").exists()


def test_former_reports_notes_stay_readable_not_writable(org, note):
    people.person_update(actor=None, person=org.engineer, manager=org.sales_manager)
    org.engineer.refresh_from_db()
    client = org.client_for(org.eng_manager)
    page = client.get(url("journal", org.engineer.pk)).content.decode()
    assert "SECRET-COACHING" in page and "no longer reports to you" in page
    assert client.post(url("coaching_add", org.engineer.pk), {"text": "x"}).status_code == 403
    assert b"SECRET-COACHING" not in org.client_for(org.sales_manager).get(url("coaching")).content


def test_coaching_notes_for_review(org, note):
    today = timezone.localdate()
    found = queries.coaching_notes_for_review(
        org.eng_manager, org.engineer, today - datetime.timedelta(days=1), today
    )
    assert found == [note]
    assert not queries.coaching_notes_for_review(
        org.eng_head, org.engineer, today - datetime.timedelta(days=1), today
    )


def test_calendar_feed_secret_url_without_notes(org, past, next_meeting):
    client = org.client_for(org.engineer)
    client.post(url("calendar_create"))
    page = client.get(url("calendar")).content.decode()
    start = page.index("/meetings/calendar/")
    token = page[start:].split("/")[3].split(".ics")[0]
    assert CalendarFeed.objects.get(person=org.engineer).token_hash != token
    assert token not in client.get(url("calendar")).content.decode()  # shown once
    services.meeting_cancel(actor=None, meeting=next_meeting)
    response = Client().get(url("calendar_feed", token))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert b"SECRET" not in response.content and b"Career path" not in response.content
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 1 + recurrence.AHEAD
    cancelled = [e for e in events.values() if str(e["status"]) == "CANCELLED"]
    assert len(cancelled) == 1 and int(cancelled[0]["sequence"]) == 1
    assert all(str(e["summary"]) == "1:1 Eng Manager" for e in events.values())
    assert all(e.decoded("dtstart").utcoffset() == datetime.timedelta(0) for e in events.values())
    # Regenerate: the old URL stops; revoke: the new one stops too.
    client.post(url("calendar_create"))
    assert Client().get(url("calendar_feed", token)).status_code == 404
    client.post(url("calendar_revoke"))
    assert not CalendarFeed.objects.filter(person=org.engineer, revoked_at__isnull=True).exists()
    assert Client().get(url("calendar_feed", "made-up")).status_code == 404
