"""Periods, the competency framework and plans through their services."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cadence.core.models import AuditEvent
from cadence.people.access import Refused
from cadence.planning import services
from cadence.planning.models import (
    Competency,
    CompetencyExpectation,
    CompetencyFramework,
    DevelopmentItem,
    PerformancePeriod,
    PerformancePlan,
    PlanEvent,
)
from tests.conftest import Org
from tests.planning.conftest import CSV, agree

D = datetime.date


# --- periods ---------------------------------------------------------------------------


def test_period_validation_reports_every_problem(org: Org, period: PerformancePeriod) -> None:
    with pytest.raises(ValidationError) as raised:
        services.period_create(
            actor=org.hr.user,
            name="fy2027",
            kind="year",
            starts_on=D(2027, 5, 1),
            ends_on=D(2027, 1, 1),
        )
    errors = raised.value.message_dict
    assert errors["name"] == ["A period named fy2027 already exists."]
    assert errors["ends_on"] == ["The period must end after it starts."]


def test_sub_period_lies_inside_its_parent(org: Org, period: PerformancePeriod) -> None:
    q1 = services.period_create(
        actor=org.hr.user,
        name="2027-Q1",
        kind="quarter",
        starts_on=D(2027, 1, 1),
        ends_on=D(2027, 3, 31),
        parent=period,
    )
    assert q1.parent == period
    with pytest.raises(ValidationError) as raised:
        services.period_create(
            actor=org.hr.user,
            name="2027-H2",
            kind="half",
            starts_on=D(2027, 7, 1),
            ends_on=D(2028, 1, 31),
            parent=period,
        )
    assert "between 2027-01-01 and 2027-12-31" in raised.value.message_dict["parent"][0]


def test_period_states_and_audit(org: Org) -> None:
    period = services.period_create(
        actor=org.hr.user,
        name="2027-H1",
        kind="half",
        starts_on=D(2027, 1, 1),
        ends_on=D(2027, 6, 30),
    )
    assert period.state == PerformancePeriod.State.UPCOMING
    period = services.period_activate(actor=org.hr.user, period=period)
    assert period.state == PerformancePeriod.State.ACTIVE
    period = services.period_close(actor=org.hr.user, period=period)
    assert period.is_closed and period.closed_at is not None
    with pytest.raises(ValidationError):
        services.period_activate(actor=org.hr.user, period=period)
    actions = list(
        AuditEvent.objects.filter(
            target_id=str(period.pk), target_type="planning.performanceperiod"
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["period.create", "period.activate", "period.close"]


def test_year_closes_only_after_its_quarters(org: Org, period: PerformancePeriod) -> None:
    q1 = services.period_create(
        actor=org.hr.user,
        name="2027-Q1",
        kind="quarter",
        starts_on=D(2027, 1, 1),
        ends_on=D(2027, 3, 31),
        parent=period,
    )
    with pytest.raises(ValidationError, match="2027-Q1"):
        services.period_close(actor=org.hr.user, period=period)
    services.period_close(actor=org.hr.user, period=q1)
    assert services.period_close(actor=org.hr.user, period=period).is_closed


# --- plans: sign-off -------------------------------------------------------------------


def test_two_way_sign_off(org: Org, plan: PerformancePlan) -> None:
    plan = services.plan_propose(actor=org.eng_manager.user, plan=plan)
    assert plan.state == PerformancePlan.State.PROPOSED
    plan = services.plan_sign(actor=org.eng_manager.user, plan=plan, comment="Good plan")
    assert plan.state == PerformancePlan.State.PROPOSED
    assert plan.manager_signed_at is not None and plan.manager_comment == "Good plan"
    assert plan.employee_signed_at is None
    plan = services.plan_sign(actor=org.engineer.user, plan=plan, comment="Agreed")
    assert plan.state == PerformancePlan.State.AGREED
    assert plan.agreed_at == plan.employee_signed_at
    assert plan.employee_comment == "Agreed"
    kinds = list(plan.events.values_list("kind", flat=True))
    assert kinds == ["created", "proposed", "signed", "signed", "agreed"]
    assert list(plan.events.filter(kind="signed").values_list("data__side", flat=True)) == [
        "manager",
        "employee",
    ]
    assert AuditEvent.objects.filter(action="plan.agree", target_id=str(plan.pk)).exists()


def test_signing_twice_is_a_no_op(org: Org, plan: PerformancePlan) -> None:
    first = services.plan_sign(actor=org.engineer.user, plan=plan, comment="first")
    again = services.plan_sign(actor=org.engineer.user, plan=plan, comment="second")
    assert again.employee_signed_at == first.employee_signed_at
    assert again.employee_comment == "first"
    assert plan.events.filter(kind="signed").count() == 1


def test_skip_manager_may_sign_for_the_manager_hr_may_not(org: Org, plan: PerformancePlan) -> None:
    with pytest.raises(Refused):
        services.plan_sign(actor=org.hr.user, plan=plan)
    with pytest.raises(Refused):
        services.plan_sign(actor=org.sales_manager.user, plan=plan)
    plan = services.plan_sign(actor=org.eng_head.user, plan=plan)
    assert plan.manager_signed_at is not None


# --- change after agreement ---------------------------------------------------------------


def test_change_after_agreement_reopens_and_is_recorded(org: Org, plan: PerformancePlan) -> None:
    plan = agree(org, plan)
    plan = services.plan_update(
        actor=org.eng_manager.user, plan=plan, expectations="Lead the migration"
    )
    assert plan.state == PerformancePlan.State.PROPOSED
    assert plan.revision == 2
    assert plan.employee_signed_at is None and plan.manager_signed_at is None
    assert plan.agreed_at is None
    reopened = plan.events.get(kind=PlanEvent.Kind.REOPENED)
    assert reopened.comment == "Expectations of the role changed."
    assert AuditEvent.objects.filter(action="plan.reopen", target_id=str(plan.pk)).exists()


def test_development_item_change_reopens_agreed_plan(org: Org, plan: PerformancePlan) -> None:
    item = services.development_item_add(
        actor=org.eng_manager.user,
        plan=plan,
        need="Public speaking",
        action="Talk at a meetup",
        due_on=D(2027, 6, 1),
    )
    plan = agree(org, plan)
    services.development_item_update(
        actor=org.engineer.user,
        item=item,
        need=item.need,
        action=item.action,
        due_on=item.due_on,
        status="done",
    )
    plan.refresh_from_db()
    assert plan.state == PerformancePlan.State.PROPOSED
    assert "Public speaking" in plan.events.get(kind="reopened").comment
    services.development_item_remove(actor=org.engineer.user, item=item)
    last = plan.events.last()
    assert (last.kind, last.comment) == ("changed", "Development item removed: Public speaking")
    assert plan.events.filter(kind="reopened").count() == 1  # no longer agreed: noted only


def test_hook_reopens_an_agreed_plan(org: Org, plan: PerformancePlan) -> None:
    services.plan_record_change(
        actor=org.engineer.user,
        person=org.engineer,
        period=plan.period,
        what="Goal 'Ship v2' added",
    )
    plan.refresh_from_db()
    assert plan.state == PerformancePlan.State.DRAFT  # not agreed: nothing to do
    assert not plan.events.filter(kind="reopened").exists()
    agree(org, plan)
    services.plan_record_change(
        actor=org.engineer.user,
        person=org.engineer,
        period=plan.period,
        what="Goal 'Ship v2' added",
    )
    plan.refresh_from_db()
    assert (plan.state, plan.revision) == (PerformancePlan.State.PROPOSED, 2)
    assert plan.events.get(kind="reopened").comment == "Goal 'Ship v2' added"


def test_hook_without_a_plan_is_a_no_op(org: Org, period: PerformancePeriod) -> None:
    services.plan_record_change(actor=None, person=org.seller, period=period, what="x")
    assert not PerformancePlan.objects.exists()


def test_closed_period_is_read_only_for_plans_and_the_hook(org: Org, plan: PerformancePlan) -> None:
    item = services.development_item_add(
        actor=org.eng_manager.user, plan=plan, need="Testing", action="Pair with QA"
    )
    plan = agree(org, plan)
    services.period_close(actor=org.hr.user, period=plan.period)
    attempts = [
        lambda: services.plan_update(actor=org.hr.user, plan=plan, expectations="x"),
        lambda: services.plan_propose(actor=org.eng_manager.user, plan=plan),
        lambda: services.plan_sign(actor=org.engineer.user, plan=plan),
        lambda: services.development_item_add(actor=org.hr.user, plan=plan, need="a", action="b"),
        lambda: services.development_item_remove(actor=org.hr.user, item=item),
        lambda: services.plan_record_change(
            actor=None, person=org.engineer, period=plan.period, what="late goal edit"
        ),
        lambda: services.plan_open(actor=org.hr.user, person=org.engineer2, period=plan.period),
    ]
    for attempt in attempts:
        with pytest.raises(Refused, match="FY2027 is closed"):
            attempt()
    plan.refresh_from_db()
    assert plan.state == PerformancePlan.State.AGREED and plan.revision == 1
    assert DevelopmentItem.objects.filter(pk=item.pk).exists()


# --- opening plans ---------------------------------------------------------------------


def test_plan_open_is_idempotent(org: Org, plan: PerformancePlan) -> None:
    again = services.plan_open(actor=org.engineer.user, person=org.engineer, period=plan.period)
    assert again.pk == plan.pk
    assert plan.manager == org.eng_manager
    assert plan.events.filter(kind="created").count() == 1


def test_start_from_previous_period(
    org: Org, previous_period: PerformancePeriod, period: PerformancePeriod
) -> None:
    old = services.plan_open(
        actor=org.eng_manager.user, person=org.engineer, period=previous_period
    )
    services.plan_update(actor=org.eng_manager.user, plan=old, expectations="Own the API")
    services.development_item_add(
        actor=org.eng_manager.user, plan=old, need="Go", action="Course", due_on=D(2026, 9, 1)
    )
    done = services.development_item_add(
        actor=org.eng_manager.user, plan=old, need="SQL", action="Book"
    )
    services.development_item_update(
        actor=org.eng_manager.user, item=done, need="SQL", action="Book", status="done"
    )
    new = services.plan_open(
        actor=org.eng_manager.user, person=org.engineer, period=period, from_previous=True
    )
    assert new.started_from == old
    assert new.expectations == "Own the API"
    assert [(i.need, i.action, i.status) for i in new.development_items.all()] == [
        ("Go", "Course", "open")
    ]
    assert new.events.get(kind="created").data["development_items_copied"] == 1


# --- competency framework ------------------------------------------------------------


def test_import_builds_the_framework(org: Org, framework: CompetencyFramework) -> None:
    groups = {g.name: sorted(c.name for c in g.competencies.all()) for g in framework.groups.all()}
    assert groups == {"Delivery": ["Ownership"], "Collaboration": ["Feedback"]}
    assert CompetencyExpectation.objects.filter(competency__group__framework=framework).count() == 3
    summary = services.competencies_import(
        actor=org.hr.user, framework=framework, data=CSV, file_name="again.csv"
    )
    assert (summary.groups, summary.competencies, summary.expectations) == (0, 0, 3)


def test_import_errors_all_at_once_and_nothing_written(org: Org, period: PerformancePeriod) -> None:
    framework = services.framework_create(actor=org.hr.user, name="Sales")
    data = (
        "Group;Competency;Description;Level;Expected behaviour\n"
        "Delivery;Closing;;L2;Closes deals\n"
        ";Prospecting;;L2;Finds leads\n"
        "Delivery;Closing;;L2;Duplicate\n"
        "Delivery;Negotiation;;;\n"
    ).encode("cp1252")
    with pytest.raises(services.CompetencyImportErrors) as raised:
        services.competencies_import(
            actor=org.hr.user, framework=framework, data=data, file_name="sales.csv"
        )
    assert raised.value.errors == [
        "line 3: Group: is empty",
        "line 4: Level: L2 of Closing is already on line 2",
        "line 5: Level: is empty",
        "line 5: Expected behaviour: is empty",
    ]
    assert not Competency.objects.filter(group__framework=framework).exists()


def test_import_missing_column(org: Org) -> None:
    framework = services.framework_create(actor=org.hr.user, name="Sales")
    with pytest.raises(services.CompetencyImportErrors) as raised:
        services.competencies_import(
            actor=org.hr.user,
            framework=framework,
            data=b"Group,Competency\nA,B\n",
            file_name="x.csv",
        )
    assert raised.value.errors[0].startswith("line 1: header: missing column(s) Level, Expected")


def test_framework_of_closed_period_gets_a_new_version(
    org: Org, framework: CompetencyFramework
) -> None:
    services.period_close(actor=org.hr.user, period=framework.period)
    ownership = Competency.objects.get(group__framework=framework, name="Ownership")
    services.expectation_set(
        actor=org.hr.user, competency=ownership, level="L3", behaviour="Something new"
    )
    assert CompetencyExpectation.objects.get(competency=ownership, level="L3").behaviour == (
        "Delivers own work end to end"
    )
    new = CompetencyFramework.objects.get(name="Engineering", version=2)
    assert new.based_on == framework and new.period is None
    assert (
        CompetencyExpectation.objects.get(
            competency__group__framework=new, competency__name="Ownership", level="L3"
        ).behaviour
        == "Something new"
    )


def test_copy_for_period_gives_the_period_its_own_version(
    org: Org, framework: CompetencyFramework
) -> None:
    next_year = services.period_create(
        actor=org.hr.user,
        name="FY2028",
        kind="year",
        starts_on=D(2028, 1, 1),
        ends_on=D(2028, 12, 31),
    )
    copy = services.framework_copy_for_period(
        actor=org.hr.user, framework=framework, period=next_year
    )
    assert (copy.version, copy.period) == (2, next_year)
    group = copy.groups.get(name="Delivery")
    services.group_update(actor=org.hr.user, group=group, name="Impact")
    assert framework.groups.filter(name="Delivery").exists()
    with pytest.raises(ValidationError):
        services.framework_copy_for_period(actor=org.hr.user, framework=framework, period=next_year)
