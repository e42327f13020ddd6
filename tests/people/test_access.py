"""Every rule in ``cadence.people.access``, tried as every kind of actor.

Each rule is one row of a table: the roles it allows. The test runs the rule for every
role and compares the whole answer at once, so a failure shows every role that is wrong.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.people import access, services
from cadence.people.models import CustomAttribute, Department, Person
from tests.conftest import Org, make_person

ROLES = (
    "anonymous",
    "employee",  # an unrelated employee in another branch (Sales)
    "colleague",  # same team as the target, same manager
    "self",  # the target
    "direct_manager",
    "skip_manager",  # the target's manager's manager
    "other_manager",  # a manager in another branch
    "hr_admin",
    "executive",
    "no_person",  # an account with no person and no role
    "deactivated",  # the account of a person who left
)
MEMBERS = frozenset(ROLES) - {"anonymous", "no_person", "deactivated"}
LINE = frozenset({"self", "direct_manager", "skip_manager"})
ORG_WIDE = frozenset({"hr_admin", "executive"})


@dataclass
class Cast:
    org: Org
    target: Person  # Ann, an engineer with an employee id and custom attributes
    leaver: Person  # a report of the same manager who left
    persons: dict[str, Person]
    no_person: User

    def user(self, role: str) -> Any:
        """A fresh user object: ``acting_person`` caches on it, roles must not share one."""
        if role == "anonymous":
            return AnonymousUser()
        if role == "no_person":
            return User.objects.get(pk=self.no_person.pk)
        return User.objects.get(pk=self.persons[role].user_id)

    def client(self, role: str) -> Client:
        """A test client signed in as the role (an inactive account's session is refused
        by Django itself on the next request, as it would be in production)."""
        client = Client()
        if role != "anonymous":
            client.force_login(self.user(role))
        return client


def build_cast(org: Org) -> Cast:
    leaver = make_person(
        "lee.leaver@example.com",
        manager=org.eng_manager,
        department="Engineering/Platform",
        employee_id="E999",
        custom_attributes={"gender": "Male"},
    )
    services.person_mark_left(actor=None, person=leaver)
    leaver.refresh_from_db()
    no_person = User.objects.create_user("robot@example.com", "pw-robot-123")
    persons = {
        "employee": org.seller,
        "colleague": org.engineer2,
        "self": org.engineer,
        "direct_manager": org.eng_manager,
        "skip_manager": org.eng_head,
        "other_manager": org.sales_manager,
        "hr_admin": org.hr,
        "executive": org.exec_viewer,
        "deactivated": leaver,
    }
    return Cast(org=org, target=org.engineer, leaver=leaver, persons=persons, no_person=no_person)


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def outcome(call: Callable[[], Any]) -> Any:
    """The value, or the name of the refusal raised."""
    try:
        return call()
    except Http404:
        return "404"
    except access.Refused:
        return "403"


def check(cast: Cast, rule: Callable[[Any], Any], expected: Callable[[str], Any]) -> None:
    actual = {role: outcome(lambda role=role: rule(cast.user(role))) for role in ROLES}
    assert actual == {role: expected(role) for role in ROLES}


# --- yes/no rules: (rule, roles it allows) ---------------------------------------------

BOOLEAN_RULES: dict[str, tuple[Callable[[Cast, Any], bool], frozenset[str]]] = {
    "is_member": (lambda c, u: access.is_member(u), MEMBERS),
    "can_view_directory": (lambda c, u: access.can_view_directory(u), MEMBERS),
    "is_hr_admin": (lambda c, u: access.is_hr_admin(u), frozenset({"hr_admin"})),
    "is_executive": (lambda c, u: access.is_executive(u), frozenset({"executive"})),
    "sees_whole_organisation": (lambda c, u: access.sees_whole_organisation(u), ORG_WIDE),
    "is_manager": (
        lambda c, u: access.is_manager(u),
        frozenset({"direct_manager", "skip_manager", "other_manager"}),
    ),
    "can_view_sensitive_attributes": (
        lambda c, u: access.can_view_sensitive_attributes(u),
        frozenset({"hr_admin"}),
    ),
    "can_manage_people": (lambda c, u: access.can_manage_people(u), frozenset({"hr_admin"})),
    "can_include_left_people": (lambda c, u: access.can_include_left_people(u), ORG_WIDE),
    "can_view_person(active colleague)": (
        lambda c, u: access.can_view_person(u, c.target),
        MEMBERS,
    ),
    "can_view_person(leaver)": (
        lambda c, u: access.can_view_person(u, c.leaver),
        frozenset({"direct_manager", "skip_manager"}) | ORG_WIDE,
    ),
    "can_view_employment": (lambda c, u: access.can_view_employment(u, c.target), LINE | ORG_WIDE),
    "can_view_employment(leaver)": (
        lambda c, u: access.can_view_employment(u, c.leaver),
        frozenset({"direct_manager", "skip_manager"}) | ORG_WIDE,
    ),
    "can_view_team": (lambda c, u: access.can_view_team(u, c.target), LINE | ORG_WIDE),
    "can_view_team(of a manager)": (
        lambda c, u: access.can_view_team(u, c.org.eng_manager),
        frozenset({"direct_manager", "skip_manager"}) | ORG_WIDE,
    ),
}


@pytest.mark.parametrize("name", BOOLEAN_RULES)
def test_boolean_rule(cast: Cast, name: str) -> None:
    rule, allowed = BOOLEAN_RULES[name]
    check(cast, lambda user: rule(cast, user), lambda role: role in allowed)


# --- who the actor is -----------------------------------------------------------------


def test_acting_person(cast: Cast) -> None:
    def expected(role: str) -> int | None:
        if role in ("anonymous", "no_person", "deactivated"):
            return None
        return cast.persons[role].pk

    check(cast, lambda user: getattr(access.acting_person(user), "pk", None), expected)


def test_acting_person_is_cached_on_the_user(cast: Cast, django_assert_num_queries) -> None:
    user = cast.user("self")
    access.acting_person(user)
    with django_assert_num_queries(0):
        assert access.acting_person(user).pk == cast.target.pk


@pytest.mark.any_data
def test_superuser_without_person_is_hr_admin(db) -> None:
    admin = User.objects.create_superuser("root@example.com", "pw-root-123")
    assert access.is_hr_admin(admin)
    assert access.is_member(admin)
    assert access.acting_person(admin) is None


@pytest.mark.any_data
def test_organisation_wide_role_without_person_is_a_member(db) -> None:
    viewer = User.objects.create_user("board@example.com", "pw-board-123", is_executive=True)
    assert access.is_member(viewer)
    assert not access.can_view_sensitive_attributes(viewer)


def test_roles_of_an_inactive_account_count_for_nothing(cast: Cast) -> None:
    User.objects.filter(pk=cast.org.hr.user_id).update(is_active=False)
    hr = User.objects.get(pk=cast.org.hr.user_id)
    assert not access.is_hr_admin(hr)
    assert not access.is_member(hr)


# --- the manager chain (no actor: pure structure) -------------------------------------


def test_is_in_line_of(cast: Cast) -> None:
    o = cast.org
    assert access.is_in_line_of(o.eng_manager, o.engineer)
    assert access.is_in_line_of(o.ceo, o.engineer)
    assert not access.is_in_line_of(o.engineer, o.engineer)
    assert not access.is_in_line_of(o.engineer, o.eng_manager)
    assert not access.is_in_line_of(o.sales_manager, o.engineer)
    assert not access.is_in_line_of(o.engineer2, o.engineer)


def test_is_in_line_of_does_not_confuse_ids_sharing_a_prefix(cast: Cast) -> None:
    # "/1/2/" must not count as above "/1/23/": paths end with "/" for that reason.
    a = Person(pk=2, reporting_path="/1/2/")
    b = Person(pk=23, reporting_path="/1/23/")
    assert not access.is_in_line_of(a, b)


def test_has_reports_counts_active_direct_reports_only(cast: Cast) -> None:
    o = cast.org
    assert access.has_reports(o.eng_manager)
    assert access.has_reports(o.ceo)
    assert not access.has_reports(o.engineer)
    lonely = make_person("lonely.manager@example.com", manager=o.ceo)
    gone = make_person("gone.report@example.com", manager=lonely)
    services.person_mark_left(actor=None, person=gone)
    assert not access.has_reports(lonely)


def test_acting_person_knows_whether_they_manage_in_its_one_query(cast: Cast) -> None:
    # Every signed-in request loads the acting person: one query, and a cheap one
    # (an EXISTS, not a COUNT of every report grouped by all the row's columns;
    # no ORDER BY for the one row there can be).
    lonely = make_person("lonely.manager@example.com", manager=cast.org.ceo)
    gone = make_person("gone.report@example.com", manager=lonely)
    services.person_mark_left(actor=None, person=gone)
    expected = {"employee": False, "direct_manager": True, "skip_manager": True}
    for role, manages in expected.items():
        user = cast.user(role)
        with CaptureQueriesContext(connection) as queries:
            me = access.acting_person(user)
            assert me is not None
            assert access.is_manager(user) is manages
            assert me.department is not None
        assert len(queries) == 1
        sql = queries[0]["sql"].upper()
        assert "GROUP BY" not in sql
        assert "COUNT(" not in sql
        assert "ORDER BY" not in sql
    lonely_user = User.objects.get(pk=lonely.user_id)
    assert access.is_manager(lonely_user) is False


def test_reports_of_is_the_whole_line(cast: Cast) -> None:
    o = cast.org
    assert set(access.reports_of(o.eng_head)) == {
        o.eng_manager,
        o.engineer,
        o.engineer2,
        cast.leaver,
    }
    assert set(access.reports_of(o.engineer)) == set()
    assert o.ceo not in set(access.reports_of(o.ceo))
    assert len(access.reports_of(o.ceo)) == Person.objects.count() - 1


# --- what the actor may read ----------------------------------------------------------


def test_visible_attributes(cast: Cast) -> None:
    def expected(role: str) -> dict[str, str]:
        if role == "hr_admin":
            return {"cost_center": "CC-1", "gender": "Female"}
        if role in LINE | ORG_WIDE:
            return {"cost_center": "CC-1"}
        return {}

    check(
        cast,
        lambda user: {a.key: v for a, v in access.visible_attributes(user, cast.target)},
        expected,
    )


def test_attribute_without_definition_is_treated_as_sensitive(cast: Cast) -> None:
    services.person_update(
        actor=None,
        person=cast.target,
        custom_attributes={"cost_center": "CC-1", "mystery": "x"},
    )
    target = Person.objects.get(pk=cast.target.pk)
    manager = cast.user("direct_manager")
    assert [a.key for a, _ in access.visible_attributes(manager, target)] == ["cost_center"]
    hr = cast.user("hr_admin")
    assert {a.key for a, _ in access.visible_attributes(hr, target)} == {"cost_center", "mystery"}


def test_people_visible_to(cast: Cast) -> None:
    active = set(Person.objects.filter(status=Person.Status.ACTIVE).values_list("pk", flat=True))
    everyone = set(Person.objects.values_list("pk", flat=True))
    assert cast.leaver.pk in everyone - active

    def ids(user: Any, include_left: bool) -> set[int]:
        return set(
            access.people_visible_to(user, include_left=include_left).values_list("pk", flat=True)
        )

    check(cast, lambda u: ids(u, False), lambda role: active if role in MEMBERS else set())
    check(
        cast,
        lambda u: ids(u, True),
        lambda role: everyone if role in ORG_WIDE else active if role in MEMBERS else set(),
    )


def test_person_for_read(cast: Cast) -> None:
    check(
        cast,
        lambda u: access.person_for_read(u, cast.target.pk).pk,
        lambda role: cast.target.pk if role in MEMBERS else "404",
    )


def test_person_for_read_of_someone_who_left(cast: Cast) -> None:
    allowed = {"direct_manager", "skip_manager"} | ORG_WIDE
    check(
        cast,
        lambda u: access.person_for_read(u, cast.leaver.pk).pk,
        lambda role: cast.leaver.pk if role in allowed else "404",
    )


def test_person_for_read_of_nobody(cast: Cast) -> None:
    check(cast, lambda u: access.person_for_read(u, 999_999), lambda role: "404")


def test_person_for_edit(cast: Cast) -> None:
    def expected(pk: int) -> Callable[[str], Any]:
        return lambda role: pk if role == "hr_admin" else "403" if role in MEMBERS else "404"

    check(cast, lambda u: access.person_for_edit(u, cast.target.pk).pk, expected(cast.target.pk))
    check(cast, lambda u: access.person_for_edit(u, cast.leaver.pk).pk, expected(cast.leaver.pk))
    check(
        cast,
        lambda u: access.person_for_edit(u, 999_999),
        lambda role: "404" if role in {"hr_admin"} | SIGNED_OUT_OR_NO_PERSON else "403",
    )


SIGNED_OUT_OR_NO_PERSON = frozenset(ROLES) - MEMBERS


def test_team_for_read(cast: Cast) -> None:
    # Members may see the manager (and their direct reports on the profile), so the team
    # page is refused with 403; non-members may not know the person exists: 404.
    allowed = {"direct_manager", "skip_manager"} | ORG_WIDE

    def expected(role: str) -> Any:
        if role in allowed:
            return cast.org.eng_manager.pk
        return "403" if role in MEMBERS else "404"

    check(cast, lambda u: access.team_for_read(u, cast.org.eng_manager.pk).pk, expected)


def test_team_for_read_of_someone_who_left(cast: Cast) -> None:
    allowed = {"direct_manager", "skip_manager"} | ORG_WIDE
    check(
        cast,
        lambda u: access.team_for_read(u, cast.leaver.pk).pk,
        lambda role: cast.leaver.pk if role in allowed else "404",
    )


def test_department_for_read(cast: Cast) -> None:
    platform = Department.objects.get(full_name="Engineering/Platform")
    check(
        cast,
        lambda u: access.department_for_read(u, platform.pk).pk,
        lambda role: platform.pk if role in MEMBERS else "404",
    )
    check(cast, lambda u: access.department_for_read(u, 999_999), lambda role: "404")


def test_require_people_manager(cast: Cast) -> None:
    def expected(role: str) -> Any:
        if role == "hr_admin":
            return None
        return "403" if role in MEMBERS else "404"

    check(cast, access.require_people_manager, expected)


def test_employment_filter_agrees_with_can_view_employment(cast: Cast) -> None:
    people = list(Person.objects.all())

    def by_rule(user: Any) -> set[int]:
        return {p.pk for p in people if access.can_view_employment(user, p)}

    def by_filter(user: Any) -> set[int]:
        condition = access.employment_filter(user)
        if condition is None:
            return {p.pk for p in people}
        return set(Person.objects.filter(condition).values_list("pk", flat=True))

    for role in ROLES:
        assert by_filter(cast.user(role)) == by_rule(cast.user(role)), role
    assert access.employment_filter(cast.user("hr_admin")) is None
    assert access.employment_filter(cast.user("executive")) is None
    assert by_filter(cast.user("self")) == {cast.target.pk}


def test_attribute_for_edit(cast: Cast) -> None:
    gender = CustomAttribute.objects.get(key="gender")

    def expected(role: str) -> Any:
        if role == "hr_admin":
            return gender.pk
        return "403" if role in MEMBERS else "404"

    check(cast, lambda u: access.attribute_for_edit(u, gender.pk).pk, expected)
    check(
        cast,
        lambda u: access.attribute_for_edit(u, 999_999),
        lambda role: "404" if role == "hr_admin" or role not in MEMBERS else "403",
    )


def test_visible_people(cast: Cast) -> None:
    both = [cast.target, cast.leaver]

    def expected(role: str) -> list[int]:
        if role in {"direct_manager", "skip_manager"} | ORG_WIDE:
            return [cast.target.pk, cast.leaver.pk]
        return [cast.target.pk] if role in MEMBERS else []

    check(cast, lambda u: [p.pk for p in access.visible_people(u, both)], expected)


def test_line_ranges_compare_paths_byte_by_byte(cast: Cast) -> None:
    """``reports_of`` and every line range rely on '/' < '0' < '9' in the database's
    comparison of ``reporting_path``. A PostgreSQL database created with a linguistic
    collation such as glibc's en_US.UTF-8 ignores the '/' and puts "/1/7/42/" after
    "/1/70": whole reporting lines would silently vanish. This fails there."""
    # No real path starts with "/0/": ids start at 1.
    Person.objects.filter(pk=cast.target.pk).update(reporting_path="/0/7/42/")
    Person.objects.filter(pk=cast.leaver.pk).update(reporting_path="/0/7/")
    below = Person.objects.filter(reporting_path__gt="/0/7/", reporting_path__lt="/0/70")
    assert list(below.values_list("pk", flat=True)) == [cast.target.pk]
    leaver = Person.objects.get(pk=cast.leaver.pk)
    assert list(access.reports_of(leaver).values_list("pk", flat=True)) == [cast.target.pk]


def test_person_filter_is_can_view_person(cast: Cast) -> None:
    """The filter the API lists annotate with (a manager or owner named in passing)
    answers as ``can_view_person`` for every role, on people and through a relation."""
    boss = make_person("boss.gone@example.com", manager=cast.org.eng_head)
    make_person("left.behind@example.com", manager=boss)
    services.person_mark_left(actor=None, person=boss)
    people = list(Person.objects.select_related("manager"))
    for role in ROLES:
        user = cast.user(role)

        def matching(through: str, user: Any = user) -> set[int]:
            condition = access.person_filter(user, through=through)
            rows = Person.objects.filter(manager__isnull=False) if through else Person.objects
            if condition is not None:
                rows = rows.filter(condition)
            return set(rows.values_list("pk", flat=True))

        assert matching("") == {p.pk for p in people if access.can_view_person(user, p)}, role
        assert matching("manager__") == {
            p.pk for p in people if p.manager and access.can_view_person(user, p.manager)
        }, role


def _hr_only(value: Any) -> Callable[[str], Any]:
    """HR admins get ``value``; other members 403; everyone else 404."""

    def expected(role: str) -> Any:
        if role == "hr_admin":
            return value
        return "403" if role in MEMBERS else "404"

    return expected


def test_audit_subject_for_read(cast: Cast) -> None:
    # The audit log's ?person= filter: HR admins find anyone, people who left included;
    # nobody else learns whether the id exists.
    for person in (cast.target, cast.leaver):
        check(
            cast, lambda u, p=person: access.audit_subject_for_read(u, p.pk).pk, _hr_only(person.pk)
        )
    check(
        cast,
        lambda u: access.audit_subject_for_read(u, 999_999),
        lambda role: "403" if role in MEMBERS - {"hr_admin"} else "404",
    )


def test_attributes_for_manage(cast: Cast) -> None:
    keys = sorted(CustomAttribute.objects.values_list("key", flat=True))
    assert keys == ["cost_center", "gender"]
    check(
        cast,
        lambda u: sorted(a.key for a in access.attributes_for_manage(u)),
        _hr_only(keys),
    )


def test_person_record_taken(cast: Cast) -> None:
    # Left people keep their work email and employee id: taken for everyone else.
    check(
        cast,
        lambda u: access.person_record_taken(
            u, other_than=None, work_email="LEE.LEAVER@example.com"
        ),
        _hr_only(True),
    )
    check(
        cast,
        lambda u: access.person_record_taken(u, other_than=cast.leaver, employee_id="E999"),
        _hr_only(False),
    )
    check(
        cast,
        lambda u: access.person_record_taken(u, other_than=None, employee_id="E-unknown"),
        _hr_only(False),
    )


def test_manager_by_reference(cast: Cast) -> None:
    manager = cast.org.eng_manager
    check(
        cast,
        lambda u: access.manager_by_reference(u, manager.work_email.upper()).pk,
        _hr_only(manager.pk),
    )
    # By employee id, and someone who left is found too (the form then says why not).
    check(cast, lambda u: access.manager_by_reference(u, "E999").pk, _hr_only(cast.leaver.pk))
    check(cast, lambda u: access.manager_by_reference(u, "nobody@example.com"), _hr_only(None))
