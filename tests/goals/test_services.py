"""Goal services: bad input and integrity, the roll-up, approval, recomputation."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.core.models import AuditEvent
from cadence.goals import services
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.planning import services as planning
from cadence.planning.models import PerformancePlan
from tests.goals.conftest import PersonGoal, progress_of


def message(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


def check_in(org, kr, value, confidence="on_track", actor=None):
    return services.check_in_create(
        actor=(actor or org.engineer).user, key_result=kr, value=value, confidence=confidence
    )


# --- bad input ------------------------------------------------------------------------


def test_target_equal_to_start_is_refused(org, person_goal):
    with pytest.raises(ValidationError) as error:
        services.key_result_create(
            actor=org.engineer.user,
            goal=person_goal,
            title="Flat",
            kind="number",
            direction="increase",
            start_value=5,
            target_value=5,
        )
    assert "The target must differ from the start value" in message(error.value, "target_value")
    kr = person_goal.key_results.first()
    with pytest.raises(ValidationError) as error:
        services.key_result_update(actor=org.engineer.user, key_result=kr, target_value=0)
    assert "must differ from the start" in message(error.value, "target_value")
    # A threshold has no start to move from: equal values are fine there.
    services.key_result_create(
        actor=org.engineer.user,
        goal=person_goal,
        title="Stay at 5",
        kind="number",
        direction="stay_above",
        start_value=5,
        target_value=5,
    )


def test_target_on_the_wrong_side_of_the_start_is_refused(org, person_goal):
    with pytest.raises(ValidationError) as error:
        services.key_result_create(
            actor=org.engineer.user,
            goal=person_goal,
            title="Up",
            direction="increase",
            start_value=10,
            target_value=5,
        )
    assert "To increase, the target must be above" in message(error.value, "target_value")
    with pytest.raises(ValidationError) as error:
        services.key_result_create(
            actor=org.engineer.user,
            goal=person_goal,
            title="Down",
            direction="decrease",
            start_value=5,
            target_value=10,
        )
    assert "To decrease, the target must be below" in message(error.value, "target_value")


@pytest.mark.parametrize("field", ["start_value", "target_value", "current_value"])
def test_negative_currency_is_refused(org, person_goal, field):
    values = {"start_value": 0, "target_value": 100, "current_value": 10, field: -1}
    if field == "start_value":
        values["target_value"] = 100
    with pytest.raises(ValidationError) as error:
        services.key_result_create(
            actor=org.engineer.user,
            goal=person_goal,
            title="Revenue",
            kind="currency",
            unit="EUR",
            **values,
        )
    assert message(error.value, field) == "A currency amount cannot be negative."


def test_negative_currency_check_in_is_refused(org, person_goal):
    kr = services.key_result_create(
        actor=org.engineer.user,
        goal=person_goal,
        title="Revenue",
        kind="currency",
        start_value=0,
        target_value=100,
        unit="EUR",
    )
    with pytest.raises(ValidationError) as error:
        check_in(org, kr, -5)
    assert message(error.value, "value") == "A currency amount cannot be negative."
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_other_bad_key_result_input(org, person_goal, person_goal_set: PersonGoal):
    with pytest.raises(ValidationError) as error:
        services.key_result_create(actor=org.engineer.user, goal=person_goal, title="  ")
    assert message(error.value, "title") == "Give it a title."
    with pytest.raises(ValidationError) as error:
        services.key_result_create(
            actor=org.engineer.user,
            goal=person_goal,
            title="x",
            weight=0,
        )
    assert message(error.value, "weight") == "The weight must be greater than zero."
    with pytest.raises(ValidationError) as error:
        services.key_result_create(
            actor=org.engineer.user,
            goal=person_goal,
            title="x",
            weight="0.001",
        )
    assert message(error.value, "weight") == "The weight must be greater than zero."
    with pytest.raises(ValidationError) as error:
        services.key_result_create(
            actor=org.engineer.user,
            goal=person_goal,
            title="x",
            target_value="1e15",
        )
    assert message(error.value, "target_value") == "This number is too large."
    with pytest.raises(ValidationError) as error:
        services.key_result_create(
            actor=org.engineer.user,
            goal=person_goal,
            title="x",
            kind="percentage",
            start_value=0,
            target_value=120,
        )
    assert message(error.value, "target_value") == "A percentage is between 0 and 100."
    with pytest.raises(ValidationError) as error:
        check_in(org, person_goal_set.kr_launch, Decimal("0.5"))
    assert "either done (1) or not done (0)" in message(error.value, "value")
    with pytest.raises(ValidationError) as error:
        check_in(org, person_goal_set.kr_tickets, "lots")
    assert message(error.value, "value") == "Enter a number."
    with pytest.raises(ValidationError) as error:
        check_in(org, person_goal_set.kr_tickets, 3, confidence="sure")
    assert "on track, at risk or off track" in message(error.value, "confidence")


def test_goal_aligned_to_itself_is_refused(org, team_goal):
    with pytest.raises(ValidationError) as error:
        services.goal_align(actor=org.hr.user, goal=team_goal, parent=team_goal)
    assert message(error.value, "parent") == "A goal cannot be aligned to itself."


def test_goal_aligned_to_its_own_descendant_is_refused(org, company_goal, team_goal, person_goal):
    with pytest.raises(ValidationError) as error:
        services.goal_align(actor=org.hr.user, goal=company_goal, parent=person_goal)
    assert "aligned below this goal: aligning to it would make a cycle" in message(
        error.value, "parent"
    )
    with pytest.raises(ValidationError):
        services.goal_align(actor=org.hr.user, goal=team_goal, parent=person_goal)
    company_goal.refresh_from_db()
    assert company_goal.parent_id is None


def test_alignment_across_a_closed_period_is_refused(org, period, closed_period, team_goal):
    old = Goal.objects.get(period=closed_period)
    with pytest.raises(ValidationError) as error:
        services.goal_align(actor=org.hr.user, goal=team_goal, parent=old)
    assert "belongs to the closed period FY2025" in message(error.value, "parent")
    with pytest.raises(ValidationError) as error:
        services.goal_align(actor=org.hr.user, goal=old, parent=team_goal)
    assert message(error.value, "period") == (
        "The period FY2025 is closed: its goals are read-only."
    )
    with pytest.raises(ValidationError) as error:
        services.goal_create(
            actor=org.hr.user,
            period=period,
            title="New",
            owner_type="company",
            parent=old,
        )
    assert "closed period FY2025" in message(error.value, "parent")


def test_alignment_only_to_the_same_or_a_containing_period(org, period, company_goal):
    quarter = planning.period_create(
        actor=org.hr.user,
        name="FY2027 Q1",
        kind="quarter",
        parent=period,
        starts_on=period.starts_on,
        ends_on=period.starts_on + datetime.timedelta(days=90),
    )
    planning.period_activate(actor=org.hr.user, period=quarter)
    q_goal = services.goal_create(
        actor=org.hr.user,
        period=quarter,
        title="Q1 push",
        owner_type="company",
        parent=company_goal,
    )
    assert q_goal.alignment_path == f"/{company_goal.pk}/{q_goal.pk}/"
    other = services.goal_create(
        actor=org.hr.user, period=period, title="Year goal", owner_type="company"
    )
    with pytest.raises(ValidationError) as error:
        services.goal_align(actor=org.hr.user, goal=other, parent=q_goal)
    assert "same period or of a period containing it" in message(error.value, "parent")


def test_check_in_on_a_closed_period_is_refused(org, closed_period):
    kr = KeyResult.objects.get(goal__period=closed_period)
    with pytest.raises(ValidationError) as error:
        check_in(org, kr, 50, actor=org.hr)
    assert message(error.value, "period") == (
        "The period FY2025 is closed: check-ins are no longer possible."
    )
    assert not CheckIn.objects.filter(key_result=kr).exists()
    goal = kr.goal
    for change in (
        lambda: services.goal_update(actor=org.hr.user, goal=goal, title="Renamed"),
        lambda: services.key_result_update(actor=org.hr.user, key_result=kr, title="x"),
        lambda: services.key_result_delete(actor=org.hr.user, key_result=kr),
        lambda: services.goal_set_state(actor=org.hr.user, goal=goal, state="completed"),
        lambda: services.goal_create(
            actor=org.hr.user, period=closed_period, title="Late", owner_type="company"
        ),
    ):
        with pytest.raises(ValidationError) as error:
            change()
        assert "FY2025 is closed" in message(error.value, "period")


def test_check_in_on_a_goal_that_is_not_active_is_refused(org, person_goal_set):
    services.goal_set_state(
        actor=org.eng_manager.user, goal=person_goal_set.goal, state="cancelled"
    )
    with pytest.raises(ValidationError) as error:
        check_in(org, person_goal_set.kr_tickets, 3)
    assert message(error.value, "key_result") == "Check-ins are possible on active goals only."


def test_private_goals_stay_out_of_the_tree(org, period, team_goal):
    private = services.goal_create(
        actor=org.engineer.user,
        period=period,
        title="Personal growth",
        owner_type="person",
        owner_person=org.engineer,
        visibility="private",
    )
    with pytest.raises(ValidationError) as error:
        services.goal_align(actor=org.engineer.user, goal=private, parent=team_goal)
    assert "A private goal stays out of the alignment tree" in message(error.value, "parent")
    with pytest.raises(ValidationError) as error:
        services.goal_create(
            actor=org.engineer.user,
            period=period,
            title="Secret",
            owner_type="person",
            owner_person=org.engineer,
            visibility="private",
            parent=team_goal,
        )
    assert "private goal stays out" in message(error.value, "parent")
    public = services.goal_create(
        actor=org.engineer.user,
        period=period,
        title="Open",
        owner_type="person",
        owner_person=org.engineer,
    )
    with pytest.raises(ValidationError) as error:
        services.goal_align(actor=org.engineer.user, goal=public, parent=private)
    assert message(error.value, "parent") == "Goals cannot be aligned to a private goal."
    with pytest.raises(ValidationError) as error:
        services.goal_update(actor=org.eng_manager.user, goal=team_goal, visibility="private")
    assert "remove its alignment before making it private" in message(error.value, "visibility")
    company = team_goal.parent
    services.goal_align(actor=org.hr.user, goal=team_goal, parent=None)
    services.goal_update(actor=org.hr.user, goal=company, visibility="private")
    with pytest.raises(ValidationError) as error:
        services.goal_align(actor=org.hr.user, goal=team_goal, parent=company)
    assert message(error.value, "parent") == "Goals cannot be aligned to a private goal."


def test_goal_with_aligned_children_cannot_become_private(org, team_goal, person_goal):
    services.goal_align(actor=org.hr.user, goal=team_goal, parent=None)
    with pytest.raises(ValidationError) as error:
        services.goal_update(actor=org.hr.user, goal=team_goal, visibility="private")
    assert "Other goals are aligned to this one" in message(error.value, "visibility")


def test_owner_must_match_owner_type(org, period):
    with pytest.raises(ValidationError) as error:
        services.goal_create(actor=org.hr.user, period=period, title="x", owner_type="person")
    assert "Choose the person" in message(error.value, "owner_person")
    with pytest.raises(ValidationError) as error:
        services.goal_create(actor=org.hr.user, period=period, title="x", owner_type="team")
    assert "Choose the department" in message(error.value, "owner_department")
    with pytest.raises(ValidationError) as error:
        services.goal_create(actor=org.hr.user, period=period, title=" ", owner_type="company")
    assert message(error.value, "title") == "Give it a title."


# --- concurrency ----------------------------------------------------------------------


def test_interleaved_check_ins_are_both_kept(org, person_goal_set):
    """Two people load the same key result, then both post: the second post must not
    overwrite the first as if it had never happened."""
    kr = person_goal_set.kr_tickets
    seen_by_ann = KeyResult.objects.get(pk=kr.pk)
    seen_by_manager = KeyResult.objects.get(pk=kr.pk)
    check_in(org, seen_by_ann, 4)
    check_in(org, seen_by_manager, 6, actor=org.eng_manager)
    history = list(CheckIn.objects.filter(key_result=kr).order_by("at", "pk"))
    assert [(c.previous_value, c.value) for c in history] == [
        (Decimal(0), Decimal(4)),
        (Decimal(4), Decimal(6)),
    ]
    kr.refresh_from_db()
    assert kr.current_value == 6
    assert kr.progress == pytest.approx(0.6)


def test_check_in_rolls_up_to_the_root(org, company_goal, team_goal, person_goal_set):
    goal = person_goal_set.goal
    result = check_in(org, person_goal_set.kr_tickets, 5, confidence="at_risk")
    assert result.progress == pytest.approx(0.5)
    assert result.confidence == "at_risk"
    # Ann's goal: tickets 50 %, launch 0 % → 25 %; one child each level up.
    for g in (goal, team_goal, company_goal):
        assert progress_of(g) == pytest.approx(0.25)
    check_in(org, person_goal_set.kr_launch, 1)
    for g in (goal, team_goal, company_goal):
        assert progress_of(g) == pytest.approx(0.75)
    goal.refresh_from_db()
    assert goal.last_check_in_at is not None


def test_check_in_queries_do_not_grow_with_the_tree(
    org, period, company_goal, team_goal, person_goal_set
):
    def queries_for_a_check_in(value):
        with CaptureQueriesContext(connection) as context:
            check_in(org, person_goal_set.kr_tickets, value)
        return len(context)

    # The first check-in loads the acting person, which a request has already loaded.
    queries_for_a_check_in(1)
    before = queries_for_a_check_in(2)
    for i in range(30):  # siblings at every level
        services.goal_create(
            actor=org.hr.user,
            period=period,
            title=f"Sibling {i}",
            owner_type="company",
            parent=company_goal,
        )
        services.goal_create(
            actor=org.hr.user,
            period=period,
            title=f"Team sibling {i}",
            owner_type="company",
            parent=team_goal,
        )
    assert queries_for_a_check_in(3) == before
    # A fixed handful (one of them reading the owners up the chain to tell them) plus
    # one update per goal whose progress changed (3 levels here).
    assert before <= 11 + 3


def test_weights_and_siblings(org, period, company_goal, team_goal, person_goal_set):
    sibling = services.goal_create(
        actor=org.hr.user,
        period=period,
        title="Sibling",
        owner_type="company",
        parent=company_goal,
    )
    services.goal_set_state(actor=org.hr.user, goal=sibling, state="completed")  # 100 %
    check_in(org, person_goal_set.kr_tickets, 10)  # Ann 50 %, team 50 %
    assert progress_of(company_goal) == pytest.approx(0.75)
    services.goal_update(actor=org.hr.user, goal=team_goal, weight=3)
    assert progress_of(company_goal) == pytest.approx((3 * 0.5 + 1) / 4)
    kr = KeyResult.objects.get(pk=person_goal_set.kr_tickets.pk)
    services.key_result_update(actor=org.eng_manager.user, key_result=kr, weight=3)
    assert progress_of(person_goal_set.goal) == pytest.approx(0.75)
    assert progress_of(company_goal) == pytest.approx((3 * 0.75 + 1) / 4)


def test_realignment_recomputes_both_chains(org, period, company_goal, team_goal, person_goal_set):
    other = services.goal_create(
        actor=org.hr.user, period=period, title="Other company goal", owner_type="company"
    )
    check_in(org, person_goal_set.kr_launch, 1)  # Ann 50 %
    assert progress_of(company_goal) == pytest.approx(0.5)
    services.goal_align(actor=org.hr.user, goal=team_goal, parent=other)
    assert progress_of(company_goal) == 0.0
    assert progress_of(other) == pytest.approx(0.5)
    goal = Goal.objects.get(pk=person_goal_set.goal.pk)
    assert goal.alignment_path == f"/{other.pk}/{team_goal.pk}/{goal.pk}/"
    assert AuditEvent.objects.filter(action="goal.align").exists()
    services.goal_align(actor=org.hr.user, goal=team_goal, parent=None)
    assert progress_of(other) == 0.0
    assert Goal.objects.get(pk=goal.pk).alignment_path == f"/{team_goal.pk}/{goal.pk}/"


def test_cancelled_goals_leave_the_roll_up(org, company_goal, team_goal, person_goal_set):
    check_in(org, person_goal_set.kr_launch, 1)
    assert progress_of(team_goal) == pytest.approx(0.5)
    services.goal_set_state(
        actor=org.eng_manager.user, goal=person_goal_set.goal, state="cancelled"
    )
    assert progress_of(team_goal) == 0.0
    assert progress_of(company_goal) == 0.0
    services.goal_set_state(actor=org.eng_manager.user, goal=person_goal_set.goal, state="active")
    assert progress_of(company_goal) == pytest.approx(0.5)


def test_deleting_a_key_result_rolls_up(org, company_goal, person_goal_set):
    check_in(org, person_goal_set.kr_launch, 1)
    kr = KeyResult.objects.get(pk=person_goal_set.kr_tickets.pk)
    goal = services.key_result_delete(actor=org.eng_manager.user, key_result=kr)
    assert goal.progress == 1.0
    assert progress_of(company_goal) == 1.0


def test_drafts_count_only_once_approved(org, period, team_goal):
    draft = services.goal_create(
        actor=org.engineer2.user,
        period=period,
        title="Bob's own goal",
        owner_type="person",
        owner_person=org.engineer2,
        parent=team_goal,
    )
    assert draft.state == "draft"
    kr = services.key_result_create(
        actor=org.engineer2.user,
        goal=draft,
        title="Done",
        kind="milestone",
        current_value=1,
    )
    assert kr.progress == 1.0
    assert progress_of(draft) == 1.0
    assert progress_of(team_goal) == 0.0  # a draft does not count yet
    services.goal_submit(actor=org.engineer2.user, goal=draft)
    assert progress_of(team_goal) == 0.0
    services.goal_approve(actor=org.eng_manager.user, goal=draft)
    assert progress_of(team_goal) == 1.0


# --- approval -------------------------------------------------------------------------


def test_approval_flow(org, period):
    goal = services.goal_create(
        actor=org.engineer.user,
        period=period,
        title="Learn Rust",
        owner_type="person",
        owner_person=org.engineer,
    )
    assert goal.state == "draft"
    with pytest.raises(ValidationError) as error:
        services.goal_approve(actor=org.eng_manager.user, goal=goal)
    assert "Only a goal awaiting approval" in message(error.value, "state")
    services.goal_submit(actor=org.engineer.user, goal=goal)
    assert goal.state == "proposed"
    with pytest.raises(ValidationError) as error:
        services.goal_approve(actor=org.engineer.user, goal=goal)
    assert message(error.value, "state") == "Someone else must approve your own goal."
    services.goal_return_to_draft(
        actor=org.eng_manager.user, goal=goal, comment="Make it measurable"
    )
    assert Goal.objects.get(pk=goal.pk).state == "draft"
    event = AuditEvent.objects.filter(action="goal.return").get()
    assert event.data["comment"] == "Make it measurable"
    services.goal_submit(actor=org.engineer.user, goal=goal)
    services.goal_approve(actor=org.eng_manager.user, goal=goal)
    goal.refresh_from_db()
    assert goal.state == "active"
    assert goal.approved_by == org.eng_manager.user
    with pytest.raises(ValidationError):
        services.goal_submit(actor=org.engineer.user, goal=goal)


def test_goals_set_by_a_manager_are_active(org, period):
    goal = services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Mentor Bob",
        owner_type="person",
        owner_person=org.engineer,
    )
    assert goal.state == "active"


def test_completed_goal_without_measures_is_done(org, period, company_goal):
    single = services.goal_create(
        actor=org.hr.user,
        period=period,
        title="Move office",
        owner_type="company",
        kind="single",
        parent=company_goal,
    )
    services.goal_set_state(actor=org.hr.user, goal=single, state="completed")
    assert single.progress == 1.0
    assert progress_of(company_goal) == 1.0
    with pytest.raises(ValidationError) as error:
        services.goal_set_state(actor=org.hr.user, goal=single, state="proposed")
    assert message(error.value, "state") == (
        "A goal cannot go from “Completed” to “Awaiting approval”; from “Completed” it can "
        "go to: Active, Cancelled."
    )


# --- the plan hook --------------------------------------------------------------------


def test_changing_a_person_goal_reopens_an_agreed_plan(org, period, person_goal_set):
    plan = planning.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)
    planning.plan_propose(actor=org.eng_manager.user, plan=plan)
    planning.plan_sign(actor=org.eng_manager.user, plan=plan, comment="ok")
    planning.plan_sign(actor=org.engineer.user, plan=plan, comment="ok")
    assert PerformancePlan.objects.get(pk=plan.pk).state == "agreed"
    # A check-in is progress, not a change of what was agreed.
    check_in(org, person_goal_set.kr_tickets, 3)
    assert PerformancePlan.objects.get(pk=plan.pk).state == "agreed"
    services.goal_update(
        actor=org.eng_manager.user, goal=person_goal_set.goal, title="Ship the importer v2"
    )
    assert PerformancePlan.objects.get(pk=plan.pk).state == "proposed"


def agreed_plan(org, period) -> PerformancePlan:
    plan = planning.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)
    return reagree(org, plan)


def reagree(org, plan: PerformancePlan) -> PerformancePlan:
    planning.plan_propose(actor=org.eng_manager.user, plan=plan)
    planning.plan_sign(actor=org.eng_manager.user, plan=plan)
    planning.plan_sign(actor=org.engineer.user, plan=plan)
    plan.refresh_from_db()
    assert plan.state == "agreed"
    return plan


def state_of(plan: PerformancePlan) -> str:
    return PerformancePlan.objects.get(pk=plan.pk).state


def test_a_draft_and_its_changes_leave_an_agreed_plan_alone(org, period):
    """The issue: a draft silently reopened the plan and cleared both signatures."""
    plan = agreed_plan(org, period)
    draft = services.goal_create(
        actor=org.engineer.user,
        period=period,
        title="Learn Rust",
        owner_type="person",
        owner_person=org.engineer,
    )
    kr = services.key_result_create(actor=org.engineer.user, goal=draft, title="Book read")
    services.key_result_update(actor=org.engineer.user, key_result=kr, title="Two books read")
    services.goal_update(actor=org.engineer.user, goal=draft, title="Learn Rust well")
    services.goal_submit(actor=org.engineer.user, goal=draft)
    services.goal_return_to_draft(actor=org.eng_manager.user, goal=draft)
    services.key_result_delete(actor=org.engineer.user, key_result=kr)
    services.goal_set_state(actor=org.engineer.user, goal=draft, state="cancelled")
    plan.refresh_from_db()
    assert plan.state == "agreed"
    assert plan.employee_signed_at is not None and plan.manager_signed_at is not None
    assert not plan.events.filter(kind="reopened").exists()


def test_approving_a_goal_adds_it_to_the_plan_and_reopens_it(org, period):
    plan = agreed_plan(org, period)
    goal = services.goal_create(
        actor=org.engineer.user,
        period=period,
        title="Learn Rust",
        owner_type="person",
        owner_person=org.engineer,
    )
    services.goal_submit(actor=org.engineer.user, goal=goal)
    assert state_of(plan) == "agreed"
    services.goal_approve(actor=org.eng_manager.user, goal=goal)
    assert state_of(plan) == "proposed"
    event = plan.events.get(kind="reopened")
    assert (event.comment, event.goal_id) == ("Goal agreed: Learn Rust", goal.pk)


@pytest.mark.parametrize(
    "change",
    ["title", "key_result_added", "key_result_retargeted", "key_result_removed", "cancelled"],
)
def test_a_change_to_an_agreed_goal_reopens_the_plan(org, period, person_goal_set, change):
    plan = agreed_plan(org, period)
    goal, kr = person_goal_set.goal, person_goal_set.kr_tickets
    actor = org.eng_manager.user
    if change == "title":
        services.goal_update(actor=actor, goal=goal, title="Ship the importer v2")
    elif change == "key_result_added":
        services.key_result_create(actor=actor, goal=goal, title="Docs written")
    elif change == "key_result_retargeted":
        services.key_result_update(actor=actor, key_result=kr, target_value=Decimal(20))
    elif change == "key_result_removed":
        services.key_result_delete(actor=actor, key_result=kr)
    else:
        services.goal_set_state(actor=actor, goal=goal, state="cancelled")
    assert state_of(plan) == "proposed"
    assert plan.events.get(kind="reopened").goal_id == goal.pk


def test_completing_an_agreed_goal_is_progress_not_a_change_of_plan(org, period, person_goal_set):
    plan = agreed_plan(org, period)
    services.goal_set_state(
        actor=org.eng_manager.user, goal=person_goal_set.goal, state="completed"
    )
    assert state_of(plan) == "agreed"


# --- full recomputation ---------------------------------------------------------------


def test_recompute_all_matches_the_incremental_roll_up(org, period):
    rng = random.Random(7)
    people = [org.engineer, org.engineer2, org.seller, org.eng_manager]
    goals: list[Goal] = []
    krs: list[KeyResult] = []
    for i in range(40):
        parent = rng.choice(goals) if goals and rng.random() < 0.85 else None
        goal = services.goal_create(
            actor=org.hr.user,
            period=period,
            title=f"Goal {i}",
            owner_type="person",
            owner_person=rng.choice(people),
            parent=parent,
            weight=rng.choice([1, 2, 3]),
        )
        goals.append(goal)
        for j in range(rng.randint(0, 3)):
            kind, direction = rng.choice(
                [
                    ("number", "increase"),
                    ("currency", "increase"),
                    ("number", "decrease"),
                    ("percentage", "stay_above"),
                    ("milestone", "increase"),
                ]
            )
            start, target = (100, 20) if direction == "decrease" else (0, 50)
            krs.append(
                services.key_result_create(
                    actor=org.hr.user,
                    goal=goal,
                    title=f"KR {i}.{j}",
                    kind=kind,
                    direction=direction,
                    start_value=start,
                    target_value=target,
                    weight=rng.choice([1, 2]),
                )
            )
    for kr in rng.sample(krs, min(25, len(krs))):
        value = 1 if kr.kind == "milestone" else rng.randint(0, 120)
        services.check_in_create(
            actor=org.hr.user, key_result=kr, value=value, confidence="on_track"
        )
    for goal in rng.sample(goals, 4):
        services.goal_set_state(
            actor=org.hr.user,
            goal=Goal.objects.get(pk=goal.pk),
            state=rng.choice(["completed", "cancelled"]),
        )
    incremental = dict(Goal.objects.values_list("pk", "progress"))
    assert any(0 < p < 1 for p in incremental.values())
    assert services.goals_recompute_all() == 0  # nothing was out of date
    # Scramble every stored value, then recompute from scratch.
    Goal.objects.update(progress=0.5)
    KeyResult.objects.update(progress=0.5)
    assert services.goals_recompute_all() > 0
    recomputed = dict(Goal.objects.values_list("pk", "progress"))
    assert recomputed == pytest.approx(incremental)


def test_recompute_command(org, person_goal_set, capsys):
    from django.core.management import call_command

    KeyResult.objects.update(progress=0.9)
    call_command("goals_recompute")
    # The two key results; the goals above them were right all along (0 %).
    assert "2 progress figures updated." in capsys.readouterr().out
    assert KeyResult.objects.get(pk=person_goal_set.kr_tickets.pk).progress == 0.0
