"""The planning API (/api/v1/): the same rules as the pages, then the sign-off flow,
change after agreement, start from previous and closed periods."""

from collections.abc import Callable

import pytest

from cadence.planning import services
from cadence.planning.models import CompetencyFramework, PerformancePeriod, PerformancePlan
from tests.conftest import Org
from tests.people.test_access import MEMBERS, ORG_WIDE, ROLES, Cast, build_cast
from tests.planning.conftest import agree

API = "/api/v1"
JSON = "application/json"
SIGNED_OUT = frozenset({"anonymous", "deactivated"})
LINE = frozenset({"self", "direct_manager", "skip_manager"})
EDITORS = LINE | {"hr_admin"}


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def expected_for(
    allowed: frozenset[str], refused: dict[str, int] | None = None, ok: int = 200
) -> Callable[[str], int]:
    def expected(role: str) -> int:
        if role in allowed:
            return ok
        if role in SIGNED_OUT:
            return 401
        if role not in MEMBERS:
            return 404
        return (refused or {}).get(role, 404)

    return expected


def call(cast: Cast, role: str, method: str, url: str, body: dict | None) -> int:
    client = cast.client(role)
    if method == "get":
        return client.get(url).status_code
    return getattr(client, method)(url, body or {}, content_type=JSON).status_code


