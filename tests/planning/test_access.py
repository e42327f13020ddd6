"""Every rule in ``cadence.planning.access``, tried as every kind of actor (the cast of
``tests/people/test_access.py``), for Ann's plan."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from cadence.planning import access, services
from cadence.planning.models import CompetencyFramework, PerformancePeriod, PerformancePlan
from tests.conftest import Org
from tests.people.test_access import MEMBERS, ORG_WIDE, ROLES, Cast, build_cast, outcome

LINE = frozenset({"self", "direct_manager", "skip_manager"})
EDITORS = LINE | {"hr_admin"}
READERS = LINE | ORG_WIDE


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def table(cast: Cast, rule: Callable[[Any], Any]) -> dict[str, Any]:
    return {role: outcome(lambda role=role: rule(cast.user(role))) for role in ROLES}


def expect(allowed: frozenset[str], value: Any, refused_member: Any = "404") -> dict[str, Any]:
    def one(role: str) -> Any:
        if role in allowed:
            return value
        return refused_member if role in MEMBERS else "404"

    return {role: one(role) for role in ROLES}


def test_plan_for_read(cast: Cast, plan: PerformancePlan) -> None:
    actual = table(cast, lambda u: access.plan_for_read(u, plan.pk).pk)
    assert actual == expect(READERS, plan.pk)


def test_plan_for_edit_executives_read_only(cast: Cast, plan: PerformancePlan) -> None:
    actual = table(cast, lambda u: access.plan_for_edit(u, plan.pk).pk)
    expected = expect(EDITORS, plan.pk)
    expected["executive"] = "403"
    assert actual == expected


def test_closed_period_refuses_every_edit_with_a_sentence(
    org: Org, cast: Cast, plan: PerformancePlan
) -> None:
    services.period_close(actor=org.hr.user, period=plan.period)
    actual = table(cast, lambda u: access.plan_for_edit(u, plan.pk).pk)
    expected = expect(EDITORS, "403")
    expected["executive"] = "403"
    assert actual == expected
    with pytest.raises(access.Refused, match="FY2027 is closed"):
        access.plan_for_edit(cast.user("hr_admin"), plan.pk)
    plan.refresh_from_db()
    assert not access.can_edit_plan(cast.user("self"), plan)
    assert not access.can_sign(cast.user("self"), plan)


def test_signing_rules(cast: Cast, plan: PerformancePlan) -> None:
    employee = {role: access.can_sign_as_employee(cast.user(role), plan) for role in ROLES}
    assert employee == {role: role == "self" for role in ROLES}
    manager = {role: access.can_sign_as_manager(cast.user(role), plan) for role in ROLES}
    # HR may not sign for a manager; the skip manager may.
    assert manager == {role: role in {"direct_manager", "skip_manager"} for role in ROLES}
    actual = table(cast, lambda u: access.plan_for_sign(u, plan.pk).pk)
    expected = expect(LINE, plan.pk, "404")
    expected.update(hr_admin="403", executive="403")
    assert actual == expected


def test_opening_a_plan(cast: Cast, period: PerformancePeriod) -> None:
    actual = table(cast, lambda u: access.person_for_planning(u, cast.target.pk, period).pk)
    expected = expect(EDITORS, cast.target.pk)
    expected["executive"] = "403"
    assert actual == expected


def test_periods_and_frameworks(
    cast: Cast, period: PerformancePeriod, framework: CompetencyFramework
) -> None:
    assert table(cast, lambda u: access.period_for_read(u, period.pk).pk) == expect(
        MEMBERS, period.pk
    )
    assert table(cast, lambda u: access.framework_for_read(u, framework.pk).pk) == expect(
        MEMBERS, framework.pk
    )
    assert table(cast, lambda u: access.framework_for_edit(u, framework.pk).pk) == expect(
        frozenset({"hr_admin"}), framework.pk, "403"
    )
    assert table(cast, lambda u: access.require_period_manager(u)) == expect(
        frozenset({"hr_admin"}), None, "403"
    )


def test_plans_filter(cast: Cast, org: Org, plan: PerformancePlan) -> None:
    services.plan_open(actor=org.sales_manager.user, person=org.seller, period=plan.period)
    from cadence.planning import queries

    seen = {
        role: sorted(p.person.full_name for p in queries.plans_visible_to(cast.user(role)))
        for role in ROLES
    }
    assert seen["self"] == ["Ann Engineer"]
    assert seen["direct_manager"] == ["Ann Engineer"]
    assert seen["other_manager"] == ["Sam Seller"]
    assert seen["hr_admin"] == seen["executive"] == ["Ann Engineer", "Sam Seller"]
    assert seen["colleague"] == seen["anonymous"] == seen["no_person"] == []


def test_has_plan(cast: Cast, org: Org, plan: PerformancePlan) -> None:
    # Whether Ann has a plan is known to those who may read it; to anyone else no plan
    # exists (the same answer as for someone without one).
    assert table(cast, lambda u: access.has_plan(u, cast.target, plan.period)) == {
        role: role in READERS for role in ROLES
    }
    assert table(cast, lambda u: access.has_plan(u, org.engineer2, plan.period)) == {
        role: False for role in ROLES
    }


def test_open_periods_are_the_choices_of_the_period_forms(
    org: Org, period: PerformancePeriod, previous_period: PerformancePeriod
) -> None:
    from cadence.planning import queries
    from cadence.planning.forms import CopyFrameworkForm, FrameworkForm, PeriodForm

    services.framework_create(actor=org.hr.user, name="Engineering", period=period)
    closed = services.period_create(
        actor=org.hr.user,
        name="FY2025",
        kind="year",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    services.period_activate(actor=org.hr.user, period=closed)
    services.period_close(actor=org.hr.user, period=closed)
    assert {p.name for p in queries.open_periods()} == {"FY2026", "FY2027"}
    assert [p.name for p in queries.open_periods_without_framework()] == ["FY2026"]

    def offered(form: Any, field: str = "period") -> list[str]:
        return [str(label) for value, label in form.fields[field].choices if value]

    assert sorted(offered(PeriodForm(), "parent")) == ["FY2026", "FY2027"]
    assert offered(FrameworkForm()) == offered(CopyFrameworkForm()) == ["FY2026"]
