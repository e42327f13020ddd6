"""Every rule in ``cadence.goals.access``, tried as every kind of actor.

Each rule is one row of a table: the roles it allows. The test runs the rule for every
role and compares the whole answer at once, so a failure shows every role that is wrong.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.goals import access, services
from cadence.goals.models import Goal, KeyResult
from cadence.people.access import Refused
from cadence.people.models import Department, Person
from cadence.planning.models import PerformancePeriod
from tests.conftest import Org

ROLES = (
    "anonymous",
    "employee",  # an unrelated employee in another branch (Sales)
    "colleague",  # Ann's teammate (same manager, same department)
    "self",  # Ann, the engineer
    "direct_manager",  # Ann's manager, a manager in Engineering/Platform
    "skip_manager",  # head of Engineering
    "ceo",
    "other_manager",  # a manager in Sales
    "hr_admin",
    "executive",
    "no_person",  # an account with no person and no role
)
MEMBERS = frozenset(ROLES) - {"anonymous", "no_person"}
LINE = frozenset({"self", "direct_manager", "skip_manager", "ceo"})


@dataclass
class Cast:
    org: Org
    goals: dict[str, Goal]
    no_person: User

    def user(self, role: str) -> Any:
        """A fresh user object: access caches on it, roles must not share one."""
        if role == "anonymous":
            return AnonymousUser()
        if role == "no_person":
            return User.objects.get(pk=self.no_person.pk)
        person = {
            "employee": self.org.seller,
            "colleague": self.org.engineer2,
            "self": self.org.engineer,
            "direct_manager": self.org.eng_manager,
            "skip_manager": self.org.eng_head,
            "ceo": self.org.ceo,
            "other_manager": self.org.sales_manager,
            "hr_admin": self.org.hr,
            "executive": self.org.exec_viewer,
        }[role]
        return User.objects.get(pk=person.user_id)

    def allowed(self, rule: Any) -> frozenset[str]:
        return frozenset(role for role in ROLES if rule(self.user(role)))


@pytest.fixture
def cast(org: Org, period: PerformancePeriod, closed_period: PerformancePeriod) -> Cast:
    hr = org.hr.user
    platform = Department.objects.get(full_name="Engineering/Platform")
    engineering = Department.objects.get(full_name="Engineering")

    def make(title: str, **kw: Any) -> Goal:
        actor = kw.pop("actor", hr)
        return services.goal_create(actor=actor, period=period, title=title, **kw)

    goals = {
        "ann_public": make("Ann public", owner_type="person", owner_person=org.engineer),
        "ann_private": make(
            "Ann private", owner_type="person", owner_person=org.engineer, visibility="private"
        ),
        "ann_proposed": make(
            "Ann proposed", owner_type="person", owner_person=org.engineer, actor=org.engineer.user
        ),
        "platform_public": make("Platform", owner_type="team", owner_department=platform),
        "platform_private": make(
            "Platform private", owner_type="team", owner_department=platform, visibility="private"
        ),
        "engineering": make("Engineering", owner_type="team", owner_department=engineering),
        "company_public": make("Company", owner_type="company"),
        "company_private": make("Company private", owner_type="company", visibility="private"),
        "closed": Goal.objects.get(period=closed_period),
    }
    services.goal_submit(actor=org.engineer.user, goal=goals["ann_proposed"])
    for goal in goals.values():
        if not goal.period.is_closed:
            services.key_result_create(
                actor=hr,
                goal=goal,
                title=f"{goal.title} KR",
                start_value=0,
                target_value=10,
            )
    no_person = User.objects.create_user("nobody@example.com")
    return Cast(org, goals, no_person)


def reader(cast: Cast, name: str):
    goal_id = cast.goals[name].pk

    def rule(user: Any) -> bool:
        try:
            access.goal_for_read(user, goal_id)
        except Http404:
            return False
        visible = access.goals_visible_to(user).filter(pk=goal_id).exists()
        assert visible, "goal_for_read and goals_visible_to disagree"
        return True

    return rule


READ = {
    "ann_public": MEMBERS,
    "ann_private": LINE | {"hr_admin"},
    "platform_public": MEMBERS,
    # The department's people, its managers and their manager chain, HR.
    "platform_private": frozenset(
        {"self", "colleague", "direct_manager", "skip_manager", "ceo", "hr_admin"}
    ),
    "company_public": MEMBERS,
    "company_private": frozenset({"hr_admin", "executive"}),
    "closed": MEMBERS,
}


@pytest.mark.parametrize("name", sorted(READ))
def test_read(cast, name):
    assert cast.allowed(reader(cast, name)) == READ[name]


def test_visible_list_matches_read_for_every_goal(cast):
    for role in ROLES:
        user = cast.user(role)
        listed = set(access.goals_visible_to(user).values_list("pk", flat=True))
        readable = {g.pk for g in cast.goals.values() if access.can_read_goal(user, g)}
        assert listed & {g.pk for g in cast.goals.values()} == readable, role


def test_the_trees_public_goals_are_the_visible_goals_that_are_public(cast):
    """``public_goals_visible_to`` (the alignment tree's reads) skips the private-goal
    conditions: the same goals as ``goals_visible_to`` then public, for every role."""
    for role in ROLES:
        visible = access.goals_visible_to(cast.user(role)).filter(visibility=Goal.Visibility.PUBLIC)
        public = access.public_goals_visible_to(cast.user(role))
        assert set(public.values_list("pk", flat=True)) == set(
            visible.values_list("pk", flat=True)
        ), role


EDIT = {
    "ann_public": LINE | {"hr_admin"},
    "ann_private": LINE | {"hr_admin"},
    # Managers whose own department it is (Ann's manager) and their chain.
    "platform_public": frozenset({"direct_manager", "skip_manager", "ceo", "hr_admin"}),
    "engineering": frozenset({"skip_manager", "ceo", "hr_admin"}),
    "company_public": frozenset({"hr_admin"}),
    "company_private": frozenset({"hr_admin"}),
    "closed": frozenset(),
}


@pytest.mark.parametrize("name", sorted(EDIT))
def test_edit(cast, name):
    goal = Goal.objects.select_related("period", "owner_person").get(pk=cast.goals[name].pk)
    assert cast.allowed(lambda user: access.can_edit_goal(user, goal)) == EDIT[name]

    def for_edit(user: Any) -> bool:
        try:
            access.goal_for_edit(user, goal.pk)
        except (Http404, Refused):
            return False
        return True

    assert cast.allowed(for_edit) == EDIT[name]


@pytest.mark.parametrize("name", sorted(EDIT))
def test_check_in(cast, name):
    kr = (
        KeyResult.objects.select_related("goal__period", "goal__owner_person")
        .filter(goal=cast.goals[name])
        .first()
    )
    assert cast.allowed(lambda user: access.can_check_in(user, kr)) == EDIT[name]


def test_no_check_in_before_approval(cast):
    kr = KeyResult.objects.select_related("goal__period").get(goal=cast.goals["ann_proposed"])
    assert cast.allowed(lambda user: access.can_check_in(user, kr)) == frozenset()
    with pytest.raises(Refused, match="active goals only"):
        access.key_result_for_check_in(cast.user("self"), kr.pk)


def test_approve(cast):
    goal = Goal.objects.select_related("period", "owner_person").get(
        pk=cast.goals["ann_proposed"].pk
    )
    assert cast.allowed(lambda user: access.can_approve_goal(user, goal)) == frozenset(
        {"direct_manager", "skip_manager", "ceo", "hr_admin"}
    )


def test_refusals_say_why(cast):
    closed = cast.goals["closed"]
    with pytest.raises(Refused, match="FY2025 is closed: its goals are read-only"):
        access.goal_for_edit(cast.user("hr_admin"), closed.pk)
    with pytest.raises(Refused, match="read this goal but not change it"):
        access.goal_for_edit(cast.user("employee"), cast.goals["ann_public"].pk)
    # A private goal one may not see does not exist, as far as the actor knows.
    with pytest.raises(Http404):
        access.goal_for_edit(cast.user("employee"), cast.goals["ann_private"].pk)
    with pytest.raises(Http404):
        access.goal_for_read(cast.user("other_manager"), cast.goals["platform_private"].pk)
    kr = KeyResult.objects.get(goal=closed)
    with pytest.raises(Refused, match="check-ins are no longer possible"):
        access.key_result_for_check_in(cast.user("hr_admin"), kr.pk)
    with pytest.raises(Refused, match="owner, their managers and HR"):
        access.key_result_for_check_in(
            cast.user("employee"),
            KeyResult.objects.get(goal=cast.goals["ann_public"]).pk,
        )


def test_create(cast, period):
    org = cast.org
    platform = Department.objects.get(full_name="Engineering/Platform")

    def may(owner_type: str, **owner: Any):
        return lambda user: access.can_create_goal(
            user, period=period, owner_type=owner_type, **owner
        )

    assert cast.allowed(may("person", owner_person=org.engineer)) == LINE | {"hr_admin"}
    assert cast.allowed(may("team", owner_department=platform)) == EDIT["platform_public"]
    assert cast.allowed(may("company")) == {"hr_admin"}
    closed = PerformancePeriod.objects.get(name="FY2025")
    assert not access.can_create_goal(cast.user("hr_admin"), period=closed, owner_type="company")


def test_the_departments_of_the_goal_rules_cost_one_query(org: Org) -> None:
    # Every goal list of every request asks for both sets; they were two queries.
    def ids(*names: str) -> set[int]:
        return set(Department.objects.filter(full_name__in=names).values_list("pk", flat=True))

    expected = {
        org.engineer: (ids("Engineering/Platform", "Engineering"), set()),
        org.eng_manager: (ids("Engineering/Platform", "Engineering"), ids("Engineering/Platform")),
        org.eng_head: (
            ids("Engineering"),
            ids("Engineering", "Engineering/Platform"),
        ),
    }
    for person, (member, managed) in expected.items():
        user = User.objects.get(pk=person.user_id)
        assert access.acting_person(user) is not None
        with CaptureQueriesContext(connection) as queries:
            assert access.member_department_ids(user) == member
            assert access.managed_department_ids(user) == managed
        assert len(queries) == 1
    no_department = User.objects.get(pk=org.engineer.user_id)
    Person.objects.filter(pk=org.engineer.pk).update(department=None)
    assert access.member_department_ids(no_department) == set()
    assert access.managed_department_ids(no_department) == set()


def test_alignment_candidates(cast: Cast, period: PerformancePeriod) -> None:
    # Public goals only, in the period: the company's, the teams' of one's department and
    # those above it, one's manager's; the closed period's goal and private goals never.
    manager_goal = services.goal_create(
        actor=cast.org.hr.user,
        period=period,
        title="Platform manager public",
        owner_type="person",
        owner_person=cast.org.eng_manager,
    )

    def offered(role: str, **kw: Any) -> set[str]:
        return {g.title for g in access.alignment_candidates(cast.user(role), period, **kw)}

    engineers = {"Company", "Platform", "Engineering", "Platform manager public"}
    expected = {
        "anonymous": set(),
        "no_person": set(),
        "employee": {"Company"},
        "other_manager": {"Company"},
        "hr_admin": {"Company"},
        "executive": {"Company"},
        "ceo": {"Company"},
        "self": engineers,
        "colleague": engineers,
        "direct_manager": {"Company", "Platform", "Engineering"},
        "skip_manager": {"Company", "Engineering"},
    }
    assert {role: offered(role) for role in ROLES} == expected
    # Not the goal itself, nor anything aligned below it: alignment stays a tree.
    services.goal_align(
        actor=cast.org.hr.user, goal=manager_goal, parent=cast.goals["platform_public"]
    )
    assert offered("self", exclude=cast.goals["platform_public"]) == {"Company", "Engineering"}


def test_goal_owner_for_create(cast: Cast) -> None:
    org = cast.org
    platform = Department.objects.get(full_name="Engineering/Platform")

    def owner(choice: str) -> dict[str, Any]:
        return {
            role: outcome(lambda role=role: access.goal_owner_for_create(cast.user(role), choice))
            for role in ROLES
        }

    me = owner("me")
    assert me["self"] == {"owner_type": "person", "owner_person": org.engineer}
    assert me["no_person"] == me["anonymous"] == {"owner_type": "person", "owner_person": None}
    # A person or a team only for those who may see them; to anyone else a 404, never
    # the row (whether they may create the goal is can_create_goal's to say).
    report = owner(f"person:{org.engineer.pk}")
    assert {role for role, value in report.items() if value == "404"} == {"anonymous", "no_person"}
    assert report["direct_manager"] == {"owner_type": "person", "owner_person": org.engineer}
    team = owner(f"team:{platform.pk}")
    assert {role for role, value in team.items() if value == "404"} == {"anonymous", "no_person"}
    assert team["skip_manager"] == {"owner_type": "team", "owner_department": platform}
    for unknown in ("person:999999", "team:999999", "person:x"):
        assert set(owner(unknown).values()) == {"404"}, unknown
    assert owner("company")["hr_admin"] == {"owner_type": "company"}


def outcome(call: Any) -> Any:
    try:
        return call()
    except Http404:
        return "404"
