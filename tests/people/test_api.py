"""The people and departments API (/api/v1/): the same rules as the pages, session and
personal-token authentication, pagination and query counts."""

import base64
import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models.signals import pre_init
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadence.accounts import services as account_services
from cadence.accounts.models import ApiToken, User
from cadence.people import services
from cadence.people.api import PersonCard
from cadence.people.models import Department, Person
from tests.conftest import Org, make_person
from tests.people.test_access import MEMBERS, ORG_WIDE, ROLES, Cast, build_cast

API = "/api/v1"
SIGNED_OUT = frozenset({"anonymous", "deactivated"})
LINE_OF_TARGET = frozenset({"self", "direct_manager", "skip_manager"})
ABOVE_LEAVER = frozenset({"direct_manager", "skip_manager"})


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def status_for(allowed: frozenset[str], refused: int = 404) -> Callable[[str], int]:
    def expected(role: str) -> int:
        if role in allowed:
            return 200
        if role in SIGNED_OUT:
            return 401
        if role not in MEMBERS:
            return 404
        return refused

    return expected


ENDPOINTS: dict[str, tuple[Callable[[Cast], str], frozenset[str], int]] = {
    "people": (lambda c: f"{API}/people", MEMBERS, 404),
    "person": (lambda c: f"{API}/people/{c.target.pk}", MEMBERS, 404),
    "person who left": (lambda c: f"{API}/people/{c.leaver.pk}", ABOVE_LEAVER | ORG_WIDE, 404),
    "nobody": (lambda c: f"{API}/people/999999", frozenset(), 404),
    "reports": (
        lambda c: f"{API}/people/{c.org.eng_manager.pk}/reports",
        frozenset({"direct_manager", "skip_manager"}) | ORG_WIDE,
        403,
    ),
    "reports of a leaver": (
        lambda c: f"{API}/people/{c.leaver.pk}/reports",
        ABOVE_LEAVER | ORG_WIDE,
        404,
    ),
    "departments": (lambda c: f"{API}/departments", MEMBERS, 404),
    "department": (
        lambda c: f"{API}/departments/{Department.objects.get(full_name='Sales').pk}",
        MEMBERS,
        404,
    ),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_who_gets_each_endpoint(cast: Cast, endpoint: str) -> None:
    url_of, allowed, refused = ENDPOINTS[endpoint]
    url = url_of(cast)
    expected = status_for(allowed, refused)
    actual = {role: cast.client(role).get(url).status_code for role in ROLES}
    assert actual == {role: expected(role) for role in ROLES}


def test_refusals_are_json(cast: Cast) -> None:
    client = cast.client("employee")
    refused = client.get(f"{API}/people/{cast.org.eng_manager.pk}/reports")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/json")
    assert refused.json()["detail"]
    assert client.get(f"{API}/people/999999").json() == {"detail": "Not Found"}
    unauthorised = Client().get(f"{API}/people")
    assert unauthorised.status_code == 401
    assert unauthorised.json() == {"detail": "Unauthorized"}


@pytest.mark.any_data
def test_openapi_schema_is_served(db) -> None:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Cadence API"
    assert {
        f"{API}/people",
        f"{API}/people/{{person_id}}",
        f"{API}/people/{{person_id}}/reports",
        f"{API}/departments",
        f"{API}/departments/{{department_id}}",
    } <= set(schema["paths"])
    assert {"PersonalToken", "PersonalTokenHeader", "SessionAuth"} <= set(
        schema["components"]["securitySchemes"]
    )


# --- what a person looks like, to whom ------------------------------------------------------


def test_person_card_shape(cast: Cast) -> None:
    body = cast.client("employee").get(f"{API}/people/{cast.target.pk}").json()
    platform = Department.objects.get(full_name="Engineering/Platform")
    assert body == {
        "id": cast.target.pk,
        "first_name": "Ann",
        "last_name": "Engineer",
        "full_name": "Ann Engineer",
        "work_email": "ann.engineer@example.com",
        "job_title": "",
        "location": "",
        "status": "active",
        "department": {"id": platform.pk, "name": "Platform", "full_name": "Engineering/Platform"},
        "manager": {"id": cast.org.eng_manager.pk, "full_name": "Eng Manager"},
        "url": f"/people/{cast.target.pk}/",
        "time_zone": "",
        "employment": None,
        "direct_report_ids": [],
    }


def test_employment_block_and_sensitive_attributes(cast: Cast) -> None:
    url = f"{API}/people/{cast.target.pk}"
    for role in MEMBERS:
        employment = cast.client(role).get(url).json()["employment"]
        if role not in LINE_OF_TARGET | ORG_WIDE:
            assert employment is None, role
            continue
        assert employment["employee_id"] == "E100", role
        assert employment["level"] == "L3", role
        expected = {"cost_center": "CC-1"}
        if role == "hr_admin":
            expected["gender"] = "Female"
        assert employment["custom_attributes"] == expected, role


def test_direct_report_ids_are_active_reports(cast: Cast) -> None:
    body = cast.client("employee").get(f"{API}/people/{cast.org.eng_manager.pk}").json()
    assert sorted(body["direct_report_ids"]) == sorted(
        [cast.org.engineer.pk, cast.org.engineer2.pk]
    )


def test_a_leaver_to_their_former_manager(cast: Cast) -> None:
    body = cast.client("direct_manager").get(f"{API}/people/{cast.leaver.pk}").json()
    assert body["status"] == "left"
    assert body["employment"]["left_on"] == timezone.localdate().isoformat()
    assert body["employment"]["custom_attributes"] == {}  # gender: HR only


# --- lists ------------------------------------------------------------------------------------


def test_people_list_is_paginated(cast: Cast) -> None:
    client = cast.client("employee")
    active = Person.objects.filter(status=Person.Status.ACTIVE).count()
    body = client.get(f"{API}/people").json()
    assert set(body) == {"items", "next"}
    assert len(body["items"]) == active and body["next"] is None
    names = [p["full_name"] for p in body["items"]]
    assert names == sorted(names, key=lambda n: (n.split()[1], n.split()[0]))

    # Walking the cursor visits every row once, in the same order as one big page.
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"page_size": 4}
        if cursor:
            params["cursor"] = cursor
        page = client.get(f"{API}/people", params).json()
        assert 0 < len(page["items"]) <= 4
        seen += [p["id"] for p in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [p["id"] for p in body["items"]]
    assert client.get(f"{API}/people", {"page_size": 0}).status_code == 422


def test_cursor_keeps_its_place_when_rows_change(cast: Cast) -> None:
    client = cast.client("employee")
    first = client.get(f"{API}/people", {"page_size": 2}).json()
    # Someone sorting before the cursor arrives: an offset would repeat a row, a
    # cursor does not.
    services.person_create(actor=None, work_email="aaron@example.com", last_name="Aaa")
    second = client.get(f"{API}/people", {"page_size": 2, "cursor": first["next"]}).json()
    everyone = client.get(f"{API}/people").json()["items"]
    ids = [p["id"] for p in everyone]
    assert [p["id"] for p in second["items"]] == ids[3:5]
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}


