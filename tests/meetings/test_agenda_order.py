"""Reordering a meeting's agenda: the service's numbering, carried points, who may move
a point (the two participants, until the meeting is held), the page (htmx and plain
POST) and the API."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cadence.accounts.services import api_token_create
from cadence.meetings import access, services, services_agenda
from cadence.meetings.models import Meeting, TalkingPoint
from tests.conftest import Org
from tests.people.test_access import ROLES, Cast, build_cast, outcome

API = "/api/v1"
PARTICIPANTS = frozenset({"self", "direct_manager"})  # Ann and her manager


def texts(meeting: Meeting) -> list[str]:
    return list(
        TalkingPoint.objects.filter(meeting=meeting)
        .order_by("order", "id")
        .values_list("text", flat=True)
    )


def orders(meeting: Meeting) -> list[int]:
    return list(
        TalkingPoint.objects.filter(meeting=meeting)
        .order_by("order", "id")
        .values_list("order", flat=True)
    )


@pytest.fixture
def agenda(org: Org, next_meeting: Meeting) -> list[TalkingPoint]:
    """Three points on the coming meeting, added by both participants."""
    return [
        services_agenda.point_add(actor=who.user, meeting=next_meeting, text=text)
        for who, text in (
            (org.engineer, "Career path"),
            (org.eng_manager, "Roadmap"),
            (org.engineer, "Training budget"),
        )
    ]


def move(org: Org, point: TalkingPoint, direction: str) -> TalkingPoint:
    return services_agenda.talking_point_move(
        actor=org.engineer.user, point=point, direction=direction
    )


# --- the service ---------------------------------------------------------------------------


def test_moving_swaps_with_the_neighbour_and_numbers_the_agenda_densely(org, next_meeting, agenda):
    # Orders with a gap and a tie (points removed, two added at once) come out 0, 1, 2.
    TalkingPoint.objects.filter(pk=agenda[0].pk).update(order=4)
    TalkingPoint.objects.filter(pk__in=[agenda[1].pk, agenda[2].pk]).update(order=9)
    moved = move(org, agenda[2], "up")
    assert texts(next_meeting) == ["Career path", "Training budget", "Roadmap"]
    assert orders(next_meeting) == [0, 1, 2] and moved.order == 1
    move(org, agenda[0], "down")
    assert texts(next_meeting) == ["Training budget", "Career path", "Roadmap"]
    assert orders(next_meeting) == [0, 1, 2]


def test_past_an_end_a_point_stays_where_it_is(org, next_meeting, agenda):
    move(org, agenda[0], "up")
    move(org, agenda[2], "down")
    assert texts(next_meeting) == ["Career path", "Roadmap", "Training budget"]


def test_moves_one_after_another_each_start_from_the_order_left(org, next_meeting, agenda):
    # Two tabs holding the same stale point objects: each move reads the agenda afresh
    # under the meeting's lock, so both land and the orders stay unique.
    move(org, agenda[2], "up")
    services_agenda.talking_point_move(actor=org.eng_manager.user, point=agenda[2], direction="up")
    assert texts(next_meeting) == ["Training budget", "Career path", "Roadmap"]
    assert orders(next_meeting) == [0, 1, 2]


def test_unknown_direction_and_a_meeting_no_longer_coming_are_refused(org, next_meeting, agenda):
    with pytest.raises(ValidationError, match="up or down"):
        move(org, agenda[1], "sideways")
    # Marked held between the access check and the write: the service checks again.
    Meeting.objects.filter(pk=next_meeting.pk).update(state=Meeting.State.HELD)
    with pytest.raises(ValidationError, match="keeps its order"):
        move(org, agenda[1], "up")
    assert texts(next_meeting) == ["Career path", "Roadmap", "Training budget"]


def test_carried_points_come_first_in_the_order_they_had(org, past, next_meeting):
    extra = services_agenda.point_add(actor=org.engineer.user, meeting=past, text="Conference")
    move(org, extra, "up")  # past: Career path, Conference, Release date (resolved)
    move(org, extra, "up")  # past: Conference, Career path, Release date
    services_agenda.point_add(actor=org.eng_manager.user, meeting=next_meeting, text="Roadmap")
    services.meeting_finish(actor=org.eng_manager.user, meeting=past)
    assert texts(next_meeting) == ["Conference", "Career path", "Roadmap"]
    assert orders(next_meeting) == [0, 1, 2]
    carried = TalkingPoint.objects.filter(meeting=next_meeting, carried_from__isnull=False)
    assert carried.count() == 2
    services.meeting_finish(actor=org.eng_manager.user, meeting=past)  # again: nothing new
    assert texts(next_meeting) == ["Conference", "Career path", "Roadmap"]


# --- who may move a point --------------------------------------------------------------------


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def test_only_the_two_participants_move_points_until_the_meeting_is_held(
    org, cast, next_meeting, agenda
):
    point = agenda[1]
    rule = {
        role: outcome(lambda r=role: access.talking_point_for_move(cast.user(r), point.pk).pk)
        for role in ROLES
    }
    assert rule == {role: point.pk if role in PARTICIPANTS else "404" for role in ROLES}
    assert access.can_reorder_agenda(next_meeting)
    services.meeting_finish(actor=org.eng_manager.user, meeting=next_meeting)
    next_meeting.refresh_from_db()
    held = {
        role: outcome(lambda r=role: access.talking_point_for_move(cast.user(r), point.pk).pk)
        for role in ROLES
    }
    assert held == {role: "403" if role in PARTICIPANTS else "404" for role in ROLES}
    assert not access.can_reorder_agenda(next_meeting)


# --- the page --------------------------------------------------------------------------------


def move_url(point: TalkingPoint) -> str:
    return reverse("meetings:point_move", args=[point.pk])


def test_htmx_swaps_the_agenda_and_keeps_focus_on_the_moved_point(
    org, next_meeting, agenda, django_assert_max_num_queries
):
    client = org.client_for(org.eng_manager)
    headers = {"HX-Request": "true"}
    with django_assert_max_num_queries(12):
        response = client.post(move_url(agenda[2]), {"direction": "up"}, headers=headers)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.startswith('<div id="agenda-list">')
    assert html.index("Training budget") < html.index("Roadmap")
    focused = re.findall(r'id="(point-\d+-(?:up|down))"[^>]*autofocus', html)
    assert focused == [f"point-{agenda[2].pk}-up"]
    # Now first: its "Move up" is disabled, so the focus goes to its "Move down".
    html = client.post(move_url(agenda[2]), {"direction": "up"}, headers=headers).content.decode()
    assert re.findall(r'id="(point-\d+-(?:up|down))"[^>]*autofocus', html) == [
        f"point-{agenda[2].pk}-down"
    ]
    assert re.search(rf'id="point-{agenda[2].pk}-up"[^>]*disabled', html)
    assert texts(next_meeting) == ["Training budget", "Career path", "Roadmap"]


def test_without_javascript_the_page_opens_at_the_moved_point(org, next_meeting, agenda):
    client = org.client_for(org.engineer)
    page = client.get(reverse("meetings:meeting", args=[next_meeting.pk])).content.decode()
    assert page.count(">Move up</button>") == 3 and 'id="agenda-list"' in page
    response = client.post(move_url(agenda[0]), {"direction": "down"})
    expected = reverse("meetings:meeting", args=[next_meeting.pk]) + f"#point-{agenda[0].pk}"
    assert response.status_code == 302 and response["Location"] == expected
    assert texts(next_meeting) == ["Roadmap", "Career path", "Training budget"]
    bad = client.post(move_url(agenda[0]), {"direction": "left"}, follow=True)
    assert "Direction: up or down." in bad.content.decode()


@pytest.mark.parametrize("who", ["hr", "eng_head", "exec_viewer", "engineer2", "ceo"])
def test_outsiders_cannot_move_a_point_on_the_page(org, next_meeting, agenda, who):
    response = org.client_for(getattr(org, who)).post(move_url(agenda[1]), {"direction": "up"})
    assert response.status_code == 404
    assert texts(next_meeting) == ["Career path", "Roadmap", "Training budget"]


def test_anonymous_is_sent_to_sign_in_and_moves_nothing(org, next_meeting, agenda):
    response = Client().post(move_url(agenda[1]), {"direction": "up"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert texts(next_meeting) == ["Career path", "Roadmap", "Training budget"]


def test_a_held_meeting_offers_no_moves_and_refuses_one(org, next_meeting, agenda):
    services.meeting_finish(actor=org.eng_manager.user, meeting=next_meeting)
    client = org.client_for(org.engineer)
    page = client.get(reverse("meetings:meeting", args=[next_meeting.pk])).content.decode()
    assert "Career path" in page and "Move up" not in page
    assert client.post(move_url(agenda[1]), {"direction": "up"}).status_code == 403
    assert texts(next_meeting) == ["Career path", "Roadmap", "Training budget"]


# --- the API ---------------------------------------------------------------------------------


def api_client(person) -> Client:
    _, token = api_token_create(actor=person.user, name="t")
    return Client(headers={"Authorization": f"Bearer {token}"})


def api_move(client: Client, point: TalkingPoint, body: dict):
    return client.post(
        f"{API}/talking-points/{point.pk}/move", body, content_type="application/json"
    )


def test_the_api_moves_a_point_and_answers_the_agenda(org, next_meeting, agenda):
    response = api_move(api_client(org.eng_manager), agenda[1], {"direction": "up"})
    assert response.status_code == 200
    answer = response.json()
    assert [p["text"] for p in answer] == ["Roadmap", "Career path", "Training budget"]
    assert [p["order"] for p in answer] == [0, 1, 2]
    invalid = api_move(api_client(org.engineer), agenda[1], {"direction": "left"})
    assert invalid.status_code == 422
    services.meeting_finish(actor=org.eng_manager.user, meeting=next_meeting)
    held = api_move(api_client(org.engineer), agenda[1], {"direction": "down"})
    assert held.status_code == 403 and "keeps its order" in held.json()["detail"]
    assert texts(next_meeting) == ["Roadmap", "Career path", "Training budget"]


@pytest.mark.parametrize("who", ["hr", "eng_head", "exec_viewer", "engineer2", "ceo"])
def test_outsiders_cannot_move_a_point_through_the_api(org, next_meeting, agenda, who):
    response = api_move(api_client(getattr(org, who)), agenda[1], {"direction": "up"})
    assert response.status_code == 404
    assert texts(next_meeting) == ["Career path", "Roadmap", "Training budget"]


def test_the_api_refuses_an_anonymous_move(org, next_meeting, agenda):
    assert api_move(Client(), agenda[1], {"direction": "up"}).status_code == 401
    assert texts(next_meeting) == ["Career path", "Roadmap", "Training budget"]
