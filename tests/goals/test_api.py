"""The goals API (/api/v1/): the pages' rules, private goals never leaking through lists,
search, counts or the alignment tree, writes through the services, constant queries."""

from decimal import Decimal

import pytest
from django.db.models.signals import pre_init
from django.test import Client

from cadence.accounts import services as account_services
from cadence.goals import services
from cadence.goals.api import GoalOut
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.people import services as people_services
from tests.conftest import Org, make_person

API = "/api/v1"
SECRET = "Secret private goal of Ann"


def person_goal_of(person, period, title, **fields) -> Goal:
    """An active goal, as set by the person's manager (one the person drafts waits for
    approval)."""
    return services.goal_create(
        actor=person.manager.user,
        period=period,
        title=title,
        owner_type=Goal.Owner.PERSON,
        owner_person=person,
        **fields,
    )


def key_result(goal: Goal, title: str = "Builds per day") -> KeyResult:
    return services.key_result_create(
        actor=None, goal=goal, title=title, start_value=Decimal(0), target_value=Decimal(10)
    )


@pytest.fixture
def private_goal(org: Org, period) -> Goal:
    goal = person_goal_of(org.engineer, period, SECRET, visibility=Goal.Visibility.PRIVATE)
    key_result(goal, "Secret key result")
    return goal


@pytest.fixture
def kr(person_goal: Goal) -> KeyResult:
    return key_result(person_goal)


def titles(body) -> list[str]:
    items = body["items"] if isinstance(body, dict) else body
    return [g["title"] for g in items]


# --- refusals --------------------------------------------------------------------------------


def test_anonymous_gets_401_everywhere(person_goal, kr) -> None:
    client = Client()
    for url in (
        f"{API}/goals",
        f"{API}/goals/{person_goal.pk}",
        f"{API}/goals/{person_goal.pk}/children",
        f"{API}/goals/alignment",
        f"{API}/key-results/{kr.pk}/check-ins",
    ):
        assert client.get(url).status_code == 401, url
    assert (
        client.post(
            f"{API}/key-results/{kr.pk}/check-ins", {"value": 1}, content_type="application/json"
        ).status_code
        == 401
    )
    assert client.post(f"{API}/goals", {}, content_type="application/json").status_code == 401


def test_private_goal_endpoints_refused_to_outsiders(org: Org, private_goal) -> None:
    secret_kr = private_goal.key_results.get()
    for outsider in (org.engineer2, org.seller, org.sales_manager):
        client = org.client_for(outsider)
        assert client.get(f"{API}/goals/{private_goal.pk}").status_code == 404
        assert client.get(f"{API}/goals/{private_goal.pk}/children").status_code == 404
        assert client.get(f"{API}/key-results/{secret_kr.pk}/check-ins").status_code == 404
        response = client.post(
            f"{API}/key-results/{secret_kr.pk}/check-ins",
            {"value": 3},
            content_type="application/json",
        )
        assert response.status_code == 404
    for insider in (org.engineer, org.eng_manager, org.hr):
        body = org.client_for(insider).get(f"{API}/goals/{private_goal.pk}").json()
        assert body["title"] == SECRET


