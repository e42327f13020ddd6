"""The 1:1 API: the pages' rules — participants only, private notes to their author,
coaching notes to their manager (and HR while shared) — and its refusals."""

import pytest
from django.test import Client

from cadence.accounts.services import api_token_create
from cadence.meetings import services_notes
from cadence.meetings.models import TalkingPoint
from cadence.people import services as people

API = "/api/v1"


def client_for(person) -> Client:
    _, token = api_token_create(actor=person.user, name="t")
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_participants_read_the_meeting_each_with_their_own_private_note(org, past):
    ann = client_for(org.engineer).get(f"{API}/meetings/{past.pk}").json()
    assert ann["shared_notes"] == "SECRET-SHARED-NOTE"
    assert ann["private_note"] == "SECRET-PRIVATE-ANN"
    assert {p["text"] for p in ann["talking_points"]} == {"Career path", "Release date"}
    boss = client_for(org.eng_manager).get(f"{API}/meetings/{past.pk}").json()
    assert boss["private_note"] == "SECRET-PRIVATE-MANAGER"


@pytest.mark.parametrize("who", ["hr", "eng_head", "exec_viewer", "engineer2", "ceo"])
def test_outsiders_get_nothing_through_the_api(org, past, who):
    client = client_for(getattr(org, who))
    series = past.one_on_one_id
    point = TalkingPoint.objects.filter(meeting=past).first()
    for path in (
        f"/meetings/{past.pk}",
        f"/one-on-ones/{series}",
        f"/one-on-ones/{series}/meetings",
    ):
        response = client.get(API + path)
        assert response.status_code == 404, path
    assert client.get(f"{API}/one-on-ones").json()["items"] == []
    assert client.get(f"{API}/action-items").json()["items"] == []
    writes = [
        ("put", f"/meetings/{past.pk}/notes", {"text": "x", "version": 1}),
        ("put", f"/meetings/{past.pk}/private-note", {"text": "x"}),
        ("post", f"/meetings/{past.pk}/talking-points", {"text": "x"}),
        ("patch", f"/talking-points/{point.pk}", {"resolved": True}),
        ("post", f"/meetings/{past.pk}/held", None),
    ]
    for method, path, body in writes:
        response = getattr(client, method)(API + path, body, content_type="application/json")
        assert response.status_code == 404, path
    home = client.get(f"{API}/home").content
    assert b"SECRET" not in home and b"Career path" not in home


def test_coaching_notes_over_the_api(org):
    manager = client_for(org.eng_manager)
    made = manager.post(
        f"{API}/coaching-notes",
        {"report_id": org.engineer.pk, "written_on": "2026-01-05", "text": "SECRET-COACH"},
        content_type="application/json",
    )
    assert made.status_code == 201
    note_id = made.json()["id"]
    hr = client_for(org.hr)
    assert hr.get(f"{API}/coaching-notes/{note_id}").status_code == 404
    assert b"SECRET-COACH" not in hr.get(f"{API}/coaching-notes").content
    for who in (org.eng_head, org.exec_viewer, org.engineer):
        assert client_for(who).get(f"{API}/coaching-notes/{note_id}").status_code == 404
    manager.patch(
        f"{API}/coaching-notes/{note_id}",
        {"shared_with_hr": True},
        content_type="application/json",
    )
    assert hr.get(f"{API}/coaching-notes/{note_id}").json()["text"] == "SECRET-COACH"
    refused = hr.patch(
        f"{API}/coaching-notes/{note_id}", {"text": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    # About someone who is not their report: refused the same as unknown.
    other = manager.post(
        f"{API}/coaching-notes",
        {"report_id": org.seller.pk, "written_on": "2026-01-05", "text": "x"},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_leavers_private_notes_stay_private_and_their_words_stay(org, past):
    people.person_mark_left(actor=None, person=org.engineer)
    boss = client_for(org.eng_manager).get(f"{API}/meetings/{past.pk}").json()
    assert boss["shared_notes"] == "SECRET-SHARED-NOTE"
    assert "Career path" in {p["text"] for p in boss["talking_points"]}
    assert boss["private_note"] == "SECRET-PRIVATE-MANAGER"
    assert "SECRET-PRIVATE-ANN" not in str(boss)
    # The leaver's calendar feed stops answering.
    assert not services_notes.feed_for_token("anything")


def test_a_patch_changes_only_what_it_sends(org, series):
    manager = client_for(org.eng_manager)
    path = f"{API}/one-on-ones/{series.pk}"
    moved = manager.patch(path, {"starts_at": "11:30"}, content_type="application/json").json()
    assert moved["starts_at"] == "11:30"
    assert (moved["cadence"], moved["first_on"]) == ("biweekly", series.first_on.isoformat())
    stopped = manager.patch(path, {"active": False}, content_type="application/json").json()
    assert stopped["active"] is False and stopped["starts_at"] == "11:30"
    note = manager.post(
        f"{API}/coaching-notes",
        {"report_id": org.engineer.pk, "written_on": "2026-01-05", "text": "First words."},
        content_type="application/json",
    ).json()
    note_path = f"{API}/coaching-notes/{note['id']}"
    changed = manager.patch(note_path, {"text": "Better words."}, content_type="application/json")
    assert changed.json()["text"] == "Better words."
    assert changed.json()["written_on"] == "2026-01-05"
    shared = manager.patch(note_path, {"shared_with_hr": True}, content_type="application/json")
    assert shared.json()["shared_with_hr"] is True and shared.json()["text"] == "Better words."
