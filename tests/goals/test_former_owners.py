"""A person who left keeps their goals; their name goes only to those who may still open
their profile (``people.display``): the goal page, the alignment tree, the API and the
plan page agree with the profile's 404."""

import html

import pytest
from django.urls import reverse

from cadence.goals import services
from cadence.people import services as people
from cadence.planning import services as planning
from tests.conftest import Org

pytestmark = pytest.mark.django_db

NAME = "Ann Engineer"
FORMER = "Former employee"


@pytest.fixture
def left_owner_goal(org: Org, period, team_goal):
    goal = services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Ship the importer",
        owner_type="person",
        owner_person=org.engineer,
        parent=team_goal,
    )
    people.person_mark_left(actor=None, person=org.engineer)
    return goal


def views(client, goal, period) -> tuple[int, str, str, dict]:
    profile = client.get(reverse("people:person", args=[goal.owner_person_id])).status_code
    detail = html.unescape(client.get(reverse("goals:goal", args=[goal.pk])).content.decode())
    tree = html.unescape(
        client.get(
            reverse("goals:alignment"), {"period": period.pk, "q": "importer"}
        ).content.decode()
    )
    owner = client.get(f"/api/v1/goals/{goal.pk}").json()["owner"]
    return profile, detail, tree, owner


@pytest.mark.parametrize("who", ["seller", "engineer2", "sales_manager"])
def test_those_who_may_not_open_the_profile_read_former_employee(
    org: Org, period, left_owner_goal, who
) -> None:
    profile, detail, tree, owner = views(org.client_for(getattr(org, who)), left_owner_goal, period)
    assert profile == 404
    assert NAME not in detail and NAME not in tree
    assert FORMER in detail and FORMER in tree
    assert f'/people/{left_owner_goal.owner_person_id}/"' not in detail  # no link to a 404
    assert owner["person_name"] == FORMER and owner["person_id"] is None


@pytest.mark.parametrize("who", ["eng_manager", "eng_head", "hr", "exec_viewer"])
def test_those_who_may_open_the_profile_read_the_name(org: Org, period, left_owner_goal, who):
    profile, detail, tree, owner = views(org.client_for(getattr(org, who)), left_owner_goal, period)
    assert profile == 200
    assert NAME in detail and NAME in tree
    assert owner["person_name"] == NAME and owner["person_id"] == left_owner_goal.owner_person_id


def test_a_plan_names_a_manager_who_left_by_the_same_rule(org: Org, period) -> None:
    plan = planning.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)
    people.person_mark_left(actor=None, person=org.eng_manager)
    url = reverse("planning:plan", args=[plan.pk])
    own = html.unescape(org.client_for(org.engineer).get(url).content.decode())
    assert "Eng Manager" not in own and FORMER in own
    hr = html.unescape(org.client_for(org.hr).get(url).content.decode())
    assert "Eng Manager" in hr


def test_a_check_in_author_who_left_is_named_by_the_same_rule(org: Org, period, team_goal):
    goal = services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Ship the importer",
        owner_type="person",
        owner_person=org.engineer2,
        parent=team_goal,
    )
    kr = services.key_result_create(
        actor=org.eng_manager.user,
        goal=goal,
        title="Tickets closed",
        kind="number",
        direction="increase",
        start_value=0,
        target_value=10,
    )
    # Bob's manager checks in for him, then leaves; Bob stays.
    services.check_in_create(
        actor=org.eng_manager.user, key_result=kr, value=3, confidence="on_track", comment="Week 1"
    )
    people.person_mark_left(actor=None, person=org.eng_manager)
    url = reverse("goals:goal", args=[goal.pk])
    seen = html.unescape(org.client_for(org.seller).get(url).content.decode())
    assert "Week 1" in seen and "Eng Manager" not in seen and FORMER in seen
    above = html.unescape(org.client_for(org.eng_head).get(url).content.decode())
    assert "Week 1" in above and "Eng Manager" in above