def test_check_in_refused_to_colleague_and_other_branch(org: Org, kr) -> None:
    for person in (org.engineer2, org.sales_manager):
        response = org.client_for(person).post(
            f"{API}/key-results/{kr.pk}/check-ins",
            {"value": 3},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_patch_refused_to_colleague_and_other_branch(org: Org, person_goal) -> None:
    for person in (org.engineer2, org.sales_manager, org.seller):
        response = org.client_for(person).patch(
            f"{API}/goals/{person_goal.pk}",
            {"title": "Hijacked"},
            content_type="application/json",
        )
        assert response.status_code == 403, person
    person_goal.refresh_from_db()
    assert person_goal.title != "Hijacked"


# --- private goals never leak ---------------------------------------------------------------------


def test_lists_search_and_counts_hide_private_goals(org: Org, person_goal, private_goal) -> None:
    for outsider in (org.engineer2, org.seller, org.sales_manager):
        client = org.client_for(outsider)
        body = client.get(f"{API}/goals").json()
        assert SECRET not in titles(body)
        assert body["next"] is None
        assert person_goal.title in titles(body)
        search = client.get(f"{API}/goals", {"q": "secret"}).json()
        assert search == {"items": [], "next": None}
        mine = client.get(f"{API}/goals", {"owner": org.engineer.pk}).json()
        assert SECRET not in titles(mine)
        assert SECRET not in str(client.get(f"{API}/goals/alignment").json())
    owner = org.client_for(org.engineer).get(f"{API}/goals", {"owner": "me"}).json()
    assert SECRET in titles(owner)
    manager = org.client_for(org.eng_manager).get(f"{API}/goals", {"q": "secret"}).json()
    assert titles(manager) == [SECRET]


def test_alignment_tree_has_no_private_goal_even_for_its_owner(
    org, company_goal, team_goal, private_goal
) -> None:
    body = org.client_for(org.engineer).get(f"{API}/goals/alignment").json()
    assert SECRET not in str(body)


# --- reads --------------------------------------------------------------------------------------


def test_goal_with_key_results(org: Org, person_goal, kr) -> None:
    body = org.client_for(org.seller).get(f"{API}/goals/{person_goal.pk}").json()
    assert body["id"] == person_goal.pk
    assert body["owner"]["person_id"] == org.engineer.pk
    assert body["owner"]["type"] == "person"
    assert kr.title in [k["title"] for k in body["key_results"]]
    assert len(body["key_results"]) == person_goal.key_results.count()
    assert body["url"] == f"/goals/{person_goal.pk}/"
    assert set(body) >= {"progress", "at_risk", "state", "visibility", "period", "parent_id"}


def test_alignment_first_two_levels_and_children(
    org: Org, company_goal, team_goal, person_goal
) -> None:
    client = org.client_for(org.seller)
    body = client.get(f"{API}/goals/alignment").json()
    assert [r["title"] for r in body] == [company_goal.title]
    assert [c["title"] for c in body[0]["children"]] == [team_goal.title]
    assert body[0]["children"][0]["child_count"] >= 1
    children = client.get(f"{API}/goals/{team_goal.pk}/children").json()
    assert person_goal.title in [c["title"] for c in children]


def test_alignment_roots_and_children_show_goals_as_the_other_endpoints_do(
    org: Org, company_goal, team_goal, person_goal
) -> None:
    """The roots are read from the tree's nodes (``queries.TreeNode``): every field of
    a goal, resolved from the goal as ``/goals/{id}`` and ``/children`` resolve it."""
    client = org.client_for(org.seller)
    (root,) = client.get(f"{API}/goals/alignment").json()
    detail = client.get(f"{API}/goals/{company_goal.pk}").json()
    children = client.get(f"{API}/goals/{company_goal.pk}/children").json()
    assert root.pop("children") == children
    assert root.pop("child_count") == len(children) == 1
    assert root == {key: detail[key] for key in root}
    assert set(root) == set(children[0]) - {"child_count"}


def test_list_filters(org: Org, period, person_goal) -> None:
    sales_goal = person_goal_of(org.seller, period, "Close ten deals")
    client = org.client_for(org.seller)
    assert titles(client.get(f"{API}/goals", {"owner": "me"}).json()) == [sales_goal.title]
    by_department = client.get(
        f"{API}/goals", {"department": org.seller.department_id, "period": period.pk}
    ).json()
    assert titles(by_department) == [sales_goal.title]
    assert client.get(f"{API}/goals", {"owner": "nobody"}).status_code == 422


# --- writes -------------------------------------------------------------------------------------


def test_check_in_and_history(org: Org, kr) -> None:
    client = org.client_for(org.engineer)
    response = client.post(
        f"{API}/key-results/{kr.pk}/check-ins",
        {"value": "5", "confidence": "at_risk", "comment": "Halfway"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["progress"] == pytest.approx(0.5)
    assert response.json()["author_name"] == org.engineer.full_name
    history = org.client_for(org.seller).get(f"{API}/key-results/{kr.pk}/check-ins").json()
    assert [c["comment"] for c in history["items"]] == ["Halfway"]
    kr.refresh_from_db()
    assert kr.current_value == 5


def test_create_and_patch_a_goal(org: Org, period, team_goal) -> None:
    client = org.client_for(org.engineer2)
    response = client.post(
        f"{API}/goals",
        {"title": "Learn Rust", "period_id": period.pk, "parent_id": team_goal.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"]["person_id"] == org.engineer2.pk
    assert body["parent_id"] == team_goal.pk
    patched = client.patch(
        f"{API}/goals/{body['id']}",
        {"title": "Learn Rust well", "parent_id": 0},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Learn Rust well"
    assert patched.json()["parent_id"] is None


def test_create_goals_for_a_report_a_team_and_the_company(org: Org, period) -> None:
    from cadence.people.models import Department

    platform = Department.objects.get(full_name="Engineering/Platform")
    manager = org.client_for(org.eng_manager)

    def post(client, **body):
        return client.post(
            f"{API}/goals",
            {"title": "T", "period_id": period.pk, **body},
            content_type="application/json",
        )

    made = post(manager, owner_person_id=org.engineer.pk)
    assert made.status_code == 201, made.content
    assert made.json()["owner"]["person_id"] == org.engineer.pk
    assert post(manager, owner_type="team", owner_department_id=platform.pk).status_code == 201
    assert post(org.client_for(org.hr), owner_type="company").status_code == 201
    # Outside one's reach: another branch's report and team, the company for a manager.
    other = org.client_for(org.sales_manager)
    assert post(other, owner_person_id=org.engineer.pk).status_code == 403
    assert post(other, owner_type="team", owner_department_id=platform.pk).status_code == 403
    assert post(manager, owner_type="company").status_code == 403
    assert post(org.client_for(org.engineer), owner_type="company").status_code == 403


def test_token_authentication(org: Org, person_goal) -> None:
    _, secret = account_services.api_token_create(actor=org.seller.user, name="cli")
    response = Client().get(f"{API}/goals/{person_goal.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_session_writes_need_csrf(org: Org, kr) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.engineer.user)
    response = client.post(
        f"{API}/key-results/{kr.pk}/check-ins", {"value": 1}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert not CheckIn.objects.exists()


# --- query counts ---------------------------------------------------------------------------------


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_list_and_alignment_queries_do_not_grow(
    org: Org, period, company_goal, team_goal, django_assert_max_num_queries
) -> None:
    client = org.client_for(org.seller)
    urls = [f"{API}/goals", f"{API}/goals/alignment", f"{API}/goals/{team_goal.pk}/children"]
    small = {url: _count(client, url) for url in urls}
    for i in range(4):
        person = make_person(
            f"extra.person{i}@example.com", manager=org.sales_manager, department="Sales/Enterprise"
        )
        root = services.goal_create(
            actor=None, period=period, title=f"Company {i}", owner_type=Goal.Owner.COMPANY
        )
        for j in range(3):
            person_goal_of(person, period, f"Aligned {i}.{j}", parent=root)
            person_goal_of(person, period, f"Team {i}.{j}", parent=team_goal)
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            assert client.get(url).status_code == 200


def test_goal_detail_queries_do_not_grow(
    org: Org, person_goal, django_assert_max_num_queries
) -> None:
    client = org.client_for(org.seller)
    url = f"{API}/goals/{person_goal.pk}"
    key_result(person_goal)
    small = _count(client, url)
    for i in range(6):
        key_result(person_goal, f"KR {i}")
    with django_assert_max_num_queries(small):
        client.get(url)


# --- the list shapes its rows without the schema (core/pagination.paginate_rows) ----------


def test_list_rows_are_what_the_schema_shows(
    org: Org, period, person_goal, company_goal, private_goal
) -> None:
    """Every row of the goal list is, key for key and in the same order, the ``GoalOut``
    part of what the goal endpoint (the schema and its resolvers) shows the same
    caller — an owner who left, a private goal, a due date and a check-in included."""
    leaver = make_person(
        "lou.leaving@example.com", manager=org.eng_manager, department="Engineering/Platform"
    )
    person_goal_of(leaver, period, "Left behind", due_on=period.ends_on, weight=Decimal("2.5"))
    people_services.person_mark_left(actor=None, person=leaver)
    services.check_in_create(
        actor=org.engineer.user,
        key_result=person_goal.key_results.first(),
        value=Decimal(3),
        confidence=CheckIn.Confidence.AT_RISK,
    )
    keys = list(GoalOut.model_fields)
    owners_of_left_behind = {}
    for person in (
        org.seller,
        org.engineer,
        org.eng_manager,
        org.eng_head,
        org.hr,
        org.exec_viewer,
    ):
        client = org.client_for(person)
        items = client.get(f"{API}/goals", {"page_size": 200}).json()["items"]
        assert items
        for item in items:
            detail = client.get(f"{API}/goals/{item['id']}").json()
            assert list(item) == keys
            assert item == {k: detail[k] for k in keys}, (person, item["title"])
            if item["title"] == "Left behind":
                owners_of_left_behind[person.work_email] = item["owner"]["person_name"]
    assert owners_of_left_behind[org.seller.work_email] == "Former employee"
    assert owners_of_left_behind[org.eng_manager.work_email] == "Lou Leaving"


def test_list_builds_no_model_instance_per_row(org: Org, period, company_goal) -> None:
    """A page is one query of values, shaped as dicts: model instances and schema
    objects per row were most of a 200-row page's time."""
    for i in range(12):
        person_goal_of(org.engineer, period, f"Goal {i}")
    built: list[type] = []

    def count(sender: type, **kwargs) -> None:
        built.append(sender)

    def instances(client: Client, url: str) -> int:
        built.clear()
        pre_init.connect(count)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            pre_init.disconnect(count)
        return len(built)

    for person in (org.seller, org.hr):
        client = org.client_for(person)
        for url in (f"{API}/goals?page_size=", f"{API}/goals?owner=me&page_size="):
            assert instances(client, url + "2") == instances(client, url + "12"), url
