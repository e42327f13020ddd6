"""1:1 pages through their URLs: what each participant sees, and every refusal."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadence.meetings import recurrence, services
from cadence.meetings.models import (
    ActionItem,
    CoachingNote,
    Meeting,
    OneOnOne,
    PrivateNote,
    TalkingPoint,
)


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def test_index_lists_my_series_and_offers_setup(org, series, next_meeting):
    html = org.client_for(org.engineer).get(url("index")).content.decode()
    assert 'href="/meetings/"' in html and "1:1s" in html  # the navigation tab
    assert "Eng Manager" in html and url("meeting", next_meeting.pk) in html
    # Ann's only possible partner (her manager) already has a series with her.
    assert "Set up a 1:1" not in html
    manager = org.client_for(org.eng_manager).get(url("index")).content.decode()
    assert "Set up a 1:1" in manager and "Bob Engineer" in manager  # the other report


def test_set_up_with_a_report_and_refused_with_anyone_else(org):
    client = org.client_for(org.eng_manager)
    day = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = {
        "person": org.engineer2.pk,
        "cadence": "weekly",
        "first_on": day,
        "starts_at": "09:30",
        "duration_minutes": 30,
    }
    response = client.post(url("series_create"), data)
    series = OneOnOne.objects.get(manager=org.eng_manager, report=org.engineer2)
    assert response.status_code == 302 and response["Location"] == url("series", series.pk)
    assert Meeting.objects.filter(one_on_one=series).count() == recurrence.AHEAD
    # A person who is not their report, nor their manager: the form does not offer them.
    refused = client.post(url("series_create"), {**data, "person": org.seller.pk})
    assert refused.status_code == 422
    assert not OneOnOne.objects.filter(report=org.seller).exists()
    # A report sets one up with their manager.
    seller = org.client_for(org.seller)
    ok = seller.post(url("series_create"), {**data, "person": org.sales_manager.pk})
    assert ok.status_code == 302
    assert OneOnOne.objects.filter(manager=org.sales_manager, report=org.seller).exists()


def test_meeting_page_shows_each_participant_their_own_private_note(org, past):
    ann = org.client_for(org.engineer).get(url("meeting", past.pk)).content.decode()
    assert "SECRET-SHARED-NOTE" in ann and "SECRET-PRIVATE-ANN" in ann
    assert "SECRET-PRIVATE-MANAGER" not in ann
    boss = org.client_for(org.eng_manager).get(url("meeting", past.pk)).content.decode()
    assert "SECRET-SHARED-NOTE" in boss and "SECRET-PRIVATE-MANAGER" in boss
    assert "SECRET-PRIVATE-ANN" not in boss
    assert "Career path" in boss and "What is getting in your way right now?" in boss


def test_meeting_page_query_count_is_fixed(org, past, next_meeting, django_assert_max_num_queries):
    services.meeting_finish(actor=None, meeting=past)
    client = org.client_for(org.engineer)
    with django_assert_max_num_queries(30):
        assert client.get(url("meeting", next_meeting.pk)).status_code == 200


@pytest.mark.parametrize("who", ["hr", "eng_head", "exec_viewer", "engineer2", "ceo"])
def test_outsiders_are_refused_every_page_and_action(org, past, who):
    client = org.client_for(getattr(org, who))
    point = TalkingPoint.objects.filter(meeting=past).first()
    item = services.action_add(
        actor=org.eng_manager.user, meeting=past, owner=org.engineer, text="x", due_on=None
    )
    gets = [url("meeting", past.pk), url("series", past.one_on_one_id)]
    for path in gets:
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"SECRET" not in response.content
    posts = [
        (url("point_add", past.pk), {"text": "intrude"}),
        (url("notes_save", past.pk), {"shared_notes": "x", "version": "1"}),
        (url("private_note", past.pk), {"private_note": "x"}),
        (url("action_add", past.pk), {"text": "x", "owner": org.engineer.pk}),
        (url("meeting_finish", past.pk), {}),
        (url("meeting_cancel", past.pk), {}),
        (url("point_resolve", point.pk), {"resolved": "1"}),
        (url("point_remove", point.pk), {}),
        (url("action_done", item.pk), {"done": "1"}),
        (url("series_edit", past.one_on_one_id), {"cadence": "weekly"}),
        (url("series_active", past.one_on_one_id), {"active": "0"}),
        (url("meeting_add", past.one_on_one_id), {}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 404, path
    assert not PrivateNote.objects.filter(text="x").exists()
    assert not ActionItem.objects.filter(done_at__isnull=False).exists()
    # Not on their home page either.
    home = client.get(reverse("home")).content.decode()
    assert "SECRET" not in home and "Career path" not in home


def test_anonymous_is_sent_to_sign_in(org, past):
    response = Client().get(url("meeting", past.pk))
    assert response.status_code == 302 and "login" in response["Location"]


def test_notes_autosave_with_htmx_and_a_stale_tab(org, next_meeting):
    client = org.client_for(org.engineer)
    headers = {"HX-Request": "true"}
    first = client.post(
        url("notes_save", next_meeting.pk), {"shared_notes": "one", "version": "0"}, headers=headers
    )
    assert (
        first.status_code == 200 and b'value="1"' in first.content and b"Saved at" in first.content
    )
    stale = org.client_for(org.eng_manager).post(
        url("notes_save", next_meeting.pk), {"shared_notes": "two", "version": "0"}, headers=headers
    )
    assert b"changed the notes" in stale.content and b"Reload" in stale.content
    next_meeting.refresh_from_db()
    assert next_meeting.shared_notes == "one"


def test_add_point_finish_and_see_it_carried(org, series, past, next_meeting):
    client = org.client_for(org.eng_manager)
    response = client.post(url("meeting_finish", past.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(url("meeting", next_meeting.pk))
    page = client.get(url("meeting", next_meeting.pk)).content.decode()
    assert "Career path" in page and "carried over from" in page


def meetings_section(client):
    html = client.get(reverse("home")).content.decode()
    start = html.find('id="home-meetings"')
    return "" if start < 0 else html[start : html.find("</section>", start)]


def test_action_items_on_both_home_pages_until_done(org, next_meeting):
    item = services.action_add(
        actor=org.eng_manager.user,
        meeting=next_meeting,
        owner=org.engineer,
        text="Book the training",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    for person in (org.engineer, org.eng_manager):
        assert "Book the training" in meetings_section(org.client_for(person))
    client = org.client_for(org.engineer)
    client.post(url("action_done", item.pk), {"done": "1"})
    for person in (org.engineer, org.eng_manager):
        assert "Book the training" not in meetings_section(org.client_for(person))


def test_offered_goals_are_the_reports_at_risk_or_stale(org, next_meeting):
    # No goals: nothing offered, and a forged goal id is refused.
    client = org.client_for(org.eng_manager)
    response = client.post(url("point_add", next_meeting.pk), {"goal": "999999"})
    assert response.status_code == 302
    assert not TalkingPoint.objects.filter(meeting=next_meeting).exists()


def test_meeting_page_costs_the_same_for_a_long_series(org, series, next_meeting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = org.client_for(org.engineer)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("meeting", next_meeting.pk)).status_code == 200
        return len(queries)

    def add_history(weeks: range) -> None:
        for week in weeks:
            meeting = services.meeting_add(
                actor=None,
                series=series,
                when=timezone.now() - datetime.timedelta(weeks=week),
            )
            services.point_add(actor=org.engineer.user, meeting=meeting, text=f"Point {week}")
            services.action_add(
                actor=org.eng_manager.user,
                meeting=meeting,
                owner=org.engineer,
                text=f"Action {week}",
                due_on=None,
            )
            services.meeting_finish(actor=None, meeting=meeting)

    add_history(range(1, 3))
    cost()  # warm the per-request caches' first-use queries
    small = cost()
    add_history(range(3, 40))
    assert cost() == small


def test_a_stale_goal_of_the_report_is_offered_as_a_point(org, next_meeting):
    from cadence.goals import services as goals
    from cadence.goals.models import Goal
    from cadence.planning import services as planning

    today = datetime.date.today()
    period = planning.period_create(
        actor=org.hr.user,
        name="FY",
        kind="year",
        starts_on=today - datetime.timedelta(days=180),
        ends_on=today + datetime.timedelta(days=185),
    )
    planning.period_activate(actor=org.hr.user, period=period)
    goal = goals.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Ship the importer",
        owner_type="person",
        owner_person=org.engineer,
    )
    Goal.objects.filter(pk=goal.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    client = org.client_for(org.eng_manager)
    page = client.get(url("meeting", next_meeting.pk)).content.decode()
    assert "Goals that may need a word" in page and "Ship the importer" in page
    client.post(url("point_add", next_meeting.pk), {"goal": goal.pk})
    point = TalkingPoint.objects.get(meeting=next_meeting)
    assert point.goal_id == goal.pk and point.text == "Ship the importer"
    # Offered once: now on the agenda, no longer offered.
    page = client.get(url("meeting", next_meeting.pk)).content.decode()
    assert "Goals that may need a word" not in page


def test_anonymous_is_refused_every_page_and_the_api(org, past):
    from cadence.meetings import services_notes

    note = services_notes.coaching_note_add(
        actor=None,
        manager=org.eng_manager,
        report=org.engineer,
        text="SECRET-COACH",
        written_on=timezone.localdate(),
    )
    point = TalkingPoint.objects.filter(meeting=past).first()
    series = past.one_on_one_id
    anonymous = Client()
    pages = [
        url("index"),
        url("series", series),
        url("meeting", past.pk),
        url("coaching"),
        url("journal", org.engineer.pk),
        url("coaching_edit", note.pk),
        url("calendar"),
    ]
    for path in pages:
        response = anonymous.get(path)
        assert response.status_code == 302 and "login" in response["Location"], path
    posts = [
        url("series_create"),
        url("series_edit", series),
        url("series_active", series),
        url("meeting_add", series),
        url("point_add", past.pk),
        url("notes_save", past.pk),
        url("private_note", past.pk),
        url("action_add", past.pk),
        url("meeting_finish", past.pk),
        url("meeting_cancel", past.pk),
        url("point_resolve", point.pk),
        url("point_remove", point.pk),
        url("coaching_add", org.engineer.pk),
        url("coaching_share", note.pk),
        url("coaching_delete", note.pk),
        url("calendar_create"),
        url("calendar_revoke"),
    ]
    for path in posts:
        response = anonymous.post(path, {"shared": "1"})
        assert response.status_code == 302 and "login" in response["Location"], path
    api = [
        "/one-on-ones",
        f"/one-on-ones/{series}",
        f"/meetings/{past.pk}",
        "/action-items",
        "/coaching-notes",
        f"/coaching-notes/{note.pk}",
    ]
    for path in api:
        assert anonymous.get("/api/v1" + path).status_code == 401, path
    assert anonymous.post("/api/v1/calendar-feed").status_code == 401
    assert CoachingNote.objects.get(pk=note.pk).shared_with_hr_at is None
