"""The goal, key result and check-in forms bound their text as the API does
(``core.limits``) and refuse the NUL character, saying which field."""

import pytest
from django.urls import reverse

from cadence.core.limits import COMMENT, LONG_TEXT
from cadence.goals.models import CheckIn, Goal, KeyResult
from tests.conftest import Org


def goal_data(**overrides: str) -> dict[str, str]:
    return {
        "title": "Learn Rust",
        "description": "",
        "kind": "objective",
        "visibility": "public",
        "parent": "",
        "weight": "1",
        "due_on": "",
        **overrides,
    }


@pytest.mark.parametrize(
    ("description", "error"),
    [
        ("x" * (LONG_TEXT + 1), "Ensure this value has at most 10000 characters"),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_a_goal_description_too_long_or_with_nul_is_refused(
    org: Org, period, description: str, error: str
) -> None:
    response = org.client_for(org.engineer2).post(
        f"{reverse('goals:goal_create')}?period={period.pk}", goal_data(description=description)
    )
    assert response.status_code == 200  # the form again
    assert error in response.content.decode()
    assert not Goal.objects.filter(title="Learn Rust").exists()


def test_a_goal_description_at_the_limit_is_kept(org: Org, period) -> None:
    response = org.client_for(org.engineer2).post(
        f"{reverse('goals:goal_create')}?period={period.pk}",
        goal_data(description="x" * LONG_TEXT),
    )
    assert response.status_code == 302
    assert len(Goal.objects.get(title="Learn Rust").description) == LONG_TEXT


def test_editing_a_goal_bounds_its_description(org: Org, person_goal: Goal) -> None:
    response = org.client_for(org.engineer).post(
        reverse("goals:goal_edit", args=[person_goal.pk]),
        goal_data(
            title=person_goal.title,
            parent=str(person_goal.parent_id or ""),
            description="x" * (LONG_TEXT + 1),
        ),
    )
    assert "Ensure this value has at most 10000 characters" in response.content.decode()
    person_goal.refresh_from_db()
    assert person_goal.description == ""


def test_a_key_result_title_with_nul_is_refused(org: Org, person_goal: Goal) -> None:
    before = person_goal.key_results.count()
    response = org.client_for(org.engineer).post(
        reverse("goals:key_result_add", args=[person_goal.pk]),
        {
            "title": "Chapters\x00read",
            "kind": "number",
            "direction": "increase",
            "unit": "",
            "start_value": "0",
            "target_value": "12",
            "weight": "1",
            "due_on": "",
        },
    )
    assert "Null characters are not allowed." in response.content.decode()
    assert person_goal.key_results.count() == before


@pytest.mark.parametrize(
    ("comment", "error"),
    [
        ("x" * (COMMENT + 1), "Comment: Ensure this value has at most 2000 characters"),
        ("a\x00b", "Comment: Null characters are not allowed."),
    ],
)
def test_a_check_in_comment_too_long_or_with_nul_is_refused_by_name(
    org: Org, person_goal: Goal, comment: str, error: str
) -> None:
    kr = KeyResult.objects.filter(goal=person_goal, kind="number").first()
    response = org.client_for(org.engineer).post(
        reverse("goals:check_in", args=[kr.pk]),
        {"value": "4", "confidence": "on_track", "comment": comment, "next": "goal"},
        follow=True,
    )
    messages = " ".join(str(m) for m in response.context["messages"])
    assert error in messages  # not "Enter the new value." for a value that was entered
    assert not CheckIn.objects.filter(key_result=kr).exists()
