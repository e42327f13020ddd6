"""The cycles API: HR only (exact statuses for everyone else), create with bad input
named, the preview, launch (again: nothing new), late joiners, people changes, phases."""

import datetime
from typing import Any

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.people import services as people_services
from cadence.reviews.models import Assignment, Review, ReviewCycle
from cadence.reviews.services import cycles
from tests.conftest import Org

API = "/api/v1/reviews/cycles"
JSON = "application/json"
TODAY = datetime.date.today()


def day(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def hr(org: Org) -> Client:
    return org.client_for(org.hr)


@pytest.fixture
def draft(org: Org, period: Any, version: Any) -> ReviewCycle:
    return cycles.cycle_create(
        actor=org.hr.user,
        name="FY2027 annual review",
        template=version.template,
        period=period,
        review_types=["self", "manager", "upward"],
        writing_deadline=TODAY + datetime.timedelta(days=30),
    )


def body(version: Any, period: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "H1 check-in review",
        "template_id": version.template_id,
        "period_id": period.pk,
        "review_types": ["self", "manager", "peer", "upward"],
        "nomination_deadline": day(5),
        "approval_deadline": day(8),
        "writing_deadline": day(20),
        "criteria": {"levels": ["L3"]},
        "score_weights": {
            "sections": {"goals": 40, "competencies": 40, "questions": 20},
            "reviewers": {"manager": 50, "self": 10, "peer": 30, "upward": 10},
        },
    }
    data.update(overrides)
    return data


def endpoints(cycle: ReviewCycle) -> list[tuple[str, str, dict | None]]:
    url = f"{API}/{cycle.pk}"
    return [
        ("get", API, None),
        ("post", API, {}),
        ("get", url, None),
        ("get", f"{url}/preview", None),
        ("get", f"{url}/preview/included", None),
        ("get", f"{url}/preview/left-out", None),
        ("post", f"{url}/launch", None),
        ("post", f"{url}/late-joiners", None),
        ("post", f"{url}/sync", None),
        ("post", f"{url}/advance", {"phase": "writing"}),
    ]


def test_outsiders_are_refused_with_exact_statuses(org: Org, draft: ReviewCycle) -> None:
    robot = User.objects.create_user("robot@example.com", "pw-robot-123")
    no_person = Client()
    no_person.force_login(robot)
    outsiders = {
        "anonymous": (Client(), 401),
        "employee": (org.client_for(org.engineer), 403),
        "another team's manager": (org.client_for(org.sales_manager), 403),
        "executive": (org.client_for(org.exec_viewer), 403),
        "no person": (no_person, 404),
    }
    for method, url, payload in endpoints(draft):
        for who, (client, status) in outsiders.items():
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, payload or {}, content_type=JSON)
            # A POST with a body the schema refuses would be 422 before access for
            # anyone; the outsiders' bodies are valid or empty where none is needed.
            expected = 422 if (url == API and method == "post" and status != 401) else status
            assert response.status_code == expected, (who, method, url)
    assert not Review.objects.exists()


def test_an_outsider_with_a_valid_body_cannot_create(org: Org, version: Any, period: Any) -> None:
    response = org.client_for(org.engineer).post(API, body(version, period), content_type=JSON)
    assert response.status_code == 403
    assert not ReviewCycle.objects.exists()


