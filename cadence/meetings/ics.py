"""A person's 1:1s as an iCalendar feed (the ``icalendar`` library).

The feed says when, for how long and with whom — never an agenda, a note or an action:
a calendar is synced to third parties (Outlook, Google) and read by assistants. Each
meeting keeps one UID, its SEQUENCE goes up when it moves or is cancelled, and a
cancelled one stays in the feed with STATUS:CANCELLED so calendars drop it. Times are
in UTC.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from cadence.meetings.models import Meeting
from cadence.meetings.queries import feed_meetings, other_side
from cadence.people.models import Person

PAST_DAYS = 90


def uid(meeting: Meeting) -> str:
    host = getattr(settings, "CADENCE_BASE_URL", "") or "cadence"
    host = host.split("://")[-1].strip("/").split("/")[0] or "cadence"
    return f"meeting-{meeting.pk}@{host}"


def feed(person: Person, *, now: datetime.datetime | None = None) -> bytes:
    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//Cadence//1:1 meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Cadence 1:1s")
    for meeting in feed_meetings(person, since=now - datetime.timedelta(days=PAST_DAYS)):
        other = other_side(person, meeting.one_on_one)
        start = meeting.scheduled_at.astimezone(datetime.UTC)
        event = Event()
        event.add("uid", uid(meeting))
        event.add("dtstamp", now.astimezone(datetime.UTC))
        event.add("dtstart", start)
        event.add("dtend", start + datetime.timedelta(minutes=meeting.duration_minutes))
        event.add("summary", f"1:1 {other.full_name}")
        event.add("sequence", meeting.sequence)
        cancelled = meeting.state == Meeting.State.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
