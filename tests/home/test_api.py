from django.test import Client

from tests.home.conftest import World


def test_home_api_returns_the_pages_items(world: World) -> None:
    client = world.org.client_for(world.org.eng_manager)
    body = client.get("/api/v1/home").json()
    page = client.get("/").context["sections"]
    assert [s["key"] for s in body["sections"]] == [s.key for s in page]
    api_items = [i["url"] for s in body["sections"] for g in s["groups"] for i in g["items"]]
    assert api_items == [i.url for s in page for i in s.items]
    assert body["all_done"] is False


def test_home_api_of_another_team_shows_nothing_of_mine(world: World) -> None:
    body = world.org.client_for(world.org.sales_manager).get("/api/v1/home").json()
    assert "Learn Rust" not in str(body)


def test_home_api_needs_a_caller(world: World) -> None:
    assert Client().get("/api/v1/home").status_code == 401