def _cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        _cursor(b"not json"),
        _cursor(b"[1]"),  # the wrong number of keys
        _cursor(b'["a", "b", 1000000000000000000000000000000]'),  # no database holds it
        _cursor(b'["a", "b", 1e400]'),  # infinity
        _cursor(b'["a", "b", "x"]'),  # an id that is not a number
        _cursor(b'["a", "b", null]'),
        _cursor(b'["a", {}, 1]'),
    ],
)
def test_invalid_cursor_is_a_422_naming_it(cast: Cast, cursor: str) -> None:
    response = cast.client("employee").get(f"{API}/people", {"cursor": cursor})
    assert response.status_code == 422
    assert "cursor" in str(response.json()["detail"])


def test_page_size_is_capped(cast: Cast) -> None:
    for i in range(205):
        services.person_create(
            actor=None, work_email=f"bulk{i}@example.com", manager=cast.org.eng_manager
        )
    body = cast.client("employee").get(f"{API}/people", {"page_size": 1000}).json()
    assert len(body["items"]) == 200


def test_people_list_search_and_department(cast: Cast) -> None:
    client = cast.client("employee")
    engineering = Department.objects.get(full_name="Engineering")

    def names(**params: Any) -> set[str]:
        return {p["full_name"] for p in client.get(f"{API}/people", params).json()["items"]}

    assert names(q="ann") == {"Ann Engineer"}
    assert names(department_id=engineering.pk) == {
        "Eng Head",
        "Eng Manager",
        "Ann Engineer",
        "Bob Engineer",
    }
    assert names(department_id=engineering.pk, q="bob") == {"Bob Engineer"}
    assert names(q="e100") == set()  # not this employee's business
    assert client.get(f"{API}/people", {"department_id": 999999}).status_code == 404


