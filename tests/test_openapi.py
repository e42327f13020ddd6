"""The published OpenAPI document matches what the API really answers.

Every operation in ``/api/v1/openapi.json`` is called with real data (tests/api_world.py)
and its response validated against the document, as a client generated from the
document would: a schema two apps both named (``Kind``, ``GoalOut``, …) used to be
overwritten by the other, and such clients then rejected valid answers.
"""

import datetime
import json
from typing import Any

import jsonschema
import pytest
from django.test import Client

from cadence.reviews.services import cycles as review_cycles
from tests.api_world import World, build_world
from tests.certifications.certification_api_calls import Multipart, certification_calls
from tests.conftest import Org
from tests.development.development_api_calls import development_calls
from tests.feedback.feedback_api_calls import feedback_calls
from tests.meetings.meeting_api_calls import meeting_calls
from tests.reviews.nomination_api_calls import nomination_calls
from tests.reviews.nudge_api_calls import nudge_calls
from tests.reviews.results_api_calls import results_calls
from tests.reviews.writing_api_calls import writing_calls

DOCUMENT = "/api/v1/openapi.json"


@pytest.fixture
def world(org: Org) -> World:
    return build_world(org)


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    return response.json()


def calls(w: World) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    """(method, path, token, body) for every operation, most of them succeeding."""
    manager, hr = w.manager_token, w.hr_token
    org = w.org
    soon = datetime.date.today() + datetime.timedelta(days=30)
    cycle = review_cycles.cycle_create(
        actor=None,
        name="API cycle",
        template=w.review_template,
        period=w.period,
        review_types=["self", "manager", "upward"],
        writing_deadline=soon,
    )
    cycle_body = {
        "name": "API cycle 2",
        "template_id": w.review_template.pk,
        "period_id": w.period.pk,
        "review_types": ["self"],
        "writing_deadline": soon.isoformat(),
    }
    return [
        ("GET", "/people?q=engineer", manager, None),
        ("GET", f"/people/{org.engineer.pk}", manager, None),
        ("GET", f"/people/{org.eng_manager.pk}/reports", manager, None),
        ("GET", "/departments", manager, None),
        ("GET", f"/departments/{org.engineer.department_id}", manager, None),
        ("GET", "/periods", manager, None),
        ("GET", f"/competency-frameworks/{w.framework.pk}", manager, None),
        ("GET", "/plans/mine", manager, None),  # no plan of his own: the documented 404
        ("GET", "/plans/mine", w.engineer_token, None),
        ("GET", "/plans?team=me", manager, None),
        ("GET", "/plans", hr, None),
        ("GET", f"/plans/{w.plan.pk}", manager, None),
        ("PATCH", f"/plans/{w.plan.pk}", manager, {"expectations": "Own the import."}),
        (
            "POST",
            f"/plans/{w.plan.pk}/development-items",
            manager,
            {"need": "Writing", "action": "A design note a month"},
        ),
        (
            "PATCH",
            f"/development-items/{w.item.pk}",
            manager,
            {"need": "Public speaking", "action": "Two talks", "status": "done"},
        ),
        ("POST", f"/plans/{w.plan.pk}/propose", manager, None),
        ("POST", f"/plans/{w.plan.pk}/sign", manager, {"comment": "Good plan"}),
        ("DELETE", f"/development-items/{w.item.pk}", manager, None),
        ("POST", "/plans", manager, {"period_id": w.quarter.pk, "person_id": org.engineer.pk}),
        ("POST", "/plans", manager, {"period_id": w.quarter.pk, "person_id": org.engineer.pk}),
        ("GET", "/goals", manager, None),
        ("GET", "/goals/alignment", manager, None),
        ("GET", f"/goals/{w.goal.pk}", manager, None),
        ("GET", f"/goals/{w.company_goal.pk}/children", manager, None),
        ("PATCH", f"/goals/{w.goal.pk}", manager, {"description": "Now with a preview."}),
        (
            "POST",
            "/goals",
            manager,
            {"title": "Mentor two engineers", "period_id": w.period.pk, "weight": "2.5"},
        ),
        ("GET", f"/key-results/{w.key_result.pk}/check-ins", manager, None),
        (
            "POST",
            f"/key-results/{w.key_result.pk}/check-ins",
            manager,
            {"value": "6.5", "confidence": "at_risk", "comment": "Slower"},
        ),
        ("GET", "/kpis", manager, None),
        ("GET", f"/kpis/{w.kpi.pk}", manager, None),
        ("GET", f"/kpis/{w.role_kpi.pk}", hr, None),
        ("GET", f"/kpis/{w.kpi.pk}/measurements", manager, None),
        (
            "POST",
            f"/kpis/{w.kpi.pk}/measurements",
            manager,
            {"period_start": "2026-03-02", "value": 9},
        ),
        (
            "POST",
            f"/kpis/{w.kpi.pk}/measurements",
            manager,
            {"period_start": "2026-03-09", "value": 9},
        ),
        (
            "POST",
            "/kpis",
            manager,
            {"name": "Reviews", "target": 3, "scope": "person", "person_id": org.engineer.pk},
        ),
        (
            "POST",
            "/people",
            hr,
            {"first_name": "Nia", "last_name": "New", "work_email": "nia@example.com"},
        ),
        ("GET", "/notifications?unread=true", manager, None),
        ("POST", f"/notifications/{w.notification.pk}/read", manager, None),
        ("POST", "/notifications/read-all", manager, None),
        ("GET", "/notifications/preferences", manager, None),
        ("PUT", "/notifications/preferences", manager, {"test.api.goal": "digest"}),
        ("PUT", "/notifications/preferences", manager, {"no.such.kind": "email"}),
        ("POST", f"/notifications/{w.notification.pk}/read", hr, None),
        ("GET", "/home", manager, None),
        ("PATCH", f"/people/{org.engineer2.pk}", hr, {"location": "Lisbon"}),
        ("POST", f"/people/{org.engineer2.pk}/leave", hr, {"left_on": "2030-01-31"}),
        ("POST", f"/people/{org.engineer2.pk}/reactivate", hr, None),
        ("GET", "/review-templates", hr, None),
        ("POST", "/review-templates", hr, {"name": "Probation"}),
        ("GET", f"/review-templates/{w.review_template.pk}", hr, None),
        (
            "PUT",
            f"/review-templates/{w.review_template.pk}/version",
            hr,
            {
                "scale": [{"value": 1, "label": "Not yet"}, {"value": 2, "label": "Yes"}],
                "sections": [
                    {"title": "Q", "questions": [{"text": "Ok?", "reviewer_types": ["self"]}]},
                    {"title": "Goals", "kind": "goals", "reviewer_types": ["manager"]},
                ],
            },
        ),
        ("GET", "/review-templates", manager, None),
        ("GET", "/reviews/cycles", hr, None),
        ("POST", "/reviews/cycles", hr, cycle_body),
        ("GET", f"/reviews/cycles/{cycle.pk}/preview", hr, None),
        ("GET", f"/reviews/cycles/{cycle.pk}/preview/included", hr, None),
        ("GET", f"/reviews/cycles/{cycle.pk}/preview/left-out", hr, None),
        ("POST", f"/reviews/cycles/{cycle.pk}/launch", hr, None),
        ("GET", f"/reviews/cycles/{cycle.pk}", hr, None),
        ("GET", f"/reviews/cycles/{cycle.pk}/dashboard", hr, None),
        ("POST", f"/reviews/cycles/{cycle.pk}/late-joiners", hr, None),
        ("POST", f"/reviews/cycles/{cycle.pk}/sync", hr, None),
        ("POST", f"/reviews/cycles/{cycle.pk}/advance", hr, {"phase": "calibration"}),
        ("POST", f"/reviews/cycles/{cycle.pk}/advance", hr, {"phase": "closed"}),
        ("GET", f"/reviews/cycles/{cycle.pk}", manager, None),
        *writing_calls(w),
        *nomination_calls(w),
        *results_calls(w),
        *nudge_calls(w),
        *certification_calls(w),
        *feedback_calls(w),
        *meeting_calls(w),
        *development_calls(w),
        # Refusals and invalid input have their documented shapes too.
        ("GET", "/goals/999999", manager, None),
        ("GET", f"/people/{org.ceo.pk}/reports", manager, None),
        ("POST", "/goals", manager, {"title": "", "period_id": w.period.pk}),
        ("GET", "/periods", "cad_revoked", None),
    ]


def validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    # The response schema refers to "#/components/schemas/…": validate it with the
    # document's components beside it, as OpenAPI 3.1 (JSON Schema 2020-12) says.
    root = {**schema, "components": document["components"]}
    return jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())


def operation_of(document: dict[str, Any], method: str, path: str) -> tuple[str, dict]:
    bare = "/api/v1" + path.split("?")[0]
    for template, operations in document["paths"].items():
        parts, actual = template.split("/"), bare.split("/")
        same = len(parts) == len(actual) and all(
            p == a or p.startswith("{") for p, a in zip(parts, actual, strict=True)
        )
        if same and method.lower() in operations:
            return template, operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in the document")


def test_every_response_matches_the_published_document(
    world: World, document: dict[str, Any]
) -> None:
    client = Client()
    succeeded: set[tuple[str, str]] = set()
    for method, path, token, body in calls(world):
        if isinstance(body, Multipart):  # an upload: multipart/form-data
            response = client.post(
                "/api/v1" + path, body.data, headers={"Authorization": f"Bearer {token}"}
            )
        else:
            response = client.generic(
                method,
                "/api/v1" + path,
                json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
        template, operation = operation_of(document, method, path)
        documented = operation["responses"]
        assert str(response.status_code) in documented, (method, path, response.status_code)
        if 200 <= response.status_code < 300:
            succeeded.add((method.lower(), template))
        content = documented[str(response.status_code)].get("content")
        if content is None:
            assert not response.content, (method, path)
            continue
        if "application/json" not in content:  # a file (a review's PDF): its type, not a schema
            assert response["Content-Type"] in content, (method, path, response["Content-Type"])
            continue
        schema = content["application/json"]["schema"]
        errors = list(validator(document, schema).iter_errors(response.json()))
        assert not errors, (method, path, [e.message for e in errors][:3])
    every = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert every - succeeded == set(), "operations never answered with success"


def test_schemas_of_different_shape_never_share_a_name(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    # The choices nested in two models under one name are told apart by the model.
    assert schemas["GoalKind"]["enum"] == ["objective", "single"]
    assert "number" in schemas["KeyResultKind"]["enum"]
    assert "year" in schemas["PerformancePeriodKind"]["enum"]
    assert "agreed" in schemas["PerformancePlanState"]["enum"]
    assert "active" in schemas["GoalState"]["enum"]
    for bare in ("Kind", "State", "Status", "Direction"):
        assert bare not in schemas
    # The plan's short goal rows are their own schema, without the goal's description.
    assert "description" not in schemas["PlanGoalOut"]["properties"]
    assert "description" in schemas["GoalOut"]["required"]


def test_two_schemas_with_one_name_stop_the_document() -> None:
    # The naming rule cannot tell two API classes of one name apart; the document
    # refuses to be built rather than publish one of them under the other's name.
    from django.core.exceptions import ImproperlyConfigured
    from ninja import Router, Schema

    from cadence.api import CadenceAPI

    def shape(field: str) -> type[Schema]:
        return type("Row", (Schema,), {"__annotations__": {field: int}})

    router = Router()
    router.get("/a", response=shape("a"), url_name="a")(lambda request: {"a": 1})
    router.get("/b", response=shape("b"), url_name="b")(lambda request: {"b": 1})
    probe = CadenceAPI(urls_namespace="probe")
    probe.add_router("/", router)
    with pytest.raises(ImproperlyConfigured, match="'Row'"):
        probe.get_openapi_schema(path_prefix="/")
