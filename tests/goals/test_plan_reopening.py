"""The user is told before a change reopens an agreed plan — on the forms that would make
it and beside the buttons that would — and only then."""

import html

import pytest
from django.urls import reverse

from cadence.goals import services
from cadence.goals.models import Goal
from cadence.planning import services as planning
from cadence.planning.models import PerformancePlan
from tests.conftest import Org

pytestmark = pytest.mark.django_db

WARNING = "agreed plan for FY2027"


@pytest.fixture
def plan(org: Org, period) -> PerformancePlan:
    plan = planning.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)
    planning.plan_propose(actor=org.eng_manager.user, plan=plan)
    planning.plan_sign(actor=org.eng_manager.user, plan=plan)
    return planning.plan_sign(actor=org.engineer.user, plan=plan)


def page(client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_forms_of_an_agreed_goal_warn_before_saving(org: Org, person_goal, plan) -> None:
    client = org.client_for(org.engineer)
    edit = page(client, "goals:goal_edit", person_goal.pk)
    assert "This goal is part of Ann Engineer's agreed plan for FY2027" in edit
    assert "reopens the plan" in edit
    add = page(client, "goals:key_result_add", person_goal.pk)
    assert "Adding, changing or removing a key result reopens the plan" in add
    kr = person_goal.key_results.first()
    assert "reopens the plan" in page(client, "goals:key_result_edit", kr.pk)


def test_the_forms_of_a_draft_do_not_warn(org: Org, period, plan) -> None:
    client = org.client_for(org.engineer)
    draft = services.goal_create(
        actor=org.engineer.user,
        period=period,
        title="Learn Rust",
        owner_type="person",
        owner_person=org.engineer,
    )
    assert WARNING not in page(client, "goals:goal_edit", draft.pk)
    assert WARNING not in page(client, "goals:key_result_add", draft.pk)
    # And saving it indeed leaves the plan agreed.
    client.post(
        reverse("goals:key_result_add", args=[draft.pk]),
        {
            "title": "Book read",
            "kind": "milestone",
            "direction": "increase",
            "start_value": "0",
            "target_value": "1",
            "weight": "1",
        },
    )
    assert draft.key_results.count() == 1
    assert PerformancePlan.objects.get(pk=plan.pk).state == "agreed"


def test_without_an_agreed_plan_nothing_warns(org: Org, person_goal) -> None:
    assert WARNING not in page(org.client_for(org.engineer), "goals:goal_edit", person_goal.pk)


def test_the_approve_button_says_it_reopens_the_plan(org: Org, period, plan) -> None:
    goal = services.goal_create(
        actor=org.engineer.user,
        period=period,
        title="Learn Rust",
        owner_type="person",
        owner_person=org.engineer,
    )
    services.goal_submit(actor=org.engineer.user, goal=goal)
    detail = page(org.client_for(org.eng_manager), "goals:goal", goal.pk)
    approve = detail.split("goal-action-approve", 1)[1].split("</form>", 1)[0]
    assert "Ann Engineer's plan for FY2027 is agreed: this reopens it" in approve
    # Returning it for changes reopens nothing, and says nothing.
    back = detail.split("goal-action-return", 1)[1].split("</form>", 1)[0]
    assert "reopens" not in back


def test_the_new_goal_form_names_reports_with_agreed_plans(org: Org, period, plan) -> None:
    form = page(org.client_for(org.eng_manager), "goals:goal_create")
    assert "These people have an agreed plan for FY2027: Ann Engineer." in form
    assert Goal.objects.count() == 0
