"""Creating goals for others: a report, a team, the company — as the access rule allows."""

import pytest
from django.urls import reverse

from cadence.goals.models import Goal
from cadence.people.models import Department

pytestmark = pytest.mark.django_db


def create(client, period, owner, title="A goal"):
    return client.post(
        reverse("goals:goal_create") + f"?period={period.pk}",
        {
            "owner": owner,
            "title": title,
            "kind": "objective",
            "visibility": "public",
            "weight": "1",
        },
    )


def test_a_manager_sets_a_goal_for_a_report_which_is_active_at_once(org, period):
    response = create(org.client_for(org.eng_manager), period, f"person:{org.engineer.pk}")
    assert response.status_code == 302, response.content.decode()[:2000]
    goal = Goal.objects.get(title="A goal")
    assert (goal.owner_person, goal.state) == (org.engineer, Goal.State.ACTIVE)


def test_a_manager_sets_a_goal_for_the_team_they_manage(org, period):
    platform = Department.objects.get(full_name="Engineering/Platform")
    response = create(org.client_for(org.eng_manager), period, f"team:{platform.pk}")
    assert response.status_code == 302
    assert Goal.objects.get(title="A goal").owner_department == platform


def test_hr_sets_company_goals(org, period):
    assert create(org.client_for(org.hr), period, "company").status_code == 302
    assert Goal.objects.get(title="A goal").owner_type == Goal.Owner.COMPANY


@pytest.mark.parametrize(
    "who,owner",
    [
        ("engineer", "company"),  # an employee: only their own goals
        ("engineer", "team:platform"),
        ("sales_manager", "person:engineer"),  # another branch's report
        ("sales_manager", "team:platform"),  # another branch's team
        ("eng_manager", "company"),
    ],
)
def test_nobody_creates_goals_for_owners_outside_their_reach(org, period, who, owner):
    platform = Department.objects.get(full_name="Engineering/Platform")
    owner = owner.replace("platform", str(platform.pk)).replace("engineer", str(org.engineer.pk))
    response = create(org.client_for(getattr(org, who)), period, owner)
    assert response.status_code == 200  # the form again, with the choice refused
    assert "Select a valid choice" in response.content.decode()
    assert not Goal.objects.filter(title="A goal").exists()


def test_an_employee_drafts_their_own_goal(org, period):
    assert create(org.client_for(org.engineer), period, "me").status_code == 302
    goal = Goal.objects.get(title="A goal")
    assert (goal.owner_person, goal.state) == (org.engineer, Goal.State.DRAFT)


def test_anonymous_is_sent_to_sign_in(client, period):
    response = create(client, period, "company")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_removing_a_key_result_recomputes_the_goal_and_is_refused_to_outsiders(
    org, person_goal_set
):
    from cadence.goals.models import KeyResult

    kr = person_goal_set.kr_launch
    url = reverse("goals:key_result_delete", args=[kr.pk])
    for outsider in (org.engineer2, org.sales_manager):
        # A public goal: they may read it, not change it.
        assert org.client_for(outsider).post(url).status_code == 403
    assert KeyResult.objects.filter(pk=kr.pk).exists()
    response = org.client_for(org.eng_manager).post(url)
    assert response.status_code == 302
    assert not KeyResult.objects.filter(pk=kr.pk).exists()
