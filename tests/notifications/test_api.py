"""The notifications API (/api/v1/notifications…): own notifications only, cursor pages,
marking read, and preferences checked as a whole."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadence.notifications import services
from cadence.notifications.models import Notification, NotificationPreference
from tests.conftest import Org
from tests.notifications.test_views import ALWAYS, SIGNED, goal, tell  # noqa: F401

API = "/api/v1"

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: object = None):
    return client.generic(
        method,
        API + url,
        "" if body is None else json.dumps(body),
        content_type="application/json",
    )


# --- refusals ------------------------------------------------------------------------------------


def test_anonymous_callers_get_401_everywhere(org: Org, goal) -> None:  # noqa: F811
    [n] = tell(org, goal)
    client = Client()
    for method, url, body in (
        ("GET", "/notifications", None),
        ("POST", f"/notifications/{n.pk}/read", None),
        ("POST", "/notifications/read-all", None),
        ("GET", "/notifications/preferences", None),
        ("PUT", "/notifications/preferences", {SIGNED.key: "email"}),
    ):
        assert send(client, method, url, body).status_code == 401, (method, url)
    n.refresh_from_db()
    assert n.read_at is None


def test_someone_elses_notification_is_404_and_stays_unread(org: Org, goal) -> None:  # noqa: F811
    [n] = tell(org, goal)
    for person in (org.eng_manager, org.engineer2, org.hr):
        client = org.client_for(person)
        assert send(client, "POST", f"/notifications/{n.pk}/read").status_code == 404
        assert send(client, "GET", "/notifications").json()["items"] == []
    assert send(org.client_for(org.hr), "POST", "/notifications/read-all").json() == {"marked": 0}
    n.refresh_from_db()
    assert n.read_at is None


def test_an_account_without_a_person_has_no_notifications(org: Org) -> None:
    from cadence.accounts.models import User

    admin = User.objects.create_user(email="root@example.com", password="x", is_hr_admin=True)
    client = Client()
    client.force_login(admin)
    assert send(client, "GET", "/notifications").status_code == 404
    assert send(client, "GET", "/notifications/preferences").status_code == 404


# --- reading -------------------------------------------------------------------------------------


def test_the_list_pages_with_a_cursor_and_filters_unread(org: Org, goal) -> None:  # noqa: F811
    made = tell(org, goal, 5)
    for i, n in enumerate(made):  # distinct times, the first made the oldest
        Notification.objects.filter(pk=n.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=10 - i)
        )
    services.mark_read(org.engineer, made[4])
    client = org.client_for(org.engineer)
    first = send(client, "GET", "/notifications?page_size=2").json()
    assert [i["id"] for i in first["items"]] == [made[4].pk, made[3].pk]
    item = first["items"][0]
    assert item["text"] == f"{org.eng_manager.full_name} looked at {goal.title}."
    assert (
        item["url"] == f"/goals/{goal.pk}/" and item["read"] is True and item["kind"] == SIGNED.key
    )
    rest = send(client, "GET", f"/notifications?page_size=2&cursor={first['next']}").json()
    assert [i["id"] for i in rest["items"]] == [made[2].pk, made[1].pk]
    unread = send(client, "GET", "/notifications?unread=true").json()["items"]
    assert {i["id"] for i in unread} == {n.pk for n in made[:4]}
    read = send(client, "GET", "/notifications?unread=false").json()["items"]
    assert [i["id"] for i in read] == [made[4].pk]


def test_the_list_needs_the_same_queries_for_one_item_or_fifty(org: Org, goal) -> None:  # noqa: F811
    client = org.client_for(org.engineer)
    tell(org, goal)
    send(client, "GET", "/notifications")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert send(client, "GET", "/notifications").status_code == 200
        return len(captured.captured_queries)

    small = count()
    tell(org, goal, 40)
    services.notify(ALWAYS.key, [org.engineer], actor=org.ceo)
    assert count() == small


def test_mark_one_and_all_read(org: Org, goal) -> None:  # noqa: F811
    one, _two, _three = tell(org, goal, 3)
    client = org.client_for(org.engineer)
    response = send(client, "POST", f"/notifications/{one.pk}/read")
    assert response.status_code == 200 and response.json()["read"] is True
    assert response.json()["id"] == one.pk
    assert send(client, "POST", "/notifications/read-all").json() == {"marked": 2}
    assert not Notification.objects.filter(read_at__isnull=True).exists()


# --- preferences ---------------------------------------------------------------------------------


def test_preferences_read_and_write(org: Org) -> None:
    client = org.client_for(org.engineer)
    listed = {p["kind"]: p for p in send(client, "GET", "/notifications/preferences").json()}
    assert listed[ALWAYS.key]["channel"] == "email" and listed[ALWAYS.key]["mandatory"] is True
    assert "off" not in listed[ALWAYS.key]["channels"] and "off" in listed[SIGNED.key]["channels"]
    response = send(
        client, "PUT", "/notifications/preferences", {SIGNED.key: "off", ALWAYS.key: "digest"}
    )
    assert response.status_code == 200
    after = {p["kind"]: p["channel"] for p in response.json()}
    assert after[SIGNED.key] == "off" and after[ALWAYS.key] == "digest"
    assert NotificationPreference.objects.filter(person=org.engineer).count() == 2


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"no.such.kind": "email"}, "no.such.kind"),
        ({"test.centre.goal": "pigeon"}, "test.centre.goal"),
        ({"test.centre.always": "off"}, "test.centre.always"),
        ({"test.centre.goal": "email", "test.centre.always": "off"}, "test.centre.always"),
    ],
)
def test_bad_preferences_are_422_naming_the_kind_and_nothing_is_saved(
    org: Org, body: dict, named: str
) -> None:
    response = send(org.client_for(org.engineer), "PUT", "/notifications/preferences", body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{named}: ")
    assert not NotificationPreference.objects.exists()


def test_an_hr_only_kind_reads_as_unknown_to_someone_else(org: Org) -> None:
    client = org.client_for(org.engineer)
    response = send(client, "PUT", "/notifications/preferences", {"people.import_applied": "off"})
    assert response.status_code == 422
    assert "people.import_applied" in response.content.decode()
    kinds_offered = {row["kind"] for row in client.get("/api/v1/notifications/preferences").json()}
    assert "people.import_applied" not in kinds_offered
    assert not org.engineer.notification_preferences.exists()


def test_a_preferences_body_that_is_not_an_object_is_refused(org: Org) -> None:
    client = org.client_for(org.engineer)
    assert send(client, "PUT", "/notifications/preferences", ["email"]).status_code == 422
    assert send(client, "PUT", "/notifications/preferences", {SIGNED.key: 3}).status_code == 422
