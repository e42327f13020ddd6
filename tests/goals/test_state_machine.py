"""The goal state machine (``models.TRANSITIONS``): every path, through the services,
the goal page and ``PATCH /api/v1/goals/{id}``.

The rule that matters most: a goal that was never approved reaches ``active`` only
through approval — not via cancelled → active, not by the owner, not by any door.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadence.goals import services
from cadence.goals.models import TRANSITIONS, Goal
from tests.conftest import Org

pytestmark = pytest.mark.django_db

API = "/api/v1"
S = Goal.State

# Every (from, to) move the machine allows; everything else is refused.
ALLOWED = {
    (S.DRAFT, S.PROPOSED),
    (S.DRAFT, S.CANCELLED),
    (S.PROPOSED, S.ACTIVE),
    (S.PROPOSED, S.DRAFT),
    (S.PROPOSED, S.CANCELLED),
    (S.ACTIVE, S.COMPLETED),
    (S.ACTIVE, S.CANCELLED),
    (S.COMPLETED, S.ACTIVE),
    (S.COMPLETED, S.CANCELLED),
    (S.CANCELLED, S.ACTIVE),  # only for a goal approved before
    (S.CANCELLED, S.DRAFT),  # only for a goal never approved
}


def own_draft(org: Org, period, title: str = "Learn Rust") -> Goal:
    return services.goal_create(
        actor=org.engineer.user,
        period=period,
        title=title,
        owner_type="person",
        owner_person=org.engineer,
    )


def reach(org: Org, goal: Goal, path: list[str]) -> Goal:
    """Walk ``goal`` along ``path`` with the actor each move needs (the manager approves)."""
    for state in path:
        actor = org.eng_manager.user if state == S.ACTIVE else org.engineer.user
        if goal.state == S.PROPOSED and state == S.DRAFT:
            actor = org.eng_manager.user
        services.goal_set_state(actor=actor, goal=goal, state=state)
    return Goal.objects.get(pk=goal.pk)


def message(error: ValidationError) -> str:
    return " ".join(error.message_dict["state"])


# --- the table ------------------------------------------------------------------------


@pytest.mark.any_data
def test_the_table_holds_exactly_the_allowed_moves() -> None:
    assert {(t.source, t.target) for t in TRANSITIONS} == ALLOWED


def test_no_path_activates_a_goal_without_approval(org: Org, period) -> None:
    """Every state the owner can reach from their draft, by any sequence of moves
    (a search over the machine's nodes — state and "was approved" — each move tried
    on a real goal through the service): active is never among them."""
    start = (S.DRAFT, False)
    paths: dict[tuple[str, bool], list[str]] = {start: []}
    queue = [start]
    n = 0
    while queue:
        node = queue.pop(0)
        for target in S.values:
            n += 1
            goal = own_draft(org, period, f"Path {n}")
            for state in paths[node]:
                services.goal_set_state(actor=org.engineer.user, goal=goal, state=state)
            try:
                services.goal_set_state(actor=org.engineer.user, goal=goal, state=target)
            except ValidationError:
                continue
            reached = (goal.state, goal.was_approved)
            if reached not in paths:
                paths[reached] = [*paths[node], target]
                queue.append(reached)
    assert set(paths) == {(S.DRAFT, False), (S.PROPOSED, False), (S.CANCELLED, False)}


# --- the services ---------------------------------------------------------------------


def test_the_reported_path_is_refused_with_the_way_forward(org: Org, period) -> None:
    """draft → proposed → cancelled → active was the hole."""
    goal = reach(org, own_draft(org, period), [S.PROPOSED, S.CANCELLED])
    with pytest.raises(ValidationError) as error:
        services.goal_set_state(actor=org.engineer.user, goal=goal, state=S.ACTIVE)
    assert "never approved" in message(error.value)
    # Even HR or the manager cannot skip approval through the state change.
    with pytest.raises(ValidationError):
        services.goal_set_state(actor=org.hr.user, goal=goal, state=S.ACTIVE)
    assert Goal.objects.get(pk=goal.pk).state == S.CANCELLED
    # The way forward: back to a draft, sent for approval, approved.
    goal = reach(org, goal, [S.DRAFT, S.PROPOSED, S.ACTIVE])
    assert goal.state == S.ACTIVE and goal.approved_at is not None
    assert goal.approved_by == org.eng_manager.user


def test_a_draft_cancelled_cannot_be_reopened_as_active(org: Org, period) -> None:
    goal = reach(org, own_draft(org, period), [S.CANCELLED])
    with pytest.raises(ValidationError):
        services.goal_set_state(actor=org.eng_manager.user, goal=goal, state=S.ACTIVE)


def test_an_approved_goal_cancelled_is_reopened(org: Org, period) -> None:
    goal = reach(org, own_draft(org, period), [S.PROPOSED, S.ACTIVE, S.CANCELLED])
    assert goal.approved_at is not None
    goal = reach(org, goal, [S.ACTIVE, S.COMPLETED, S.ACTIVE])
    assert goal.state == S.ACTIVE
    # Once approved it never needs restoring to a draft.
    goal = reach(org, goal, [S.CANCELLED])
    with pytest.raises(ValidationError):
        services.goal_set_state(actor=org.engineer.user, goal=goal, state=S.DRAFT)


def test_a_goal_set_by_a_manager_counts_as_approved(org: Org, period) -> None:
    goal = services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Mentor Bob",
        owner_type="person",
        owner_person=org.engineer,
    )
    assert goal.state == S.ACTIVE and goal.approved_at is not None
    goal = reach(org, goal, [S.CANCELLED, S.ACTIVE])
    assert goal.state == S.ACTIVE


def test_the_owner_cannot_create_their_own_goal_active(org: Org, period) -> None:
    with pytest.raises(ValidationError) as error:
        services.goal_create(
            actor=org.engineer.user,
            period=period,
            title="Self-approved",
            owner_type="person",
            owner_person=org.engineer,
            state=S.ACTIVE,
        )
    assert message(error.value) == "Someone else must approve your own goal."


@pytest.mark.parametrize(
    "source,target",
    [
        (s, t)
        for s in (S.DRAFT, S.PROPOSED, S.ACTIVE, S.COMPLETED)
        for t in S.values
        if s != t and (s, t) not in ALLOWED
    ],
)
def test_every_other_move_is_refused_naming_the_possible_ones(
    org: Org, period, source, target
) -> None:
    paths = {
        S.DRAFT: [],
        S.PROPOSED: [S.PROPOSED],
        S.ACTIVE: [S.PROPOSED, S.ACTIVE],
        S.COMPLETED: [S.PROPOSED, S.ACTIVE, S.COMPLETED],
    }
    goal = reach(org, own_draft(org, period), paths[source])
    assert goal.state == source
    with pytest.raises(ValidationError) as error:
        services.goal_set_state(actor=org.hr.user, goal=goal, state=target)
    assert Goal.objects.get(pk=goal.pk).state == source
    assert "cannot go from" in message(error.value) or "approv" in message(error.value)


# --- the goal page --------------------------------------------------------------------


def post_state(client, goal: Goal, state: str):
    return client.post(reverse("goals:goal_state", args=[goal.pk]), {"state": state})


def test_the_page_refuses_the_reported_path(org: Org, period) -> None:
    owner = org.client_for(org.engineer)
    goal = own_draft(org, period)
    assert owner.post(reverse("goals:goal_submit", args=[goal.pk])).status_code == 302
    assert post_state(owner, goal, S.CANCELLED).status_code == 302
    assert Goal.objects.get(pk=goal.pk).state == S.CANCELLED
    response = post_state(owner, goal, S.ACTIVE)
    assert response.status_code == 302
    assert Goal.objects.get(pk=goal.pk).state == S.CANCELLED
    page = owner.get(response["Location"]).content.decode()
    assert "never approved" in page


def test_the_owner_cannot_approve_through_the_state_form(org: Org, period) -> None:
    owner = org.client_for(org.engineer)
    goal = reach(org, own_draft(org, period), [S.PROPOSED])
    assert post_state(owner, goal, S.ACTIVE).status_code == 403
    assert Goal.objects.get(pk=goal.pk).state == S.PROPOSED
    assert post_state(org.client_for(org.eng_manager), goal, S.ACTIVE).status_code == 302
    assert Goal.objects.get(pk=goal.pk).state == S.ACTIVE


def buttons(client, goal: Goal) -> list[str]:
    import re

    page = client.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    actions = page.split('class="button-row goal-actions"', 1)
    if len(actions) == 1:
        return []
    block = actions[1].split("</div>", 1)[0]
    return [
        re.sub(r"\s+", " ", b).strip()
        for b in re.findall(
            r'<form[^>]*class="goal-action[^>]*>.*?<button[^>]*>(.*?)</button>', block, re.S
        )
    ]


def test_the_page_offers_only_the_moves_possible_now(org: Org, period) -> None:
    owner, manager = org.client_for(org.engineer), org.client_for(org.eng_manager)
    goal = own_draft(org, period)
    assert buttons(owner, goal) == ["Send for approval to Eng Manager", "Cancel this goal"]
    goal = reach(org, goal, [S.PROPOSED])
    assert buttons(owner, goal) == ["Cancel this goal"]  # no approving one's own goal
    assert buttons(manager, goal) == ["Approve", "Return to draft for changes", "Cancel this goal"]
    goal = reach(org, goal, [S.CANCELLED])
    assert buttons(owner, goal) == ["Restore as a draft"]  # never "Reopen" as active
    goal = reach(org, goal, [S.DRAFT, S.PROPOSED, S.ACTIVE])
    assert buttons(owner, goal) == ["Mark as completed", "Cancel this goal"]
    goal = reach(org, goal, [S.CANCELLED])
    assert buttons(owner, goal) == ["Reopen"]
    # A reader who may not act gets no buttons at all.
    assert buttons(org.client_for(org.seller), goal) == []


def test_the_page_says_why_check_in_is_unavailable(org: Org, period) -> None:
    owner = org.client_for(org.engineer)
    goal = own_draft(org, period)
    page = owner.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "Check-ins start once the goal is approved: it is still a draft." in page
    goal = reach(org, goal, [S.PROPOSED])
    page = owner.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "it is awaiting approval" in page
    goal = reach(org, goal, [S.ACTIVE])
    page = owner.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "Add a key result to check in on this goal" in page
    page = org.client_for(org.seller).get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "You may read this goal but not check in on it" in page


# --- the API --------------------------------------------------------------------------


def patch(client, goal: Goal, **body):
    return client.patch(f"{API}/goals/{goal.pk}", data=body, content_type="application/json")


def test_the_api_refuses_the_reported_path(org: Org, period) -> None:
    owner = org.client_for(org.engineer)
    goal = own_draft(org, period)
    assert patch(owner, goal, state="proposed").json()["state"] == "proposed"
    assert patch(owner, goal, state="cancelled").json()["state"] == "cancelled"
    response = patch(owner, goal, state="active")
    assert response.status_code == 422
    assert "never approved" in response.content.decode()
    assert Goal.objects.get(pk=goal.pk).state == S.CANCELLED


def test_the_api_approves_only_for_approvers(org: Org, period) -> None:
    goal = reach(org, own_draft(org, period), [S.PROPOSED])
    assert patch(org.client_for(org.engineer), goal, state="active").status_code == 403
    assert Goal.objects.get(pk=goal.pk).state == S.PROPOSED
    response = patch(org.client_for(org.eng_manager), goal, state="active")
    assert response.status_code == 200 and response.json()["state"] == "active"
