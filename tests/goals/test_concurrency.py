"""Goal writes at the same moment on PostgreSQL: row locks serialise them, no deadlock,
no lost figure. Kept apart from the other goal tests because they need real commits
(transactional tests), while those share one organisation per module in a savepoint."""

import pytest
from django.db import connection
from django.urls import reverse

from cadence.accounts.models import User
from cadence.goals import services
from cadence.goals.models import CheckIn, Goal, KeyResult
from tests.concurrency import run_at_once
from tests.conftest import Org
from tests.goals.conftest import company_tree, progress_of


def check_in(org, kr, value, confidence="on_track", actor=None):
    return services.check_in_create(
        actor=(actor or org.engineer).user, key_result=kr, value=value, confidence=confidence
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_check_ins_serialise_on_postgresql(org, person_goal_set):
    kr = person_goal_set.kr_tickets

    def post(person, value):
        return lambda: check_in(org, KeyResult.objects.get(pk=kr.pk), value, actor=person)

    assert run_at_once(post(org.engineer, 3), post(org.eng_manager, 7)) == []
    history = list(CheckIn.objects.filter(key_result=kr).order_by("at", "pk"))
    assert len(history) == 2
    first, second = history
    assert second.previous_value == first.value
    kr.refresh_from_db()
    assert kr.current_value == second.value
    assert progress_of(person_goal_set.goal) == pytest.approx(float(second.value) / 10 / 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_check_in_and_edit_above_it_neither_deadlock_nor_lose_a_figure(
    org, company_goal, team_goal, person_goal_set
):
    """A check-in below a goal while someone edits that goal: both lock the chain root
    first, so neither waits for the other in a circle, and the stored figures end up as
    a full recomputation would leave them."""
    from django.db import transaction

    from cadence.goals import access

    sibling = services.goal_create(
        actor=org.hr.user,
        period=company_goal.period,
        title="Sibling",
        owner_type="company",
        parent=company_goal,
    )
    services.goal_set_state(actor=org.hr.user, goal=sibling, state="completed")

    def post():
        for value in (2, 4, 6, 8):
            check_in(org, KeyResult.objects.get(pk=person_goal_set.kr_tickets.pk), value)

    def edit():
        for weight in (2, 3, 4, 5):
            with transaction.atomic():
                user = User.objects.get(pk=org.hr.user_id)
                goal = access.goal_for_edit(user, team_goal.pk)
                services.goal_update(actor=user, goal=goal, weight=weight)

    assert run_at_once(post, edit) == []
    assert services.goals_recompute_all() == 0
    assert progress_of(company_goal) == pytest.approx((5 * 0.4 + 1) / 6)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_goals_created_under_a_goal_while_checking_in_below_it_do_not_deadlock(
    org, company_goal, team_goal, person_goal_set
):
    """Inserting a child takes a key-share lock on its parent. If the roll-up then
    waited for the root while a check-in below the same parent held the root and waited
    for the parent, PostgreSQL would refuse one of them. The parent's chain is locked
    before the insert, and the chain lock does not conflict with key-share locks."""

    def post():
        for value in range(1, 11):
            check_in(org, KeyResult.objects.get(pk=person_goal_set.kr_tickets.pk), value)

    def create():
        for n in range(10):
            services.goal_create(
                actor=org.hr.user,
                period=team_goal.period,
                title=f"Child {n}",
                owner_type="team",
                owner_department=team_goal.owner_department,
                parent=Goal.objects.get(pk=team_goal.pk),
                state="active",
            )

    assert run_at_once(post, create) == []
    assert Goal.objects.filter(parent=team_goal, title__startswith="Child ").count() == 10
    assert services.goals_recompute_all() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_opposite_re_alignments_at_the_same_moment_both_succeed(org, period):
    """Two trees; one goal moves from the first to the second while another moves the
    other way. Each re-alignment locks both chains in one ordered statement, so they
    queue instead of deadlocking."""
    root_a, children_a = company_tree(org, period, "A")
    root_b, children_b = company_tree(org, period, "B")

    def move(goals, parent):
        def run():
            for goal in goals:
                services.goal_align(
                    actor=org.hr.user,
                    goal=Goal.objects.get(pk=goal.pk),
                    parent=Goal.objects.get(pk=parent.pk),
                )

        return run

    assert run_at_once(move(children_a, root_b), move(children_b, root_a)) == []
    assert set(Goal.objects.filter(parent=root_b)) == set(children_a)
    assert set(Goal.objects.filter(parent=root_a)) == set(children_b)
    assert services.goals_recompute_all() == 0


# --- the roll-up ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_opposite_re_alignments_on_the_edit_page_are_all_saved(org: Org, period) -> None:
    """The page locks the goal's chain before the form is validated. It locks the
    requested parent's chain in the same ordered statement, so two people moving goals
    between two trees in opposite directions queue instead of deadlocking (and were one
    refused anyway, ``atomic_retrying`` would run the request again)."""
    root_a, children_a = company_tree(org, period, "A")
    root_b, children_b = company_tree(org, period, "B")
    statuses: list[int] = []

    def move(goals: list[Goal], parent: Goal):
        client = org.client_for(org.hr)

        def run() -> None:
            for goal in goals:
                response = client.post(
                    reverse("goals:goal_edit", args=[goal.pk]),
                    {
                        "title": goal.title,
                        "description": "",
                        "kind": "objective",
                        "visibility": "public",
                        "parent": parent.pk,
                        "weight": "1",
                        "due_on": "",
                    },
                )
                statuses.append(response.status_code)

        return run

    assert run_at_once(move(children_a, root_b), move(children_b, root_a)) == []
    assert statuses == [302] * 12
    assert set(Goal.objects.filter(parent=root_b)) == set(children_a)
    assert set(Goal.objects.filter(parent=root_a)) == set(children_b)
    assert services.goals_recompute_all() == 0