ENDPOINTS = {
    "periods": ("get", lambda c, p, f: f"{API}/periods", None, MEMBERS, {}),
    "plan": ("get", lambda c, p, f: f"{API}/plans/{p.pk}", None, LINE | ORG_WIDE, {}),
    "team plans": ("get", lambda c, p, f: f"{API}/plans?team=me", None, MEMBERS, {}),
    "framework": ("get", lambda c, p, f: f"{API}/competency-frameworks/{f.pk}", None, MEMBERS, {}),
    "patch plan": (
        "patch",
        lambda c, p, f: f"{API}/plans/{p.pk}",
        {"expectations": "x"},
        EDITORS,
        {"executive": 403},
    ),
    "propose": (
        "post",
        lambda c, p, f: f"{API}/plans/{p.pk}/propose",
        None,
        EDITORS,
        {"executive": 403},
    ),
    "sign": (
        "post",
        lambda c, p, f: f"{API}/plans/{p.pk}/sign",
        {"comment": "ok"},
        LINE,
        {"executive": 403, "hr_admin": 403},
    ),
    "add development item": (
        "post",
        lambda c, p, f: f"{API}/plans/{p.pk}/development-items",
        {"need": "n", "action": "a"},
        EDITORS,
        {"executive": 403},
    ),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_who_gets_each_endpoint(
    cast: Cast, plan: PerformancePlan, framework: CompetencyFramework, endpoint: str
) -> None:
    method, url_of, body, allowed, refused = ENDPOINTS[endpoint]
    url = url_of(cast, plan, framework)
    actual = {role: call(cast, role, method, url, body) for role in ROLES}
    ok = 201 if endpoint == "add development item" else 200
    assert actual == {role: expected_for(allowed, refused, ok)(role) for role in ROLES}


def test_open_plan_refusals(cast: Cast, period: PerformancePeriod) -> None:
    body = {"period_id": period.pk, "person_id": cast.target.pk}
    actual = {role: call(cast, role, "post", f"{API}/plans", body) for role in ROLES}
    expected = {role: expected_for(EDITORS, {"executive": 403})(role) for role in ROLES}
    expected["self"] = 201  # the first to open it creates it; the others get it back
    assert actual == expected
    assert PerformancePlan.objects.filter(person=cast.target).count() == 1


def test_development_item_endpoints_refusals(org: Org, cast: Cast, plan: PerformancePlan) -> None:
    item = services.development_item_add(actor=None, plan=plan, need="n", action="a")
    for role, status in {
        "anonymous": 401,
        "employee": 404,
        "other_manager": 404,
        "executive": 403,
    }.items():
        client = cast.client(role)
        assert (
            client.patch(
                f"{API}/development-items/{item.pk}",
                {"need": "x", "action": "y"},
                content_type=JSON,
            ).status_code
            == status
        ), role
        assert client.delete(f"{API}/development-items/{item.pk}").status_code == status, role
    assert (
        org.client_for(org.engineer).delete(f"{API}/development-items/{item.pk}").status_code == 204
    )


def test_refusal_carries_the_reason(org: Org, plan: PerformancePlan) -> None:
    services.period_close(actor=org.hr.user, period=plan.period)
    response = org.client_for(org.eng_manager).patch(
        f"{API}/plans/{plan.pk}", {"expectations": "late"}, content_type=JSON
    )
    assert response.status_code == 403
    assert "FY2027 is closed" in response.json()["detail"]
    response = org.client_for(org.engineer).post(
        f"{API}/plans/{plan.pk}/sign", {}, content_type=JSON
    )
    assert response.status_code == 403


def test_two_way_sign_off_over_the_api(org: Org, period: PerformancePeriod, framework) -> None:
    manager, employee = org.client_for(org.eng_manager), org.client_for(org.engineer)
    opened = manager.post(
        f"{API}/plans", {"period_id": period.pk, "person_id": org.engineer.pk}, content_type=JSON
    )
    assert opened.status_code == 201
    plan = opened.json()
    assert plan["state"] == "draft" and plan["person"]["level"] == "L3"
    assert [c["name"] for c in plan["competencies"]] == ["Ownership", "Feedback"]
    url = f"{API}/plans/{plan['id']}"
    manager.patch(url, {"expectations": "Own billing"}, content_type=JSON)
    manager.post(
        f"{url}/development-items",
        {"need": "Design", "action": "Course", "due_on": "2027-04-01"},
        content_type=JSON,
    )
    assert manager.post(f"{url}/propose").json()["state"] == "proposed"
    signed = manager.post(f"{url}/sign", {"comment": "Good"}, content_type=JSON).json()
    assert signed["manager_signature"]["comment"] == "Good"
    assert signed["state"] == "proposed"
    mine = employee.get(f"{API}/plans/mine").json()
    assert mine["id"] == plan["id"] and mine["expectations"] == "Own billing"
    agreed = employee.post(f"{url}/sign", {"comment": "Yes"}, content_type=JSON).json()
    assert agreed["state"] == "agreed"
    assert agreed["agreed_at"] and agreed["employee_signed_at"] and agreed["manager_signed_at"]
    assert [e["kind"] for e in agreed["history"]] == [
        "created",
        "changed",
        "changed",
        "proposed",
        "signed",
        "signed",
        "agreed",
    ]
    rows = manager.get(f"{API}/plans?team=me&period={period.pk}").json()
    assert {r["person"]["full_name"]: r["agreed"] for r in rows} == {
        "Ann Engineer": True,
        "Bob Engineer": False,
    }


def test_change_after_agreement_reopens_over_the_api(org: Org, plan: PerformancePlan) -> None:
    agree(org, plan)
    body = (
        org.client_for(org.engineer)
        .patch(f"{API}/plans/{plan.pk}", {"expectations": "More"}, content_type=JSON)
        .json()
    )
    assert (body["state"], body["revision"]) == ("proposed", 2)
    assert body["employee_signature"]["signed_at"] is None
    assert body["history"][-1]["kind"] == "reopened"


def test_start_from_previous_over_the_api(org: Org, previous_period, period) -> None:
    old = services.plan_open(actor=None, person=org.engineer, period=previous_period)
    services.development_item_add(actor=None, plan=old, need="Go", action="Course")
    body = (
        org.client_for(org.engineer)
        .post(f"{API}/plans", {"period_id": period.pk, "from_previous": True}, content_type=JSON)
        .json()
    )
    assert body["started_from_id"] == old.pk
    assert [i["need"] for i in body["development_items"]] == ["Go"]


def test_my_plan_without_one_is_404(org: Org, period: PerformancePeriod) -> None:
    response = org.client_for(org.seller).get(f"{API}/plans/mine")
    assert response.status_code == 404 and response.json()["detail"]


def test_plans_list_follows_read_rules(org: Org, plan: PerformancePlan) -> None:
    services.plan_open(actor=None, person=org.seller, period=plan.period)
    names = {
        who: [r["person"]["full_name"] for r in org.client_for(person).get(f"{API}/plans").json()]
        for who, person in {
            "seller": org.seller,
            "eng_head": org.eng_head,
            "exec": org.exec_viewer,
        }.items()
    }
    assert names == {
        "seller": ["Sam Seller"],
        "eng_head": ["Ann Engineer"],
        "exec": ["Ann Engineer", "Sam Seller"],
    }


def test_private_goals_hidden_from_executives(org: Org, plan: PerformancePlan) -> None:
    from cadence.goals.models import Goal

    # Plain rows: how goals are written is the goals area's business, not this test's.
    Goal.objects.create(
        period=plan.period,
        title="Secret",
        owner_person=org.engineer,
        visibility=Goal.Visibility.PRIVATE,
    )
    Goal.objects.create(period=plan.period, title="Open", owner_person=org.engineer)
    titles = {
        who: [
            g["title"] for g in org.client_for(person).get(f"{API}/plans/{plan.pk}").json()["goals"]
        ]
        for who, person in {"manager": org.eng_manager, "exec": org.exec_viewer}.items()
    }
    assert titles == {"manager": ["Open", "Secret"], "exec": ["Open"]}
