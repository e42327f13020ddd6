"""The directory, profile, team and org-chart pages and the HR pages.

Every page is tried as every role (see ``tests/people/test_access.py`` for the cast);
then what each page shows, and to whom, and how many queries it costs.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models.signals import post_init
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.accounts.models import User
from cadence.core.models import AuditEvent
from cadence.people import access, queries, services
from cadence.people.models import CustomAttribute, Department, Person
from tests.conftest import Org, make_person
from tests.markup import shows
from tests.people.test_access import LINE, MEMBERS, ORG_WIDE, ROLES, Cast, build_cast

SIGNED_OUT = frozenset({"anonymous", "deactivated"})


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def status_for(allowed: frozenset[str], refused: int = 404) -> Callable[[str], int]:
    """Expected status: 200 for the allowed, the sign-in redirect for the signed-out,
    404 for accounts that are not members, ``refused`` for other members."""

    def expected(role: str) -> int:
        if role in allowed:
            return 200
        if role in SIGNED_OUT:
            return 302
        if role not in MEMBERS:
            return 404
        return refused

    return expected


MANAGERS_OF_TEAM = frozenset({"direct_manager", "skip_manager"}) | ORG_WIDE

# name -> (url for the cast, who gets the page, status for refused members)
PAGES: dict[str, tuple[Callable[[Cast], str], frozenset[str], int]] = {
    "directory": (lambda c: reverse("people:directory"), MEMBERS, 404),
    "directory search": (lambda c: reverse("people:directory") + "?q=ann", MEMBERS, 404),
    "profile": (lambda c: reverse("people:person", args=[c.target.pk]), MEMBERS, 404),
    "profile of a leaver": (
        lambda c: reverse("people:person", args=[c.leaver.pk]),
        frozenset({"direct_manager", "skip_manager"}) | ORG_WIDE,
        404,
    ),
    "team": (
        lambda c: reverse("people:team", args=[c.org.eng_manager.pk]),
        MANAGERS_OF_TEAM,
        403,
    ),
    "whole reporting line": (
        lambda c: reverse("people:team", args=[c.org.eng_head.pk]) + "?show=line",
        frozenset({"skip_manager"}) | ORG_WIDE,
        403,
    ),
    "team of a leaver": (
        lambda c: reverse("people:team", args=[c.leaver.pk]),
        frozenset({"direct_manager", "skip_manager"}) | ORG_WIDE,
        404,
    ),
    "org chart": (lambda c: reverse("people:org_chart"), MEMBERS, 404),
    "org chart top": (lambda c: reverse("people:org_chart_top"), MEMBERS, 404),
    "org chart of a person": (
        lambda c: reverse("people:org_chart_person", args=[c.target.pk]),
        MEMBERS,
        404,
    ),
    "org chart of a leaver": (
        lambda c: reverse("people:org_chart_person", args=[c.leaver.pk]),
        frozenset({"direct_manager", "skip_manager"}) | ORG_WIDE,
        404,
    ),
    "org chart reports": (
        lambda c: reverse("people:org_chart_reports", args=[c.org.eng_manager.pk]),
        MEMBERS,
        404,
    ),
    "departments": (lambda c: reverse("people:departments"), MEMBERS, 404),
    "attributes": (lambda c: reverse("people:attributes"), frozenset({"hr_admin"}), 403),
    "add a person": (lambda c: reverse("people:person_new"), frozenset({"hr_admin"}), 403),
    "edit a person": (
        lambda c: reverse("people:person_edit", args=[c.target.pk]),
        frozenset({"hr_admin"}),
        403,
    ),
    "edit a leaver": (
        lambda c: reverse("people:person_edit", args=[c.leaver.pk]),
        frozenset({"hr_admin"}),
        403,
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_who_gets_each_page(cast: Cast, page: str) -> None:
    url_of, allowed, refused = PAGES[page]
    url = url_of(cast)
    expected = status_for(allowed, refused)
    actual = {role: cast.client(role).get(url).status_code for role in ROLES}
    assert actual == {role: expected(role) for role in ROLES}


@pytest.mark.parametrize("role", sorted(SIGNED_OUT))
def test_signed_out_visitors_are_sent_to_sign_in(cast: Cast, role: str) -> None:
    url = reverse("people:person", args=[cast.target.pk])
    response = cast.client(role).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_my_team_sends_people_to_their_own_team_page(cast: Cast) -> None:
    for role in ROLES:
        response = cast.client(role).get(reverse("people:my_team"))
        if role in SIGNED_OUT:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login")), role
        elif role == "no_person":
            assert response.status_code == 404
        else:
            person = cast.persons[role]
            assert response.status_code == 302, role
            assert response["Location"] == reverse("people:team", args=[person.pk]), role


def test_organisation_wide_role_without_person(cast: Cast) -> None:
    """A board member with the executive role but no person record."""
    viewer = User.objects.create_user("board@example.com", "pw-board-123", is_executive=True)
    client = Client()
    client.force_login(viewer)
    assert "no person record" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("people:my_team")).status_code == 404
    chart = client.get(reverse("people:org_chart"))
    assert chart.status_code == 200
    assert cast.org.ceo.full_name in chart.content.decode()
    team = client.get(reverse("people:team", args=[cast.org.eng_manager.pk]))
    assert team.status_code == 200


def test_pages_refuse_unsafe_methods(cast: Cast) -> None:
    client = cast.client("hr_admin")
    assert client.post(reverse("people:directory")).status_code == 405
    assert client.post(reverse("people:person", args=[cast.target.pk])).status_code == 405
    assert client.get(reverse("people:person_roles", args=[cast.target.pk])).status_code == 405


# --- what the profile shows ------------------------------------------------------------

EMPLOYMENT_VALUES = ("E100", "L3", "CC-1")
SENSITIVE_VALUES = ("Female",)


def test_profile_shows_employment_and_attributes_only_to_those_allowed(cast: Cast) -> None:
    url = reverse("people:person", args=[cast.target.pk])
    for role in MEMBERS:
        html = cast.client(role).get(url).content.decode()
        assert cast.target.work_email in html, role
        assert cast.org.eng_manager.full_name in html, role
        for value in EMPLOYMENT_VALUES:
            assert shows(html, value) is (role in LINE | ORG_WIDE), (role, value)
        for value in SENSITIVE_VALUES:
            assert shows(html, value) is (role == "hr_admin"), (role, value)


def test_profile_of_a_leaver_shows_the_leaving_date_to_their_manager(cast: Cast) -> None:
    html = (
        cast.client("direct_manager")
        .get(reverse("people:person", args=[cast.leaver.pk]))
        .content.decode()
    )
    assert "Left" in html
    assert shows(html, "E999")
    assert not shows(html, "Male")  # gender is sensitive, even for a former report


def test_profile_links_to_the_team_page_only_for_those_who_may_open_it(cast: Cast) -> None:
    url = reverse("people:person", args=[cast.org.eng_manager.pk])
    team_url = reverse("people:team", args=[cast.org.eng_manager.pk])
    for role in MEMBERS:
        html = cast.client(role).get(url).content.decode()
        assert (f'href="{team_url}"' in html) is (role in MANAGERS_OF_TEAM), role


def test_roles_form_is_shown_to_hr_admins_only(cast: Cast) -> None:
    url = reverse("people:person", args=[cast.target.pk])
    roles_url = reverse("people:person_roles", args=[cast.target.pk])
    for role in MEMBERS:
        html = cast.client(role).get(url).content.decode()
        assert (roles_url in html) is (role == "hr_admin"), role


# --- roles and attribute sensitivity (HR only) -----------------------------------------


def test_hr_admin_grants_a_role(cast: Cast) -> None:
    url = reverse("people:person_roles", args=[cast.target.pk])
    response = cast.client("hr_admin").post(url, {"executive": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person", args=[cast.target.pk])
    user = User.objects.get(pk=cast.target.user_id)
    assert user.is_executive and not user.is_hr_admin
    event = AuditEvent.objects.get(action="user.roles")
    assert event.actor_id == cast.org.hr.user_id
    assert event.target_id == str(user.pk)
    assert event.data == {"before": {"hr_admin": False, "executive": False}}


def test_only_hr_admins_may_change_roles(cast: Cast) -> None:
    url = reverse("people:person_roles", args=[cast.target.pk])
    for role in ROLES:
        if role == "hr_admin":
            continue
        response = cast.client(role).post(url, {"hr_admin": "on", "executive": "on"})
        expected = 302 if role in SIGNED_OUT else 403 if role in MEMBERS else 404
        assert response.status_code == expected, role
    user = User.objects.get(pk=cast.target.user_id)
    assert not user.is_hr_admin and not user.is_executive
    assert not AuditEvent.objects.filter(action="user.roles").exists()


def test_roles_of_a_leaver_hidden_from_others_are_not_found(cast: Cast) -> None:
    url = reverse("people:person_roles", args=[cast.leaver.pk])
    assert cast.client("employee").post(url, {"hr_admin": "on"}).status_code == 404


def test_hr_admin_changes_attribute_sensitivity(cast: Cast) -> None:
    gender = CustomAttribute.objects.get(key="gender")
    assert gender.is_sensitive
    url = reverse("people:attribute_sensitivity", args=[gender.pk])
    profile = reverse("people:person", args=[cast.target.pk])
    assert "Female" not in cast.client("direct_manager").get(profile).content.decode()

    response = cast.client("hr_admin").post(url, {})  # unchecked box: not sensitive
    assert response.status_code == 302
    gender.refresh_from_db()
    assert not gender.is_sensitive
    assert AuditEvent.objects.filter(action="attribute.sensitivity").count() == 1
    assert "Female" in cast.client("direct_manager").get(profile).content.decode()
    assert "Female" not in cast.client("employee").get(profile).content.decode()

    response = cast.client("hr_admin").post(
        url,
        {"sensitive": "on"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"attribute-{gender.pk}",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="attribute-{gender.pk}">')
    assert "<html" not in html
    gender.refresh_from_db()
    assert gender.is_sensitive


def test_only_hr_admins_may_change_attribute_sensitivity(cast: Cast) -> None:
    gender = CustomAttribute.objects.get(key="gender")
    url = reverse("people:attribute_sensitivity", args=[gender.pk])
    for role in ROLES:
        if role == "hr_admin":
            continue
        response = cast.client(role).post(url, {})
        expected = 302 if role in SIGNED_OUT else 403 if role in MEMBERS else 404
        assert response.status_code == expected, role
    gender.refresh_from_db()
    assert gender.is_sensitive
    assert (
        cast.client("hr_admin")
        .post(reverse("people:attribute_sensitivity", args=[999_999]))
        .status_code
        == 404
    )


def test_attributes_page_lists_definitions(cast: Cast) -> None:
    html = cast.client("hr_admin").get(reverse("people:attributes")).content.decode()
    assert "cost_center" in html and "gender" in html
    # Definitions only: the page never lists anybody's values.
    assert "Female" not in html


# --- the directory ----------------------------------------------------------------------


def names_in(response: Any) -> set[str]:
    return {p.full_name for p in response.context["page"].object_list}


def test_directory_lists_active_people(cast: Cast) -> None:
    response = cast.client("employee").get(reverse("people:directory"))
    names = names_in(response)
    assert cast.target.full_name in names
    assert cast.leaver.full_name not in names
    assert len(names) == Person.objects.filter(status=Person.Status.ACTIVE).count()


def test_people_who_left_are_shown_to_hr_on_request_only(cast: Cast) -> None:
    url = reverse("people:directory")
    leaver = cast.leaver.full_name
    for role in MEMBERS:
        client = cast.client(role)
        assert leaver not in names_in(client.get(url)), role
        response = client.get(url, {"include_left": "on"})
        assert (leaver in names_in(response)) is (role in ORG_WIDE), role
        assert ("include_left" in response.content.decode()) is (role in ORG_WIDE), role


def test_directory_search(cast: Cast) -> None:
    client = cast.client("employee")
    url = reverse("people:directory")
    assert names_in(client.get(url, {"q": "ann"})) == {cast.target.full_name}
    assert names_in(client.get(url, {"q": "ENGINEER@example"})) == {
        cast.target.full_name,
        cast.org.engineer2.full_name,
    }
    assert names_in(client.get(url, {"q": "bob engineer"})) == {cast.org.engineer2.full_name}
    assert names_in(client.get(url, {"q": "nobody-by-that-name"})) == set()


def test_search_by_employee_id_finds_only_people_whose_id_one_may_see(cast: Cast) -> None:
    # Finding Ann by "E100" would tell a colleague her employee id.
    url = reverse("people:directory")
    for role in MEMBERS:
        found = names_in(cast.client(role).get(url, {"q": "e100"}))
        assert (found == {cast.target.full_name}) is (role in LINE | ORG_WIDE), role
        assert found <= {cast.target.full_name}, role


def test_employee_ids_match_exactly_and_only_for_those_who_may_see_them(cast: Cast) -> None:
    services.person_update(actor=None, person=cast.org.seller, employee_id="ANN-7")
    url = reverse("people:directory")
    found = names_in(cast.client("colleague").get(url, {"q": "ann"}))
    assert found == {cast.target.full_name}  # by name; not Sam, whose id holds "ann"
    assert names_in(cast.client("hr_admin").get(url, {"q": "ann"})) == {cast.target.full_name}
    assert names_in(cast.client("hr_admin").get(url, {"q": "ann-7"})) == {cast.org.seller.full_name}
    assert names_in(cast.client("colleague").get(url, {"q": "ann-7"})) == set()
    # Part of an id finds nobody: no probing of ids one character at a time.
    assert names_in(cast.client("hr_admin").get(url, {"q": "e10"})) == set()


def test_directory_filters_by_department_and_its_sub_departments(cast: Cast) -> None:
    engineering = Department.objects.get(full_name="Engineering")
    platform = Department.objects.get(full_name="Engineering/Platform")
    client = cast.client("employee")
    url = reverse("people:directory")
    o = cast.org
    assert names_in(client.get(url, {"department": engineering.pk})) == {
        o.eng_head.full_name,
        o.eng_manager.full_name,
        o.engineer.full_name,
        o.engineer2.full_name,
    }
    assert names_in(client.get(url, {"department": platform.pk, "q": "bob"})) == {
        o.engineer2.full_name,
    }
    # "Engineering Ops" is a sibling whose name starts like Engineering's: not below it.
    make_person("olga.ops@example.com", manager=o.ceo, department="Engineering Ops")
    make_person("eve.eng@example.com", manager=o.ceo, department="Engineering")
    found = names_in(client.get(url, {"department": engineering.pk}))
    assert "Eve Eng" in found and "Olga Ops" not in found


def test_department_counts_include_sub_departments(cast: Cast) -> None:
    o = cast.org
    # A sibling whose name starts like Engineering's is not below it.
    make_person("olga.ops@example.com", manager=o.ceo, department="Engineering Ops")
    page = cast.client("employee").get(reverse("people:departments"))
    rows = {row.full_name: row for row in page.context["departments"]}
    # Engineering: its head, plus Platform's manager and two engineers (not the leaver).
    assert (rows["Engineering"].headcount, rows["Engineering"].own_headcount) == (4, 1)
    assert rows["Engineering/Platform"].headcount == 3
    assert rows["Engineering Ops"].headcount == 1
    # Each count is what the department's directory link lists.
    directory = cast.client("employee")
    for row in rows.values():
        found = directory.get(reverse("people:directory"), {"department": row.pk})
        assert len(names_in(found)) == row.headcount, row.full_name
    assert '<td class="num">4</td><td class="num">1</td>' in page.text


def test_directory_htmx_request_renders_only_the_results(cast: Cast) -> None:
    url = reverse("people:directory")
    client = cast.client("employee")
    partial = client.get(
        url,
        {"q": "ann"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="directory-results",
    ).content.decode()
    assert cast.target.full_name in partial
    assert "<html" not in partial and 'role="search"' not in partial
    assert "1 person" in partial
    full = client.get(url, {"q": "ann"}).content.decode()
    assert "<html" in full and 'role="search"' in full
    # An htmx request aimed elsewhere (e.g. a boosted link) gets the whole page.
    other = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main").content.decode()
    assert "<html" in other


def test_directory_paginates(cast: Cast, settings: Any) -> None:
    settings.CADENCE_DIRECTORY_PAGE_SIZE = 4
    client = cast.client("employee")
    url = reverse("people:directory")
    first = client.get(url)
    active = Person.objects.filter(status=Person.Status.ACTIVE).count()
    assert len(first.context["page"].object_list) == 4
    assert first.context["page"].paginator.count == active
    last = client.get(url, {"page": 99})
    assert len(last.context["page"].object_list) == active - 4 * (
        first.context["page"].paginator.num_pages - 1
    )
    html = client.get(url, {"q": "e", "page": 2}).content.decode()
    assert "page=1&amp;q=e" in html or "page=3&amp;q=e" in html


def test_directory_rows_name_a_manager_who_left_only_to_those_who_may_see_them(
    cast: Cast,
) -> None:
    o = cast.org
    services.person_mark_left(actor=None, person=o.eng_manager)
    link = f'<a href="/people/{o.eng_manager.pk}/">{o.eng_manager.full_name}</a>'
    card = f'<a class="person-name" href="/people/{o.engineer.pk}/">{o.engineer.full_name}</a>'
    for role in ("employee", "colleague", "other_manager", "skip_manager", "hr_admin", "executive"):
        html = cast.client(role).get(reverse("people:directory"), {"q": "ann"}).content.decode()
        assert card in html, role
        assert (link in html) is (role in {"skip_manager", "hr_admin", "executive"}), role
        assert (o.eng_manager.full_name in html) is (link in html), role


def test_directory_rows_are_read_without_person_objects(cast: Cast) -> None:
    """Fifty rows for every keystroke of a search: shaped from the rows' columns
    (``queries.DirectoryRow``), not built as people, departments and managers."""
    user = cast.user("colleague")
    access.acting_person(user)  # the reader, loaded once per request anyway
    built: list[type] = []

    def count(sender: type, **kwargs: object) -> None:
        built.append(sender)

    post_init.connect(count)
    try:
        page = queries.directory_page(user, q="ann", page=1, per_page=50)
    finally:
        post_init.disconnect(count)
    assert built == []
    (row,) = page.object_list
    ann = cast.target
    assert (row.pk, row.full_name, row.initials, row.job_title) == (
        ann.pk,
        ann.full_name,
        ann.initials,
        ann.job_title,
    )
    assert row.url == reverse("people:person", args=[ann.pk])
    assert row.department == ann.department.full_name
    assert row.manager_name == ann.manager.full_name
    assert row.manager_url == reverse("people:person", args=[ann.manager_id])


def test_a_directory_page_is_the_page_a_paginator_gives(cast: Cast) -> None:
    """A search's page counts with its own query (a window count) instead of a
    ``COUNT`` apart, and lands where ``Paginator.get_page`` lands for any ``page``."""
    user = cast.user("hr_admin")
    for q in ("e", "example", ""):
        people = queries.directory_search(user, q=q, include_left=True)
        assert people.count() > 6
        for page in (None, "", "abc", "2.5", "0", "-1", "1", "2", "3", "99", 2):
            expected = Paginator(people, 3).get_page(page)
            found = queries.directory_page(user, q=q, include_left=True, page=page, per_page=3)
            assert found.number == expected.number, (q, page)
            assert found.paginator.count == expected.paginator.count, (q, page)
            assert [row.pk for row in found.object_list] == [p.pk for p in expected], (q, page)


# --- team, org chart and home -----------------------------------------------------------


def test_team_page_shows_direct_reports_and_the_whole_line(cast: Cast) -> None:
    o = cast.org
    client = cast.client("skip_manager")
    direct = client.get(reverse("people:team", args=[o.eng_head.pk]))
    assert [p.pk for p in direct.context["team"].direct_reports] == [o.eng_manager.pk]
    assert direct.context["team"].line_size == 3  # the leaver does not count
    line = client.get(reverse("people:team", args=[o.eng_head.pk]), {"show": "line"})
    assert {p.pk for p in line.context["line_page"].object_list} == {
        o.eng_manager.pk,
        o.engineer.pk,
        o.engineer2.pk,
    }
    html = line.content.decode()
    assert cast.leaver.full_name not in html
    assert o.seller.full_name not in html


def test_org_chart_centres_on_me_and_expands_in_place(cast: Cast) -> None:
    o = cast.org
    client = cast.client("self")
    chart = client.get(reverse("people:org_chart"))
    assert chart.context["focus"] == o.engineer
    assert [p.pk for p in chart.context["chain"]] == [o.ceo.pk, o.eng_head.pk, o.eng_manager.pk]
    fragment = client.get(
        reverse("people:org_chart_reports", args=[o.eng_manager.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"children-{o.eng_manager.pk}",
    ).content.decode()
    assert "<html" not in fragment
    assert o.engineer.full_name in fragment and o.engineer2.full_name in fragment
    assert cast.leaver.full_name not in fragment


def test_org_chart_is_boxes_with_disclosure_buttons(cast: Cast) -> None:
    o = cast.org
    client = cast.client("employee")
    top = client.get(reverse("people:org_chart_top")).text
    # One person at the top: their box opens on their reports, already there.
    assert re.search(
        rf'<button type="button" class="org-toggle" aria-expanded="true" '
        rf'aria-controls="children-{o.ceo.pk}">4 reports',
        top,
    )
    assert f'<ul class="org-children" id="children-{o.ceo.pk}">' in top
    # Their reports are closed boxes whose buttons fetch the next level once, and a link
    # for readers without JavaScript.
    sales = o.sales_head.pk
    reports = reverse("people:org_chart_reports", args=[sales])
    assert re.search(
        rf'<button type="button" class="org-toggle" hidden aria-expanded="false" '
        rf'aria-controls="children-{sales}" hx-get="{reports}" hx-trigger="click once"',
        top,
    )
    assert f'<ul class="org-children" id="children-{sales}" hidden>' in top
    assert (
        f'class="org-toggle-link" href="{reverse("people:org_chart_person", args=[sales])}"' in top
    )
    assert len(re.findall(r'class="org-box(?: focus)?"', top)) == 5
    assert '<script src="/static/cadence/orgchart.js" defer></script>' in top

    # Centred on someone: the managers above, then their box, marked and open.
    mine = cast.client("self").get(reverse("people:org_chart")).text
    assert re.search(
        r'<div class="org-box focus" aria-current="true">\s*<div class="org-box-person">\s*'
        r'<span class="person">.*?Ann Engineer',
        mine,
        re.S,
    )
    assert mine.count('class="org-item org-chain"') == 3

    fragment = client.get(
        reverse("people:org_chart_reports", args=[o.eng_manager.pk]), HTTP_HX_REQUEST="true"
    ).text
    assert fragment.count('<li class="org-item">') == 2
    assert "<html" not in fragment


def test_org_chart_queries_do_not_grow_with_the_organisation(cast: Cast) -> None:
    hr = cast.client("hr_admin")
    url = reverse("people:org_chart_top")
    before = queries_for(hr, url)
    grow_team(cast.org.ceo, 0, 8)
    assert queries_for(hr, url) == before


# --- query counts -------------------------------------------------------------------------


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def grow_team(lead: Person, start: int, stop: int) -> None:
    """Reports of ``lead`` numbered start..stop-1; from the fourth on, each has a report of
    their own, a department of their own and custom attributes, so that any per-row
    query (manager, department, report count, attributes) would show up."""
    for i in range(start, stop):
        report = make_person(
            f"report{i}.team@example.com",
            manager=lead,
            department=f"Engineering/Squad {i}",
            employee_id=f"T{i}",
            custom_attributes={"gender": "X", "cost_center": f"C{i}"},
            location="Lisbon",
        )
        if i >= 3:
            make_person(f"sub{i}.team@example.com", manager=report, department="Sales")


def test_page_queries_do_not_grow_with_team_or_organisation(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    lead = make_person("tess.lead@example.com", manager=cast.org.eng_head, department="Engineering")
    lead_client = cast.client("skip_manager")
    lead_client.force_login(lead.user)
    hr = cast.client("hr_admin")
    employee = cast.client("employee")
    pages = {
        "directory (employee)": (employee, reverse("people:directory")),
        "directory search (employee)": (employee, reverse("people:directory") + "?q=team"),
        "search by id (employee)": (employee, reverse("people:directory") + "?q=t1"),
        "directory with leavers (HR)": (hr, reverse("people:directory") + "?include_left=on"),
        "my team page": (lead_client, reverse("people:team", args=[lead.pk])),
        "my whole line": (lead_client, reverse("people:team", args=[lead.pk]) + "?show=line"),
        "team page (HR)": (hr, reverse("people:team", args=[lead.pk])),
        "lead's profile (HR)": (hr, reverse("people:person", args=[lead.pk])),
        "lead's profile (employee)": (employee, reverse("people:person", args=[lead.pk])),
        "home (lead)": (lead_client, reverse("home")),
        "org chart (lead)": (lead_client, reverse("people:org_chart")),
    }
    grow_team(lead, 0, 3)
    small = {name: queries_for(client, url) for name, (client, url) in pages.items()}
    grow_team(lead, 3, 12)
    assert lead.direct_reports.count() == 12
    large = {name: queries_for(client, url) for name, (client, url) in pages.items()}
    assert large == small

    # session, user, acting person, the bell's unread count, then the page's own reads
    # (see queries.py)
    limits = {
        "directory (employee)": 7,
        "search by id (employee)": 8,
        "my team page": 7,
        "my whole line": 9,
        "lead's profile (HR)": 7,
    }
    for name, limit in limits.items():
        client, url = pages[name]
        with django_assert_max_num_queries(limit):
            client.get(url)


def test_profile_queries_do_not_depend_on_the_depth_of_the_chain(cast: Cast) -> None:
    hr = cast.client("hr_admin")
    shallow = queries_for(hr, reverse("people:person", args=[cast.org.eng_head.pk]))
    boss = cast.org.engineer2
    for i in range(6):
        boss = make_person(f"level{i}.deep@example.com", manager=boss)
    assert len(boss.chain_ids) == 9
    assert queries_for(hr, reverse("people:person", args=[boss.pk])) == shallow


# --- a manager who left -------------------------------------------------------------------


def test_a_manager_who_left_is_not_revealed_by_their_reports_pages(cast: Cast) -> None:
    """Reports keep pointing at a manager who left until HR assigns a new one; those who
    may not see people who left must not meet them through their reports."""
    o = cast.org
    services.person_mark_left(actor=None, person=o.eng_manager)
    gone = o.eng_manager.full_name
    pages = [
        reverse("people:directory"),
        reverse("people:person", args=[o.engineer.pk]),
        reverse("people:org_chart_person", args=[o.engineer.pk]),
    ]
    for role in ("employee", "colleague", "other_manager"):
        client = cast.client(role)
        for url in pages:
            html = client.get(url).content.decode()
            assert gone not in html, (role, url)
    assert gone not in cast.client("colleague").get(reverse("home")).content.decode()
    for role in ("skip_manager", "hr_admin", "executive"):
        client = cast.client(role)
        for url in pages[1:]:
            assert gone in client.get(url).content.decode(), (role, url)


def test_page_forms_need_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.org.hr.user)
    url = reverse("people:person_roles", args=[cast.target.pk])
    assert client.post(url, {"hr_admin": "on"}).status_code == 403
    assert not User.objects.get(pk=cast.target.user_id).is_hr_admin