def test_people_who_left_are_listed_for_hr_on_request(cast: Cast) -> None:
    for role in MEMBERS:
        client = cast.client(role)
        default = client.get(f"{API}/people").json()["items"]
        assert cast.leaver.pk not in {p["id"] for p in default}, role
        asked = client.get(f"{API}/people", {"include_left": "true"}).json()["items"]
        assert (cast.leaver.pk in {p["id"] for p in asked}) is (role in ORG_WIDE), role


def test_reports_whole_line_and_direct_only(cast: Cast) -> None:
    o = cast.org
    client = cast.client("skip_manager")
    line = client.get(f"{API}/people/{o.eng_head.pk}/reports").json()
    assert line["next"] is None
    assert {p["id"] for p in line["items"]} == {o.eng_manager.pk, o.engineer.pk, o.engineer2.pk}
    direct = client.get(f"{API}/people/{o.eng_head.pk}/reports", {"direct_only": "true"}).json()
    assert [p["id"] for p in direct["items"]] == [o.eng_manager.pk]


def test_departments(cast: Cast) -> None:
    body = cast.client("employee").get(f"{API}/departments").json()
    by_name = {d["full_name"]: d for d in body["items"]}
    assert list(by_name) == sorted(by_name)
    assert len(body["items"]) == Department.objects.count()
    platform = by_name["Engineering/Platform"]
    assert platform["parent_id"] == by_name["Engineering"]["id"]
    assert platform["headcount"] == 3  # the leaver is not counted
    one = cast.client("employee").get(f"{API}/departments/{platform['id']}").json()
    assert one == platform


# --- authentication ----------------------------------------------------------------------------


def token_for(person: Person, **kwargs: Any) -> tuple[ApiToken, str]:
    user = User.objects.get(pk=person.user_id)
    return account_services.api_token_create(actor=user, name="script", **kwargs)


