"""Goal pages: My goals, Team goals, the alignment tree, one goal, the forms and the
htmx check-in — who may see what, private goals never leaking, and query counts that
do not grow with the team or the tree."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.db import connection
from django.db.models.signals import post_init
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertHTMLEqual

from cadence.goals import queries, services
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.people import access as people_access
from cadence.planning.models import PerformancePeriod
from tests.conftest import Org, make_person
from tests.goals.conftest import company_tree

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


def key_result(goal: Goal, title: str = "Builds per day", **fields) -> KeyResult:
    fields.setdefault("start_value", Decimal(0))
    fields.setdefault("target_value", Decimal(10))
    return services.key_result_create(actor=None, goal=goal, title=title, **fields)


@pytest.fixture
def private_goal(org: Org, period: PerformancePeriod) -> Goal:
    goal = person_goal_of(org.engineer, period, SECRET, visibility=Goal.Visibility.PRIVATE)
    key_result(goal, "Secret key result")
    return goal


@pytest.fixture
def kr(person_goal: Goal) -> KeyResult:
    return key_result(person_goal)


def html(response) -> str:
    return response.content.decode()


# --- refusals --------------------------------------------------------------------------------

PAGES = [
    "goals:my_goals",
    "goals:team_goals",
    "goals:alignment",
    "goals:progress_rule",
    "goals:goal_create",
]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.any_data
def test_anonymous_is_sent_to_sign_in(db, name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_cannot_open_a_goal_or_check_in(person_goal: Goal, kr: KeyResult) -> None:
    client = Client()
    assert client.get(reverse("goals:goal", args=[person_goal.pk])).status_code == 302
    response = client.post(reverse("goals:check_in", args=[kr.pk]), {"value": "5"})
    assert response.status_code == 302
    assert not CheckIn.objects.exists()


def test_team_goals_refused_to_employees_and_other_branches(org: Org, period) -> None:
    url = reverse("goals:team_goals")
    # No reports: nothing to show, and the page says why.
    assert org.client_for(org.engineer).get(url).status_code == 403
    other_team = f"{url}?manager={org.eng_manager.pk}"
    assert org.client_for(org.seller).get(other_team).status_code == 403
    assert org.client_for(org.sales_manager).get(other_team).status_code == 403
    assert org.client_for(org.engineer2).get(other_team).status_code == 403
    # The manager above, and HR, may look at that team.
    assert org.client_for(org.eng_head).get(other_team).status_code == 200
    assert org.client_for(org.hr).get(other_team).status_code == 200


def test_private_goal_page_is_not_found_for_those_outside(org: Org, private_goal: Goal) -> None:
    url = reverse("goals:goal", args=[private_goal.pk])
    for outsider in (org.engineer2, org.seller, org.sales_manager, org.sales_head):
        assert org.client_for(outsider).get(url).status_code == 404, outsider
    for insider in (org.engineer, org.eng_manager, org.eng_head, org.hr):
        response = org.client_for(insider).get(url)
        assert response.status_code == 200, insider
        assert SECRET in html(response)


def test_only_the_owner_checks_in(org: Org, kr: KeyResult, private_goal: Goal) -> None:
    url = reverse("goals:check_in", args=[kr.pk])
    data = {"value": "4", "confidence": "on_track"}
    assert org.client_for(org.engineer2).post(url, data).status_code == 403
    assert org.client_for(org.sales_manager).post(url, data).status_code == 403
    secret_kr = private_goal.key_results.get()
    secret_url = reverse("goals:check_in", args=[secret_kr.pk])
    # A private goal's key result does not even exist for an outsider.
    assert org.client_for(org.seller).post(secret_url, data).status_code == 404
    assert not CheckIn.objects.exists()


def test_editing_is_refused_to_colleagues_and_other_branches(org: Org, person_goal: Goal) -> None:
    url = reverse("goals:goal_edit", args=[person_goal.pk])
    assert org.client_for(org.engineer2).get(url).status_code == 403
    assert org.client_for(org.sales_manager).get(url).status_code == 403
    assert org.client_for(org.engineer).get(url).status_code == 200
    approve = reverse("goals:goal_approve", args=[person_goal.pk])
    assert org.client_for(org.sales_manager).post(approve).status_code == 403


# --- My goals --------------------------------------------------------------------------------


def test_my_goals_lists_mine_with_key_results(
    org: Org, person_goal: Goal, kr: KeyResult, private_goal: Goal
) -> None:
    person_goal_of(org.engineer2, person_goal.period, "Bob's own goal")
    response = org.client_for(org.engineer).get(reverse("goals:my_goals"))
    assert response.status_code == 200
    page = html(response)
    assert person_goal.title in page
    assert SECRET in page  # my own private goal
    assert kr.title in page
    assert "Bob&#x27;s own goal" not in page and "Bob's own goal" not in page
    # The progress rule: on hover, and as an accessible disclosure.
    # The goal half of the rule on the goal's bar, the rule with its own numbers on a
    # key result's bar.
    assert re.search(r'<div class="goal-progress"[^>]* title="Weighted mean of this goal', page)
    assert 'title="(0 − 0) / (10 − 0) = 0 %, clipped to 0–100 %."' in page
    assert "How is progress calculated?" in page
    assert '<progress max="100"' in page
    assert 'style="' not in page


def test_my_goals_shows_rows_not_attributes_stuck_on_models(
    org: Org, person_goal: Goal, kr: KeyResult
) -> None:
    """What a page shows beside a goal or key result comes as typed rows (views.GoalCard,
    views.KeyResultRow, queries.FlaggedGoal), and the models stay as loaded."""
    client = org.client_for(org.engineer)
    response = client.get(reverse("goals:my_goals"))
    card = [c for c in response.context["cards"] if c.flagged.goal.pk == person_goal.pk][0]
    assert card.editable
    assert card.flagged.health is not None and card.flagged.stale is False
    [row] = [r for r in card.key_results if r.key_result.pk == kr.pk]
    assert row.can_check_in
    assert row.explain == "(0 − 0) / (10 − 0) = 0 %, clipped to 0–100 %."
    for attached in ("editable", "health", "stale"):
        assert not hasattr(card.flagged.goal, attached)
    for attached in ("can_check_in", "explain"):
        assert not hasattr(row.key_result, attached)

    detail = client.get(reverse("goals:goal", args=[person_goal.pk])).context
    assert detail["detail"].flagged.goal == person_goal
    [row] = [r for r in detail["key_results"] if r.key_result.pk == kr.pk]
    assert row.can_check_in and row.chart == ""  # no check-in yet: no chart
    assert not hasattr(row.key_result, "chart")

    checked = client.post(
        reverse("goals:check_in", args=[kr.pk]),
        {"value": "4", "confidence": "on_track"},
        headers={"HX-Request": "true"},
    )
    assert checked.context["row"].key_result.latest_confidence == "on_track"
    assert checked.context["flagged"].goal.pk == person_goal.pk
    assert f'id="goal-progress-{person_goal.pk}" hx-swap-oob="true"' in html(checked)


def test_my_goals_period_selector(
    org: Org, period: PerformancePeriod, person_goal: Goal, closed_period: PerformancePeriod
) -> None:
    client = org.client_for(org.engineer)
    default = html(client.get(reverse("goals:my_goals")))
    assert person_goal.title in default
    assert f'<option value="{period.pk}" selected>' in default
    other = client.get(reverse("goals:my_goals"), {"period": closed_period.pk})
    assert person_goal.title not in html(other)
    assert f'<option value="{closed_period.pk}" selected>' in html(other)
    # A closed period is read-only: no new goal there.
    assert reverse("goals:goal_create") not in html(other)


def test_closed_period_goal_has_no_check_in_or_edit(org: Org, closed_period) -> None:
    goal = Goal.objects.get(period=closed_period)
    page = html(org.client_for(org.hr).get(reverse("goals:goal", args=[goal.pk])))
    assert "Closed period: read-only" in page
    assert reverse("goals:goal_edit", args=[goal.pk]) not in page
    kr = goal.key_results.get()
    assert reverse("goals:check_in", args=[kr.pk]) not in page
    response = org.client_for(org.hr).post(
        reverse("goals:check_in", args=[kr.pk]), {"value": "5", "confidence": "on_track"}
    )
    assert response.status_code == 403
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_my_goals_shows_the_team_tab_to_managers_only(org: Org, period) -> None:
    team_link = f'href="{reverse("goals:team_goals")}'
    assert team_link in html(org.client_for(org.eng_manager).get(reverse("goals:my_goals")))
    assert team_link not in html(org.client_for(org.engineer).get(reverse("goals:my_goals")))


def test_goals_in_the_main_navigation(org: Org, period) -> None:
    page = html(org.client_for(org.seller).get(reverse("home")))
    assert f'href="{reverse("goals:my_goals")}"' in page


# --- check-in ---------------------------------------------------------------------------------


def test_htmx_check_in_returns_the_row_and_the_goal_progress(org: Org, kr: KeyResult) -> None:
    client = org.client_for(org.engineer)
    response = client.post(
        reverse("goals:check_in", args=[kr.pk]),
        {"value": "5", "confidence": "at_risk", "comment": "Halfway there"},
        headers={"HX-Request": "true", "HX-Target": f"kr-{kr.pk}"},
    )
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith(f'<li class="kr" id="kr-{kr.pk}"')
    assert "<html" not in page
    assert "Halfway there" in page
    assert 'value="50"' in page  # the key result's progress bar
    assert 'title="(5 − 0) / (10 − 0) = 50 %, clipped to 0–100 %."' in page
    assert f'id="goal-progress-{kr.goal_id}" hx-swap-oob="true"' in page
    check_in = CheckIn.objects.get()
    assert check_in.value == Decimal(5)
    assert check_in.confidence == CheckIn.Confidence.AT_RISK
    assert check_in.author == org.engineer.user


def test_check_in_without_htmx_redirects(org: Org, kr: KeyResult) -> None:
    client = org.client_for(org.engineer)
    url = reverse("goals:check_in", args=[kr.pk])
    response = client.post(url, {"value": "3", "confidence": "on_track"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("goals:my_goals"))
    response = client.post(url, {"value": "4", "confidence": "on_track", "next": "goal"})
    assert response["Location"] == reverse("goals:goal", args=[kr.goal_id])
    assert CheckIn.objects.count() == 2


def test_invalid_check_in_shows_the_error_in_the_row(org: Org, kr: KeyResult) -> None:
    response = org.client_for(org.engineer).post(
        reverse("goals:check_in", args=[kr.pk]),
        {"value": "", "confidence": "on_track"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'role="alert"' in html(response)
    assert not CheckIn.objects.exists()


# --- Team goals -------------------------------------------------------------------------------


def test_team_goals_show_reports_goals_with_flags(
    org: Org, period, person_goal: Goal, private_goal: Goal
) -> None:
    stale = person_goal_of(org.engineer2, period, "Forgotten goal")
    Goal.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=60), progress=0.0
    )
    response = org.client_for(org.eng_manager).get(reverse("goals:team_goals"))
    assert response.status_code == 200
    page = html(response)
    assert person_goal.title in page and SECRET in page and "Forgotten goal" in page
    assert "No recent check-in" in page
    assert "Off track" in page  # half the period gone, nothing done, no check-in
    team = response.context["team"]
    assert team.goal_count == 3
    assert team.stale_count >= 1
    forgotten = [g for m in team.members for g in m.goals if g.goal.pk == stale.pk][0]
    assert forgotten.stale and forgotten.health.status == "off_track"


def test_team_goals_for_the_manager_above(org: Org, person_goal: Goal) -> None:
    response = org.client_for(org.eng_head).get(
        reverse("goals:team_goals"), {"manager": org.eng_manager.pk}
    )
    assert person_goal.title in html(response)


# --- alignment tree -----------------------------------------------------------------------------


def test_alignment_tree_first_two_levels(
    org: Org, company_goal, team_goal, person_goal, private_goal
) -> None:
    response = org.client_for(org.seller).get(reverse("goals:alignment"))
    assert response.status_code == 200
    page = html(response)
    assert company_goal.title in page and team_goal.title in page
    # The third level is folded: fetched on expand.
    assert person_goal.title not in page
    assert reverse("goals:goal_children", args=[team_goal.pk]) in page
    assert SECRET not in page


def test_alignment_children_on_expand(org: Org, team_goal, person_goal) -> None:
    response = org.client_for(org.seller).get(
        reverse("goals:goal_children", args=[team_goal.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert person_goal.title in html(response)
    assert "<html" not in html(response)


def test_private_goals_never_in_the_tree_even_for_their_owner(
    org: Org, company_goal, team_goal, private_goal
) -> None:
    for viewer in (org.engineer, org.eng_manager, org.hr, org.seller):
        client = org.client_for(viewer)
        tree = html(client.get(reverse("goals:alignment")))
        assert SECRET not in tree
        search = client.get(reverse("goals:alignment"), {"q": "secret"})
        assert SECRET not in html(search)
        assert search.context["match_count"] == 0


def test_child_counts_leave_out_what_the_viewer_may_not_see(
    org: Org, period, company_goal, team_goal
) -> None:
    draft = person_goal_of(org.engineer, period, "Draft aligned goal", parent=team_goal)
    response = org.client_for(org.seller).get(reverse("goals:alignment"))
    roots = response.context["roots"]
    node = [c for c in roots[0].children if c.goal.pk == team_goal.pk][0]
    from cadence.goals import access

    visible = access.goals_visible_to(org.seller.user).filter(parent=team_goal).count()
    assert node.child_count == visible
    if not access.goals_visible_to(org.seller.user).filter(pk=draft.pk).exists():
        assert draft.title not in html(
            org.client_for(org.seller).get(reverse("goals:goal_children", args=[team_goal.pk]))
        )


def test_alignment_search_shows_matches_with_their_ancestors(
    org: Org, company_goal, team_goal, person_goal
) -> None:
    response = org.client_for(org.seller).get(
        reverse("goals:alignment"),
        {"q": person_goal.title.split()[-1]},
        headers={"HX-Request": "true", "HX-Target": "alignment-tree"},
    )
    page = html(response)
    assert "<html" not in page
    assert response.context["match_count"] == 1
    assert (
        page.index(company_goal.title) < page.index(team_goal.title) < page.index(person_goal.title)
    )
    assert 'class="goal-node matched"' in page


def test_alignment_filter_by_department(
    org: Org, period, company_goal, team_goal, person_goal
) -> None:
    sales_goal = person_goal_of(org.seller, period, "Close ten deals", parent=company_goal)
    sales = org.seller.department
    page = html(
        org.client_for(org.engineer).get(
            reverse("goals:alignment"), {"department": sales.pk, "period": period.pk}
        )
    )
    assert sales_goal.title in page and company_goal.title in page
    assert person_goal.title not in page


def test_alignment_filter_writes_its_options_without_a_template_each(org: Org, period) -> None:
    # Rendering every period and department <option> through Django's widget templates
    # cost ~5 ms a request; the page writes them directly and must say the same.
    sales = org.seller.department
    response = org.client_for(org.engineer).get(
        reverse("goals:alignment"), {"department": sales.pk, "period": period.pk}
    )
    rendered = {t.name for t in response.templates}
    assert "django/forms/widgets/input.html" in rendered  # widget templates are recorded
    assert "django/forms/widgets/select_option.html" not in rendered
    assert "django/forms/widgets/select.html" not in rendered
    form = response.context["form"]
    for name in ("period", "department"):
        stock = forms.Select(attrs=form[name].field.widget.attrs)
        stock.choices = form[name].field.widget.choices
        assertHTMLEqual(
            str(form[name]),
            stock.render(name, form[name].value(), attrs={"id": f"id_{name}"}),
        )
    assert f'<option value="{sales.pk}" selected>' in html(response)


def test_alignment_page_lists_the_periods_once(org: Org, period) -> None:
    # The view loads every period to pick the default; the filter's select reuses them.
    client = org.client_for(org.engineer)
    client.get(reverse("goals:alignment"))
    with CaptureQueriesContext(connection) as queries:
        page = html(client.get(reverse("goals:alignment")))
    listing = [q for q in queries if 'FROM "planning_performanceperiod"' in q["sql"]]
    assert len(listing) == 1
    assert f'<option value="{period.pk}" selected>{period.name}</option>' in page


def test_alignment_nodes_name_owners_link_goals_and_count_children(
    org: Org, period, company_goal, team_goal, person_goal
) -> None:
    """What each node shows, worked out by the query (``queries.TreeNode``) rather
    than by template tags per node."""
    page = html(org.client_for(org.seller).get(reverse("goals:alignment")))
    company = f'<a href="/goals/{company_goal.pk}/">{company_goal.title}</a>'
    assert company + '\n    <span class="small muted">Company</span>' in page
    team = f'<a href="/goals/{team_goal.pk}/">{team_goal.title}</a>'
    department = team_goal.owner_department.name
    assert team + f'\n    <span class="small muted">{department}</span>' in page
    assert f'aria-label="Progress of {team_goal.title}"' in page
    assert f"<summary>1 goal aligned to {company_goal.title}</summary>" in page
    assert f'hx-get="/goals/{team_goal.pk}/children/"' in page
    search = html(
        org.client_for(org.seller).get(reverse("goals:alignment"), {"q": person_goal.title})
    )
    mine = f'<a href="/goals/{person_goal.pk}/">{person_goal.title}</a>'
    assert mine + f'\n    <span class="small muted">{org.engineer.full_name}</span>' in search


def test_a_node_with_more_children_than_shown_says_so(org: Org, period) -> None:
    root, _children = company_tree(org, period, "Wide", children=queries.CHILD_LIMIT + 1)
    page = html(org.client_for(org.seller).get(reverse("goals:alignment")))
    assert f"<summary>More than 100 goals aligned to {root.title}</summary>" in page


def test_the_tree_builds_no_owner_team_or_period_objects(
    org: Org, period, company_goal, team_goal, person_goal
) -> None:
    """A search shows some hundred nodes for every keystroke: the owner's name and the
    team's come as columns of the goal's row, not as objects built per node."""
    user = org.seller.user
    people_access.acting_person(user)  # the reader, loaded once per request anyway
    built: list[type] = []

    def count(sender: type, **kwargs: object) -> None:
        built.append(sender)

    post_init.connect(count)
    try:
        roots, matches = queries.alignment_matches(user, period, q=person_goal.title)
        first_levels = queries.alignment_first_levels(user, period)
    finally:
        post_init.disconnect(count)
    assert matches == 1 and roots[0].goal == company_goal
    assert [child.goal for child in first_levels[0].children] == [team_goal]
    assert set(built) == {Goal}


# --- one goal ----------------------------------------------------------------------------------


def test_goal_page_with_history_and_chart(org: Org, team_goal, person_goal, kr) -> None:
    services.check_in_create(
        actor=org.engineer.user,
        key_result=kr,
        value=Decimal(3),
        confidence="on_track",
        comment="First week",
    )
    services.check_in_create(
        actor=org.engineer.user,
        key_result=kr,
        value=Decimal(6),
        confidence="at_risk",
        comment="Flaky runners",
    )
    response = org.client_for(org.engineer2).get(reverse("goals:goal", args=[person_goal.pk]))
    assert response.status_code == 200
    page = html(response)
    assert "First week" in page and "Flaky runners" in page
    assert "<svg" in page
    assert team_goal.title in page  # the ancestor, in the breadcrumbs
    # A colleague may read but not check in.
    assert reverse("goals:check_in", args=[kr.pk]) not in page


def test_owner_sees_the_check_in_form_on_the_goal_page(org: Org, person_goal, kr) -> None:
    page = html(org.client_for(org.engineer).get(reverse("goals:goal", args=[person_goal.pk])))
    assert reverse("goals:check_in", args=[kr.pk]) in page
    assert reverse("goals:goal_edit", args=[person_goal.pk]) in page


# --- forms -------------------------------------------------------------------------------------


def test_create_submit_and_approve_a_goal(org: Org, period, team_goal) -> None:
    client = org.client_for(org.engineer2)
    response = client.post(
        f"{reverse('goals:goal_create')}?period={period.pk}",
        {
            "title": "Learn Rust",
            "description": "",
            "kind": "objective",
            "visibility": "public",
            "parent": team_goal.pk,
            "weight": "1",
            "due_on": "",
        },
    )
    goal = Goal.objects.get(title="Learn Rust")
    assert response.status_code == 302
    assert goal.owner_person == org.engineer2
    assert goal.parent == team_goal
    response = client.post(
        reverse("goals:key_result_add", args=[goal.pk]),
        {
            "title": "Chapters read",
            "kind": "number",
            "direction": "increase",
            "unit": "",
            "start_value": "0",
            "target_value": "12",
            "weight": "1",
            "due_on": "",
        },
    )
    assert response.status_code == 302
    assert goal.key_results.get().target_value == 12
    if goal.state == Goal.State.DRAFT:
        client.post(reverse("goals:goal_submit", args=[goal.pk]))
        goal.refresh_from_db()
        assert goal.state == Goal.State.PROPOSED
        assert (
            org.client_for(org.engineer)
            .post(reverse("goals:goal_approve", args=[goal.pk]))
            .status_code
            == 403
        )  # a colleague's public goal: readable, not theirs to approve
        org.client_for(org.eng_manager).post(reverse("goals:goal_approve", args=[goal.pk]))
        goal.refresh_from_db()
        assert goal.state == Goal.State.ACTIVE


def test_edit_a_goal(org: Org, person_goal: Goal) -> None:
    client = org.client_for(org.engineer)
    response = client.post(
        reverse("goals:goal_edit", args=[person_goal.pk]),
        {
            "title": "Cut build time in half",
            "description": "Faster CI",
            "kind": "objective",
            "visibility": "public",
            "parent": person_goal.parent_id or "",
            "weight": "2",
            "due_on": "",
        },
    )
    assert response.status_code == 302
    person_goal.refresh_from_db()
    assert person_goal.title == "Cut build time in half"
    assert person_goal.weight == 2


def test_progress_rule_page(org: Org) -> None:
    page = html(org.client_for(org.seller).get(reverse("goals:progress_rule")))
    assert "Worked examples" in page


# --- query counts --------------------------------------------------------------------------------


def _queries_for(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response


def _count(client, url) -> int:
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (session, person)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_my_goals_queries_do_not_grow(org: Org, period, django_assert_max_num_queries) -> None:
    client = org.client_for(org.engineer)
    url = reverse("goals:my_goals")
    goal = person_goal_of(org.engineer, period, "Goal 0")
    key_result(goal)
    small = _count(client, url)
    for i in range(1, 8):
        goal = person_goal_of(org.engineer, period, f"Goal {i}")
        for j in range(3):
            k = key_result(goal, f"KR {j}")
            services.check_in_create(
                actor=org.engineer.user, key_result=k, value=Decimal(j + 1), confidence="on_track"
            )
    _queries_for(client, url, django_assert_max_num_queries, small)


def test_team_goals_queries_do_not_grow(org: Org, period, django_assert_max_num_queries) -> None:
    client = org.client_for(org.eng_manager)
    url = reverse("goals:team_goals")
    for p in (org.engineer, org.engineer2):
        key_result(person_goal_of(p, period, f"Goal of {p.first_name}"))
    small = _count(client, url)
    for i in range(10):
        person = make_person(
            f"new.person{i}@example.com", manager=org.eng_manager, department="Engineering/Platform"
        )
        for j in range(2):
            key_result(person_goal_of(person, period, f"Goal {i}.{j}"))
    response = _queries_for(client, url, django_assert_max_num_queries, small)
    assert len(response.context["team"].members) == 12


def test_alignment_queries_do_not_grow(
    org: Org, period, company_goal, team_goal, django_assert_max_num_queries
) -> None:
    client = org.client_for(org.seller)
    url = reverse("goals:alignment")
    small = _count(client, url)
    for i in range(5):
        root = services.goal_create(
            actor=None, period=period, title=f"Company {i}", owner_type=Goal.Owner.COMPANY
        )
        for j in range(4):
            person_goal_of(org.seller, period, f"Aligned {i}.{j}", parent=root)
    response = _queries_for(client, url, django_assert_max_num_queries, small)
    assert len(response.context["roots"]) == 6


def test_goal_page_queries_do_not_grow(
    org: Org, team_goal: Goal, person_goal: Goal, django_assert_max_num_queries
) -> None:
    client = org.client_for(org.engineer)
    url = reverse("goals:goal", args=[team_goal.pk])
    k = key_result(team_goal)
    services.check_in_create(actor=None, key_result=k, value=Decimal(1), confidence="on_track")
    small = _count(client, url)
    for i in range(5):
        k = key_result(team_goal, f"KR {i}")
        for v in range(3):
            services.check_in_create(
                actor=org.eng_manager.user,
                key_result=k,
                value=Decimal(v + 2),
                confidence="on_track",
            )
        person_goal_of(org.engineer2, team_goal.period, f"Child {i}", parent=team_goal)
    _queries_for(client, url, django_assert_max_num_queries, small)
