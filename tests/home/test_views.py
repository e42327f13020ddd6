"""The home page: what waits for each role, links that open, nobody else's items,
refusals, and a query count that does not grow with the team; the organisation's health
loaded after the page, kept warm by its sweep, and the pages behind its figures."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.home import queries
from cadence.notifications import schedule
from cadence.people.models import Person
from tests.conftest import make_person
from tests.home.conftest import World


def items_of(world: World, person: Person) -> dict[str, list[str]]:
    client = world.org.client_for(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {s.key: [i.text for i in s.items] for s in response.context["sections"]}


def test_the_manager_sees_what_waits_for_them(world: World) -> None:
    found = items_of(world, world.org.eng_manager)
    assert any("Learn Rust" in t and "Ann Engineer" in t for t in found["goals"])
    assert "Sign Ann Engineer's FY2027 plan" in found["plans"]
    assert any(t.startswith("Bob Engineer") for t in found["plans"])  # no agreed plan
    assert found["notifications"]  # the unread notification about Ann's goal


def test_the_employee_sees_their_own_goals_and_kpis(world: World) -> None:
    found = items_of(world, world.org.engineer)
    assert any(t.startswith("Ship the importer:") for t in found["goals"])
    assert not any("Learn Rust" in t for t in found["goals"])  # not hers to approve
    assert any("Reviews done" in t for t in found["kpis"])
    assert "plans" not in found  # she signed; the manager's turn


def test_another_teams_manager_sees_none_of_it(world: World) -> None:
    found = items_of(world, world.org.sales_manager)
    texts = " ".join(t for items in found.values() for t in items)
    assert "Learn Rust" not in texts
    assert "Ann Engineer" not in texts
    assert found == {"plans": [f"{world.org.seller.full_name} (not started)"]}


def test_nothing_waiting_says_all_is_done(world: World) -> None:
    response = world.org.client_for(world.org.seller).get(reverse("home"))
    assert response.context["sections"] == []
    assert "All done" in response.text


PANEL = reverse("home:health_panel")


def test_hr_and_executives_see_the_organisations_health(world: World) -> None:
    for person in (world.org.hr, world.org.exec_viewer):
        client = world.org.client_for(person)
        assert client.get(reverse("home")).context["shows_health"] is True
        response = client.get(PANEL)
        assert "The organisation" in response.text
        engineering = next(
            r for r in response.context["health"].departments if r.name == "Engineering"
        )
        assert engineering.people == 4  # head, manager, two engineers
    for person in (world.org.engineer, world.org.eng_manager):
        response = world.org.client_for(person).get(reverse("home"))
        assert response.context["shows_health"] is False
        assert PANEL not in response.text


def test_the_home_page_does_not_wait_for_the_figures(world: World) -> None:
    client = world.org.client_for(world.org.hr)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    # Nothing of the organisation's goals or check-ins is counted for the page itself.
    assert not any('FROM "goals_checkin"' in q["sql"] for q in ctx.captured_queries)
    assert "health" not in response.context
    # Its place says the figures are coming, asks htmx for them, and links them.
    assert f'hx-get="{PANEL}"' in response.text
    assert 'hx-trigger="load"' in response.text
    assert f'<a href="{PANEL}">' in response.text
    assert "The figures are being counted" in response.text


def test_the_panel_is_a_fragment_for_htmx_and_a_page_without_it(world: World) -> None:
    client = world.org.client_for(world.org.hr)
    fragment = client.get(PANEL, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section class="home-health" id="home-health"')
    assert "<html" not in fragment.text
    page = client.get(PANEL)
    assert "<html" in page.text
    assert 'id="home-health"' in page.text


def test_every_link_opens_for_its_reader(world: World) -> None:
    for person in (world.org.engineer, world.org.eng_manager, world.org.hr, world.org.exec_viewer):
        client = world.org.client_for(person)
        response = client.get(reverse("home"))
        urls = [i.url for s in response.context["sections"] for i in s.items]
        if response.context["shows_health"]:
            urls.append(PANEL)
            for row in client.get(PANEL).context["health_rows"]:
                urls += [row.row.agreed_url, row.row.without_plan_url]
                urls += [u for _v, u in row.row.goal_cells + row.row.week_cells]
        assert urls, person
        for url in urls:
            assert client.get(url, follow=True).status_code == 200, (person, url)


def test_the_figures_lead_to_the_people_behind_them(world: World) -> None:
    client = world.org.client_for(world.org.hr)
    health = client.get(PANEL).context["health"]
    engineering = next(r for r in health.departments if r.name == "Engineering")
    page = client.get(engineering.without_plan_url)
    names = {p.full_name for p in page.context["people"].rows}
    assert names == {"Eng Head", "Eng Manager", "Ann Engineer", "Bob Engineer"}
    stale = client.get(engineering.url("goals", status="stale"))
    assert [g.title for g in stale.context["goals"].rows] == ["Ship the importer"]


def test_the_pages_behind_a_figure_follow_by_cursor(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "FIGURE_PAGE_SIZE", 1)
    client = world.org.client_for(world.org.hr)
    engineering = next(
        r for r in client.get(PANEL).context["health"].departments if r.name == "Engineering"
    )
    url, names = engineering.without_plan_url, []
    while True:
        page = client.get(url).context["people"]
        names += [p.full_name for p in page.rows]
        if page.next_cursor is None:
            break
        assert 'rel="next"' in client.get(url).text
        url = f"{engineering.without_plan_url}&after={page.next_cursor}"
    # Every one of them once, in the order of names (surname, first name).
    assert names == ["Ann Engineer", "Bob Engineer", "Eng Head", "Eng Manager"]
    assert 'rel="first"' in client.get(url).text
    assert client.get(engineering.without_plan_url + "&after=not-a-cursor").status_code == 404


def test_refusals(world: World) -> None:
    home = reverse("home")
    figure = reverse("home:health", args=["plans"])
    anonymous = Client()
    assert anonymous.get(home).status_code == 302
    assert anonymous.get(home)["Location"].startswith(reverse("account_login"))
    assert anonymous.get(figure).status_code == 302
    employee = world.org.client_for(world.org.engineer)
    assert employee.get(figure).status_code == 403
    hr = world.org.client_for(world.org.hr)
    assert hr.get(reverse("home:health", args=["salaries"])).status_code == 404
    assert hr.get(reverse("home:health", args=["goals"]) + "?status=bad").status_code == 404
    assert hr.get(figure + "?department=999999").status_code == 404


def test_the_panel_refuses_whom_the_figures_refuse(world: World) -> None:
    anonymous = Client().get(PANEL)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    for outsider in (world.org.engineer, world.org.eng_manager, world.org.sales_manager):
        client = world.org.client_for(outsider)
        assert client.get(PANEL).status_code == 403, outsider
        assert client.get(PANEL, headers={"HX-Request": "true"}).status_code == 403, outsider
    assert world.org.client_for(world.org.hr).get(PANEL).status_code == 200


def test_queries_do_not_grow_with_the_team(world: World) -> None:
    manager = make_person("lena.lead@example.com", manager=world.org.eng_head)
    client = world.org.client_for(manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx)

    for i in range(2):
        make_person(f"r{i}.report@example.com", manager=manager)
    two = count()
    for i in range(2, 10):
        make_person(f"r{i}.report@example.com", manager=manager)
    assert count() == two


def test_org_health_queries_do_not_grow_with_the_organisation(world: World) -> None:
    client = world.org.client_for(world.org.hr)

    def count() -> int:
        cache.clear()  # counted afresh, not read from the cache
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PANEL).status_code == 200
        return len(ctx)

    before = count()
    for i in range(6):
        make_person(f"n{i}.new@example.com", manager=world.org.ceo, department=f"Dept {i}")
    assert count() == before


def test_org_health_is_counted_once_per_reader_and_kept(world: World) -> None:
    hr = world.org.client_for(world.org.hr)

    def goal_queries(client: Client) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PANEL).status_code == 200
        return sum('FROM "goals_goal"' in q["sql"] for q in ctx.captured_queries)

    counted = goal_queries(hr)
    assert counted >= 2  # the due dates and the figures
    assert goal_queries(hr) < counted  # the second visit reads the kept figures
    # Another HR admin shares the count; an executive (who may read less) has their own.
    other_hr = make_person("hanna.hr@example.com", manager=world.org.ceo)
    other_hr.user.is_hr_admin = True
    other_hr.user.save(update_fields=["is_hr_admin"])
    shared = world.org.client_for(other_hr).get(PANEL).context["health"]
    assert shared.counted_at == hr.get(PANEL).context["health"].counted_at
    assert goal_queries(world.org.client_for(world.org.exec_viewer)) == counted


def test_the_sweep_counts_the_hr_admins_figures_before_they_ask(world: World) -> None:
    assert schedule.sweep("org-health") is not None
    out = io.StringIO()
    call_command("run_scheduled", "org-health", stdout=out)
    assert out.getvalue() == "org-health: 1 count\n"

    def goal_queries(person: Person) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = world.org.client_for(person).get(PANEL)
        assert response.status_code == 200
        return sum('FROM "goals_goal"' in q["sql"] for q in ctx.captured_queries)

    assert goal_queries(world.org.hr) == 0  # read from what the sweep kept
    assert goal_queries(world.org.exec_viewer) > 0  # executives: counted on their visit


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_sections_for_matches_the_page(world: World, role: str) -> None:
    person = world.org.engineer if role == "employee" else world.org.eng_manager
    page = world.org.client_for(person).get(reverse("home")).context["sections"]
    assert [s.key for s in queries.sections_for(person.user)] == [s.key for s in page]