def test_personal_token_in_authorization_or_x_api_token_header(cast: Cast) -> None:
    token, secret = token_for(cast.org.hr)
    url = f"{API}/people/{cast.target.pk}"
    for headers in ({"Authorization": f"Bearer {secret}"}, {"X-API-Token": secret}):
        response = Client().get(url, headers=headers)
        assert response.status_code == 200, headers
        # The token acts as its owner, with the owner's rules: HR sees gender.
        assert response.json()["employment"]["custom_attributes"]["gender"] == "Female"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_acts_with_its_owners_rules(cast: Cast) -> None:
    _token, secret = token_for(cast.org.seller)
    response = Client().get(
        f"{API}/people/{cast.target.pk}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.json()["employment"] is None
    refused = Client().get(
        f"{API}/people/{cast.org.eng_manager.pk}/reports",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert refused.status_code == 403


def test_unusable_tokens_are_refused(cast: Cast) -> None:
    url = f"{API}/people"
    revoked, revoked_secret = token_for(cast.org.hr)
    account_services.api_token_revoke(actor=revoked.user, token=revoked)
    expired, expired_secret = token_for(cast.org.hr, expires_in_days=30)
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    _leaver_token, leaver_secret = token_for(cast.org.seller)
    services.person_mark_left(actor=None, person=cast.org.seller)
    _valid, valid_secret = token_for(cast.org.hr)
    for secret in (
        revoked_secret,
        expired_secret,
        leaver_secret,
        "cad_not-a-token",
        valid_secret + "x",
        valid_secret.removeprefix("cad_"),
        "",
    ):
        for headers in ({"Authorization": f"Bearer {secret}"}, {"X-API-Token": secret}):
            assert Client().get(url, headers=headers).status_code == 401, (secret, headers)
    assert Client().get(url, headers={"X-API-Token": valid_secret}).status_code == 200


def test_session_auth(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.org.engineer.user)
    assert client.get(f"{API}/people").status_code == 200
    # People are never deleted (those who leave are kept): the method is not routed.
    assert client.delete(f"{API}/people/{cast.target.pk}").status_code == 405


def test_session_writes_need_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.org.hr.user)
    body = {"work_email": "csrf.check@example.com"}
    without = client.post(f"{API}/people", body, content_type="application/json")
    assert without.status_code == 403
    assert not Person.objects.filter(work_email="csrf.check@example.com").exists()
    client.get("/")  # the page sets the CSRF cookie, as in the browser
    token = client.cookies["csrftoken"].value
    with_token = client.post(
        f"{API}/people", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert with_token.status_code == 201


def test_deactivated_accounts_session_is_refused(cast: Cast) -> None:
    client = cast.client("employee")
    assert client.get(f"{API}/people").status_code == 200
    services.person_mark_left(actor=None, person=cast.org.seller)
    assert client.get(f"{API}/people").status_code == 401


# --- query counts -------------------------------------------------------------------------------


def count_queries(client: Client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(ctx)


def test_list_queries_do_not_grow_with_page_size(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    lead = cast.org.eng_manager
    for i in range(12):
        report = make_person(
            f"api{i}.report@example.com", manager=lead, department=f"Engineering/Squad {i}"
        )
        make_person(f"api{i}.sub@example.com", manager=report, department="Sales")
    _token, secret = token_for(cast.org.hr)
    client = cast.client("employee")
    hr = cast.client("hr_admin")
    # session, user, acting person, page — no count (core/pagination.py); a search
    # term adds one look at the employee ids (queries.directory_search).
    for url, who, limit in [
        (f"{API}/people?page_size=", client, 4),
        (f"{API}/people?q=report&page_size=", client, 5),
        (f"{API}/people?include_left=true&page_size=", hr, 4),
        (f"{API}/people/{cast.org.eng_head.pk}/reports?page_size=", hr, 4),
        (f"{API}/people/{lead.pk}/reports?direct_only=true&page_size=", hr, 4),
        (f"{API}/departments?page_size=", client, 4),
    ]:
        assert count_queries(who, url + "2") == count_queries(who, url + "12"), url
        with django_assert_max_num_queries(limit):
            who.get(url + "12")
    # A token costs one lookup instead of the session and the user (and a write of
    # last_used_at at most once a minute: the first request pays it).
    token = {"Authorization": f"Bearer {secret}"}
    Client().get(f"{API}/people", headers=token)
    assert count_queries(Client(), f"{API}/people?page_size=2", **token) == count_queries(
        Client(), f"{API}/people?page_size=12", **token
    )
    with django_assert_max_num_queries(2):  # token, page (HR needs no person)
        Client().get(f"{API}/people?page_size=12", headers=token)


def test_a_manager_who_left_is_shown_only_to_those_who_may_see_them(cast: Cast) -> None:
    o = cast.org
    services.person_mark_left(actor=None, person=o.eng_manager)
    for role, sees in [
        ("employee", False),
        ("colleague", False),
        ("other_manager", False),
        ("skip_manager", True),
        ("hr_admin", True),
        ("executive", True),
    ]:
        client = cast.client(role)
        card = client.get(f"{API}/people/{o.engineer.pk}").json()
        assert (card["manager"] is not None) is sees, role
        listed = client.get(f"{API}/people", {"q": "ann"}).json()["items"]
        assert (listed[0]["manager"] is not None) is sees, role


def test_a_deep_page_is_a_seek_not_an_offset(cast: Cast) -> None:
    """A later page filters on the last row's key instead of skipping rows, and no
    request counts the list."""
    for i in range(6):
        make_person(f"deep{i}@example.com", manager=cast.org.eng_manager)
    client = cast.client("employee")
    first = client.get(f"{API}/people", {"page_size": 3}).json()
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(f"{API}/people", {"page_size": 3, "cursor": first["next"]})
    assert second.status_code == 200
    page = ctx.captured_queries[-1]["sql"].upper()
    assert "OFFSET" not in page and "LIMIT 4" in page
    assert not any("COUNT(*)" in q["sql"].upper() for q in ctx.captured_queries)


# --- the lists shape their rows without the schema (core/pagination.paginate_rows) ------


def _lists_for(role: str, cast: Cast) -> list[str]:
    urls = [f"{API}/people?page_size=200"]
    if role in ORG_WIDE:
        urls.append(f"{API}/people?include_left=true&page_size=200")
    if role in {"skip_manager"} | ORG_WIDE:
        head = cast.org.eng_head.pk
        urls += [f"{API}/people/{head}/reports", f"{API}/people/{head}/reports?direct_only=true"]
    return urls


def test_list_rows_are_the_cards_the_schema_shows(cast: Cast) -> None:
    """Every row of every people list is, key for key and in the same order, the
    ``PersonCard`` part of what the person endpoint (the schema, resolvers and all)
    shows the same caller: manager who left, no department and no name included."""
    o = cast.org
    boss = make_person("boss.leaving@example.com", manager=o.eng_head, department="Engineering")
    make_person("rita.report@example.com", manager=boss, department="Engineering")
    make_person("nameless@example.com", first_name="", last_name="", manager=o.eng_head)
    services.person_mark_left(actor=None, person=boss)
    keys = list(PersonCard.model_fields)
    seen_manager_who_left = set()
    for role in sorted(MEMBERS):
        client = cast.client(role)
        for url in _lists_for(role, cast):
            items = client.get(url).json()["items"]
            assert items, (role, url)
            for item in items:
                card = client.get(f"{API}/people/{item['id']}").json()
                assert list(item) == keys, (role, url)
                assert item == {k: card[k] for k in keys}, (role, url)
                if item["last_name"] == "Report":
                    seen_manager_who_left.add((role, item["manager"] is not None))
    assert ("employee", False) in seen_manager_who_left
    assert ("skip_manager", True) in seen_manager_who_left


def test_lists_build_no_model_instance_per_row(cast: Cast) -> None:
    """A list page is one query of values, shaped as dicts: the model instances (and
    the schema objects) built per row were most of a 200-row page's time."""
    lead = cast.org.eng_manager
    for i in range(12):
        make_person(f"rows{i}.report@example.com", manager=lead, department="Engineering")
    built: list[type] = []

    def count(sender: type, **kwargs: Any) -> None:
        built.append(sender)

    def instances(client: Client, url: str) -> int:
        built.clear()
        pre_init.connect(count)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            pre_init.disconnect(count)
        return len(built)

    employee, hr = cast.client("employee"), cast.client("hr_admin")
    for client, url in [
        (employee, f"{API}/people?page_size="),
        (hr, f"{API}/people?include_left=true&page_size="),
        (hr, f"{API}/people/{cast.org.eng_head.pk}/reports?page_size="),
        (hr, f"{API}/people/{lead.pk}/reports?direct_only=true&page_size="),
    ]:
        assert instances(client, url + "2") == instances(client, url + "12"), url