def test_hr_creates_and_reads_a_cycle(hr: Client, version: Any, period: Any) -> None:
    response = hr.post(API, body(version, period), content_type=JSON)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["phase"] == "draft"
    assert out["criteria"]["levels"] == ["L3"]
    assert out["score_weights"]["reviewers"]["peer"] == 30
    assert out["template_version"] == 1
    assert out["next_phase"] == "nomination"
    listed = hr.get(API).json()
    assert [c["id"] for c in listed["items"]] == [out["id"]]
    assert hr.get(f"{API}/{out['id']}").json()["name"] == "H1 check-in review"


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"approval_deadline": day(4)}, "after the peer nomination deadline"),
        ({"anonymity_threshold": 1}, "anonymity_threshold"),
        ({"template_id": 999999}, "No such review template"),
        (
            {
                "score_weights": {
                    "sections": {"goals": 40, "competencies": 40, "questions": 40},
                    "reviewers": {"manager": 50, "self": 10, "peer": 30, "upward": 10},
                }
            },
            "add up to 100",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(
    hr: Client, version: Any, period: Any, overrides: dict, words: str
) -> None:
    response = hr.post(API, body(version, period, **overrides), content_type=JSON)
    assert response.status_code == 422
    assert words in str(response.json()["detail"])
    assert not ReviewCycle.objects.exists()


def test_preview_launch_and_phases(org: Org, hr: Client, draft: ReviewCycle) -> None:
    url = f"{API}/{draft.pk}"
    draft.criteria = {"exclude": [org.seller.pk]}
    draft.save(update_fields=["criteria"])
    preview = hr.get(f"{url}/preview").json()
    assert preview == {"included": 9, "without_manager": 1, "left_out": {"excluded": 1}}
    first = hr.get(f"{url}/preview/included", {"page_size": 5}).json()
    second = hr.get(f"{url}/preview/included", {"page_size": 5, "cursor": first["next"]}).json()
    assert len(first["items"]) + len(second["items"]) == 9
    assert second["next"] is None
    ceo = next(p for p in first["items"] + second["items"] if p["id"] == org.ceo.pk)
    assert ceo["manager_review"] is False
    left = hr.get(f"{url}/preview/left-out", {"reason": "excluded"}).json()["items"]
    assert [(p["id"], p["reason"]) for p in left] == [(org.seller.pk, "excluded")]

    launched = hr.post(f"{url}/launch", content_type=JSON)
    assert launched.status_code == 200
    out = launched.json()
    assert out["reviews"] == 9
    # Sam, left out by name, still reviews his manager upward.
    assert out["assignments"] == {"self": 9, "manager": 8, "upward": 9}
    assert out["cycle"]["phase"] == "writing"
    again = hr.post(f"{url}/launch", content_type=JSON).json()
    assert (again["reviews"], again["assignments"]) == (0, {"self": 0, "manager": 0, "upward": 0})
    detail = hr.get(url).json()
    assert detail["reviews"] == {"open": 9}
    assert {row["type"]: row["total"] for row in detail["assignments"]} == {
        "self": 9,
        "manager": 8,
        "upward": 9,
    }

    people_services.person_update(actor=None, person=org.engineer, manager=org.sales_manager)
    synced = hr.post(f"{url}/sync", content_type=JSON).json()
    assert synced == {"moved": 1, "reviews_closed": 0, "assignments_closed": 0}
    late = hr.post(f"{url}/late-joiners", content_type=JSON).json()
    # Ann now reports to the sales manager: his upward review by her is new.
    assert late["assignments"]["upward"] == 1
    assert Assignment.objects.filter(cycle=draft).count() == 28

    skipped = hr.post(f"{url}/advance", {"phase": "release"}, content_type=JSON)
    assert skipped.status_code == 422
    assert "the next phase is Calibration" in str(skipped.json()["detail"])
    moved = hr.post(f"{url}/advance", {"phase": "calibration"}, content_type=JSON)
    assert moved.status_code == 200
    assert moved.json()["phase"] == "calibration"
    closed = hr.post(f"{url}/late-joiners", content_type=JSON)
    assert closed.status_code == 422


def test_launch_with_nobody_is_422(hr: Client, draft: ReviewCycle) -> None:
    draft.criteria = {"locations": ["Nowhere"]}
    draft.save(update_fields=["criteria"])
    response = hr.post(f"{API}/{draft.pk}/launch", content_type=JSON)
    assert response.status_code == 422
    assert "Nobody matches" in str(response.json()["detail"])
    draft.refresh_from_db()
    assert draft.phase == "draft"
