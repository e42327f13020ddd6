"""Cursor pagination of the goal lists (cadence/core/pagination.py): walking ``next``
visits every goal once, in the list's order, whatever the page size."""

from typing import Any

from cadence.goals import services
from tests.conftest import Org

API = "/api/v1"


def walk(client: Any, url: str, page_size: int) -> list[int]:
    seen: list[int] = []
    cursor = None
    for _ in range(100):
        params: dict[str, Any] = {"page_size": page_size}
        if cursor:
            params["cursor"] = cursor
        page = client.get(url, params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never reached the end")


def test_goal_list_cursor_walks_every_goal_once(org: Org, period, person_goal) -> None:
    for i in range(7):
        services.goal_create(
            actor=org.hr.user, period=period, title=f"Company goal {i}", owner_type="company"
        )
    client = org.client_for(org.engineer)
    everything = [g["id"] for g in client.get(f"{API}/goals", {"page_size": 200}).json()["items"]]
    assert len(everything) >= 9
    for size in (1, 2, 5):
        assert walk(client, f"{API}/goals", size) == everything


def test_check_ins_newest_first_across_pages(org: Org, person_goal_set) -> None:
    kr = person_goal_set.kr_tickets
    for value in (1, 2, 3, 4, 5):
        services.check_in_create(
            actor=org.engineer.user, key_result=kr, value=value, confidence="on_track"
        )
    client = org.client_for(org.engineer)
    url = f"{API}/key-results/{kr.pk}/check-ins"
    everything = [c["id"] for c in client.get(url, {"page_size": 200}).json()["items"]]
    assert len(everything) == 5
    assert walk(client, url, 2) == everything
