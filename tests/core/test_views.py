"""Home, the health check and the main navigation."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import Org, make_person
from tests.markup import shows
from tests.people.test_access import MEMBERS, ROLES, Cast, build_cast

MANAGERS = frozenset({"direct_manager", "skip_manager", "other_manager"})


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def test_who_gets_home(cast: Cast) -> None:
    for role in ROLES:
        response = cast.client(role).get(reverse("home"))
        if role in MEMBERS:
            assert response.status_code == 200, role
        elif role == "no_person":
            assert response.status_code == 404
        else:
            assert response.status_code == 302, role
            assert response["Location"].startswith(reverse("account_login")), role


def test_home_greets_me_and_shows_my_manager(cast: Cast) -> None:
    html = cast.client("self").get(reverse("home")).text
    assert "Hello, Ann" in html
    assert cast.org.eng_manager.full_name in html
    assert not shows(html, "E100")  # my own employment details live on my profile


def test_home_and_navigation_show_my_team_to_managers_only(cast: Cast) -> None:
    for role in MEMBERS:
        html = cast.client(role).get(reverse("home")).text
        assert ("Your team" in html) is (role in MANAGERS), role
        assert (f'href="{reverse("people:my_team")}"' in html) is (role in MANAGERS), role
        assert (f'href="{reverse("people:import_start")}"' in html) is (role == "hr_admin"), role


def test_home_counts_my_whole_line(cast: Cast) -> None:
    response = cast.client("skip_manager").get(reverse("home"))
    team = response.context["team"]
    assert [p.pk for p in team.direct_reports] == [cast.org.eng_manager.pk]
    assert team.line_size == 3


def test_home_queries_do_not_grow_with_my_team(cast: Cast) -> None:
    client = cast.client("direct_manager")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx)

    before = queries()
    for i in range(10):
        report = make_person(f"home{i}.report@example.com", manager=cast.org.eng_manager)
        make_person(f"home{i}.sub@example.com", manager=report)
    assert queries() == before


@pytest.mark.any_data
def test_health_check_needs_no_sign_in(db) -> None:
    response = Client().get(reverse("health"))
    assert response.status_code == 200
    assert response.text == "ok"
