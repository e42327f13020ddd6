"""The notification centre's pages: the bell, the list, marking read, preferences and
HR's delivery page — and who is refused each of them."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.goals import services as goals
from cadence.notifications import kinds, services
from cadence.notifications.models import Channel, Notification, NotificationPreference, OutboundMail
from cadence.planning import services as planning
from tests.conftest import Org

SIGNED = kinds.register_kind(
    kinds.Kind(
        key="test.centre.goal",
        group="Centre tests",
        label="Someone looked at my goal",
        sentence="{actor} looked at {target}.",
    )
)
ALWAYS = kinds.register_kind(
    kinds.Kind(
        key="test.centre.always",
        group="Centre tests",
        label="Something I must know",
        sentence="You must know this.",
        default=Channel.EMAIL,
        mandatory=True,
    )
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(org: Org):
    today = datetime.date.today()
    period = planning.period_create(
        actor=org.hr.user,
        name="This year",
        kind="year",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
    )
    planning.period_activate(actor=org.hr.user, period=period)
    return goals.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Ship the importer",
        owner_type="person",
        owner_person=org.engineer,
    )


def tell(org: Org, goal, n: int = 1) -> list[Notification]:
    return [
        services.notify(SIGNED.key, [org.engineer], actor=org.eng_manager, target=goal)[0]
        for _ in range(n)
    ]


def bell_count(html: str) -> int:
    found = re.search(r'class="bell-count" data-count="(\d+)"', html)
    return int(found.group(1)) if found else 0


# --- the bell ----------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_on_every_page(org: Org, goal) -> None:
    tell(org, goal, 3)
    client = org.client_for(org.engineer)
    page = client.get(reverse("people:directory")).content.decode()
    assert bell_count(page) == 3
    assert 'href="/notifications/"' in page
    # Someone else's bell is theirs: nothing for the manager.
    assert bell_count(org.client_for(org.eng_manager).get("/notifications/").content.decode()) == 0


def test_the_bell_costs_one_count_query_and_fragments_none(org: Org, goal) -> None:
    tell(org, goal)
    client = org.client_for(org.engineer)
    client.get(reverse("people:directory"))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("people:directory"))
    counts = [q for q in captured if 'FROM "notifications_notification"' in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0]["sql"]
    # An htmx fragment without the header (the directory's results) counts nothing.
    with CaptureQueriesContext(connection) as captured:
        client.get(
            reverse("people:directory") + "?q=ann",
            headers={"HX-Request": "true", "HX-Target": "directory-results"},
        )
    assert not [q for q in captured if 'FROM "notifications_notification"' in q["sql"]]


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_sentences_times_and_links_newest_first(org: Org, goal) -> None:
    first, second = tell(org, goal, 2)
    Notification.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    page = org.client_for(org.engineer).get("/notifications/").content.decode()
    sentence = f"{org.eng_manager.full_name} looked at Ship the importer."
    assert page.count(f"{sentence}</a>") == 2
    assert page.index(f"/notifications/{second.pk}/open") < page.index(
        f"/notifications/{first.pk}/open"
    )
    assert "Mark all as read" in page and page.count("Mark as read") == 2


def test_unread_and_all_tabs_and_the_empty_states(org: Org, goal) -> None:
    client = org.client_for(org.engineer)
    assert "No notifications yet" in client.get("/notifications/?show=all").content.decode()
    [n] = tell(org, goal)
    services.mark_read(org.engineer, n)
    unread = client.get("/notifications/").content.decode()
    assert "You are all caught up" in unread and f"/notifications/{n.pk}/open" not in unread
    assert f"/notifications/{n.pk}/open" in client.get("/notifications/?show=all").content.decode()


def test_opening_an_item_marks_it_read_and_leads_to_its_object(org: Org, goal) -> None:
    [n] = tell(org, goal)
    response = org.client_for(org.engineer).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("goals:goal", args=[goal.pk])
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_item_without_an_object_to_open_leads_back_to_the_list(org: Org) -> None:
    [n] = services.notify(ALWAYS.key, [org.engineer])
    response = org.client_for(org.engineer).get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_one_read_without_javascript_goes_back_where_it_was(org: Org, goal) -> None:
    [n] = tell(org, goal)
    response = org.client_for(org.engineer).post(
        reverse("notifications:read", args=[n.pk]), {"next": "/notifications/?show=all"}
    )
    assert response.status_code == 302 and response["Location"] == "/notifications/?show=all"
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_one_read_never_goes_back_to_another_site(org: Org, goal) -> None:
    [n] = tell(org, goal)
    response = org.client_for(org.engineer).post(
        reverse("notifications:read", args=[n.pk]), {"next": "//evil.example.com/"}
    )
    assert response["Location"] == reverse("notifications:list")


def test_mark_one_read_with_htmx_answers_the_item_and_the_bell_out_of_band(org: Org, goal) -> None:
    n, _other = tell(org, goal, 2)
    response = org.client_for(org.engineer).post(
        reverse("notifications:read", args=[n.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert f'id="notification-{n.pk}"' in html and "notification-unread" not in html
    assert 'id="bell"' in html and 'hx-swap-oob="true"' in html and bell_count(html) == 1


def test_mark_all_read_with_and_without_htmx(org: Org, goal) -> None:
    tell(org, goal, 3)
    client = org.client_for(org.engineer)
    html = client.post(reverse("notifications:read_all"), headers={"HX-Request": "true"})
    text = html.content.decode()
    assert "You are all caught up" in text and 'hx-swap-oob="true"' in text
    assert bell_count(text) == 0
    assert not Notification.objects.filter(recipient=org.engineer, read_at__isnull=True).exists()
    tell(org, goal)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    assert not Notification.objects.filter(recipient=org.engineer, read_at__isnull=True).exists()


def test_the_list_needs_the_same_queries_for_one_item_or_thirty(org: Org, goal) -> None:
    client = org.client_for(org.engineer)
    tell(org, goal)
    client.get("/notifications/?show=all")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/notifications/?show=all").status_code == 200
        return len(captured.captured_queries)

    small = count()
    tell(org, goal, 29)
    services.notify(ALWAYS.key, [org.engineer], actor=org.ceo)
    assert count() == small


# --- refusals ------------------------------------------------------------------------------------


def test_someone_elses_notification_reads_as_missing(org: Org, goal) -> None:
    [n] = tell(org, goal)
    for person in (org.eng_manager, org.engineer2, org.hr):
        client = org.client_for(person)
        assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
        assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client, org: Org, goal) -> None:
    [n] = tell(org, goal)
    for url in (
        reverse("notifications:list"),
        reverse("notifications:preferences"),
        reverse("notifications:delivery"),
        reverse("notifications:open", args=[n.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reading_needs_a_post(org: Org, goal) -> None:
    [n] = tell(org, goal)
    client = org.client_for(org.engineer)
    assert client.get(reverse("notifications:read", args=[n.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405


# --- preferences ---------------------------------------------------------------------------------


def test_preferences_list_every_kind_and_say_which_cannot_be_off(org: Org) -> None:
    page = org.client_for(org.engineer).get("/notifications/preferences/").content.decode()
    for registered in kinds.all_kinds():
        # HR-only kinds (a people import applied) are not offered to an engineer.
        for_everyone = registered.audience is None
        assert (registered.label in page) == for_everyone, registered.key
    hr_page = org.client_for(org.hr).get("/notifications/preferences/").content.decode()
    assert all(registered.label in hr_page for registered in kinds.all_kinds())
    assert "Centre tests" in page and "cannot be switched off" in page
    mandatory = page.split(f'name="{ALWAYS.key}"')[1].split("</select>")[0]
    assert 'value="off"' not in mandatory and 'value="email" selected' in mandatory
    assert "UTC" in page  # the time zone digests follow


def test_an_hr_only_kind_is_not_a_field_for_someone_else(org: Org) -> None:
    # The form has no such field: the value is ignored, and nothing is saved.
    org.client_for(org.engineer).post(
        "/notifications/preferences/", {"people.import_applied": "off"}
    )
    assert not org.engineer.notification_preferences.exists()


def test_preferences_are_saved(org: Org) -> None:
    client = org.client_for(org.engineer)
    response = client.post(
        "/notifications/preferences/", {SIGNED.key: "digest", ALWAYS.key: "in_app"}
    )
    assert response.status_code == 302
    saved = dict(
        NotificationPreference.objects.filter(person=org.engineer).values_list("kind", "channel")
    )
    assert saved[SIGNED.key] == "digest" and saved[ALWAYS.key] == "in_app"
    page = client.get("/notifications/preferences/").content.decode()
    assert 'value="digest" selected' in page.split(f'name="{SIGNED.key}"')[1].split("</select>")[0]


def test_off_for_a_mandatory_kind_is_refused_and_nothing_saved(org: Org) -> None:
    client = org.client_for(org.engineer)
    response = client.post(
        "/notifications/preferences/", {SIGNED.key: "off", ALWAYS.key: "off"}, follow=True
    )
    assert f"{ALWAYS.label}: this notification cannot be switched off." in (
        response.content.decode()
    )
    assert not NotificationPreference.objects.filter(person=org.engineer).exists()


# --- the delivery page ---------------------------------------------------------------------------


def test_hr_sees_the_outbox_with_counts_and_a_state_filter(org: Org) -> None:
    services.notify(ALWAYS.key, [org.engineer, org.seller])
    OutboundMail.objects.filter(recipient=org.seller).update(
        state=OutboundMail.State.FAILED, attempts=5, last_error="550 mailbox unavailable"
    )
    client = org.client_for(org.hr)
    page = client.get("/notifications/delivery/").content.decode()
    assert org.engineer.full_name in page and org.seller.full_name in page
    assert "550 mailbox unavailable" in page
    failed = client.get("/notifications/delivery/?state=failed").content.decode()
    assert org.seller.full_name in failed and org.engineer.full_name not in failed
    assert 'href="/notifications/delivery/"' in client.get("/").content.decode()


def test_the_delivery_page_is_hrs_only(client, org: Org) -> None:
    for person in (org.engineer, org.eng_manager, org.exec_viewer, org.ceo):
        assert org.client_for(person).get("/notifications/delivery/").status_code == 403
    page = org.client_for(org.engineer).get("/notifications/").content.decode()
    assert "/notifications/delivery/" not in page


def test_an_account_without_a_person_has_no_centre_but_hr_keeps_the_delivery_page(
    org: Org,
) -> None:
    from django.test import Client

    from cadence.accounts.models import User

    plain = User.objects.create_user(email="nobody@example.com", password="x")
    admin = User.objects.create_user(email="root@example.com", password="x", is_hr_admin=True)
    for user, delivery_status in ((plain, 404), (admin, 200)):
        client = Client()
        client.force_login(user)
        assert client.get("/notifications/").status_code == 404
        assert client.get("/notifications/preferences/").status_code == 404
        assert client.post("/notifications/read-all").status_code == 404
        assert client.get("/notifications/delivery/").status_code == delivery_status
    page = client.get("/notifications/delivery/").content.decode()
    assert 'id="bell"' not in page
