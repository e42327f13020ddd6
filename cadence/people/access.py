"""Who may see and do what with people and departments — the only place it is decided.

Views, API endpoints and templates call these functions; none re-implements a rule.
Rules (docs/access.md):

* Anonymous visitors and accounts without an active person or an organisation-wide
  role see nothing.
* Every active employee sees the directory card of every active person (name, title,
  department, location, manager, work email) and the org chart: that is what a
  company directory is for.
* Employment details (employee id, level, start date, status, non-sensitive custom
  attributes) and the team page: the person, their whole manager chain, HR admins
  and executive viewers.
* People who left: only those who may see their employment details — also where they
  appear in passing, as the manager their reports still point at.
* Searching by employee id finds only people whose employment details one may see.
* Sensitive custom attributes, roles and imports: HR admins only.

Refusals answer 404 where the actor may not know the object exists, 403 where they
may see it but not do this with it (a colleague's team page, role changes).
"""

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.people.models import (
    CustomAttribute,
    Department,
    PeopleImport,
    Person,
    subtree_bounds,
)


class Refused(PermissionDenied):
    """The actor may see the object but not do this with it (HTTP 403)."""


# --- building blocks every area's access module uses (docs/access.md) ---------------------
#
# They live here, not in cadence.core, because each is about a person's place in the
# organisation (the manager chain, departments), which this app owns; core is the
# bottom layer and imports no area. goals, kpis and planning import them from here and
# repeat none of them.


def cached_per_request[U: Actor, T](function: Callable[[U], T]) -> Callable[[U], T]:
    """Remember ``function(user)`` on the user object.

    Django builds a new user object for every request (and tests build their own), so
    the answer lives exactly as long as the request: pages that ask a rule once per row
    pay its queries once."""
    attribute = f"_cadence_{function.__name__}"

    @functools.wraps(function)
    def cached(user: U) -> T:
        try:
            return getattr(user, attribute)
        except AttributeError:
            value = function(user)
            setattr(user, attribute, value)
            return value

    return cached


def _me(user: User) -> Person | None:
    # Loaded with what every page shows of "me" (navigation, home) so that asking
    # whether I manage anyone costs no further query. An EXISTS, not a COUNT: the
    # navigation only asks yes or no, and a COUNT joined every report and grouped the
    # row by all its columns on every signed-in request. Unordered: there is at most
    # one row (one person per account), and ``first()``'s ORDER BY the directory's
    # name columns cost ~0.3 ms of building SQL per request for nothing.
    rows = (
        Person.objects.filter(user=user, status=Person.Status.ACTIVE)
        .select_related("department", "manager")
        .annotate(
            has_active_reports=Exists(
                Person.objects.filter(manager=OuterRef("pk"), status=Person.Status.ACTIVE)
            )
        )
        .order_by()[:1]
    )
    return next(iter(rows), None)


_cached_me = cached_per_request(_me)


def acting_person(user: Actor | None) -> Person | None:
    """The user's active person record, loaded once per request; None for the system
    (services called with no actor), anonymous visitors and accounts without one."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return _cached_me(user)


def require_member(user: Actor) -> None:
    """404 for anyone who is not a member of the organisation: to them nothing exists."""
    if not is_member(user):
        raise Http404


def is_self_or_above(me: Person, person: Person) -> bool:
    """``me`` is ``person`` or somewhere above them in the manager chain."""
    return me.pk == person.pk or is_in_line_of(me, person)


def line_filter(me: Person, *, through: str = "") -> Q:
    """Everyone below ``me`` in the manager chain, as a filter on people (or on rows
    pointing at a person ``through`` a relation, e.g. ``"owner_person__"``)."""
    low, high = subtree_bounds(me.reporting_path)
    return Q(**{f"{through}reporting_path__gt": low, f"{through}reporting_path__lt": high})


def self_and_line_filter(me: Person, *, through: str = "") -> Q:
    """``is_self_or_above`` as a filter: ``me`` and everyone below them."""
    return Q(**{f"{through}pk" if through else "pk": me.pk}) | line_filter(me, through=through)


def _names_with_parents(full_name: str) -> set[str]:
    parts = full_name.split("/")
    return {"/".join(parts[: i + 1]) for i in range(len(parts))}


def department_names(department: Department) -> set[str]:
    """The full names of the department and of every department above it, for a
    caller that folds ``department_with_parents`` into a query of its own."""
    return _names_with_parents(department.full_name)


def _with_parents(full_names: Iterable[str]) -> set[int]:
    names: set[str] = set()
    for full_name in full_names:
        names |= _names_with_parents(full_name)
    if not names:
        return set()
    return set(Department.objects.filter(full_name__in=names).values_list("pk", flat=True))


def department_with_parents(department: Department) -> set[int]:
    """The department and every department above it (Engineering/Platform is inside
    Engineering), in one query whatever the depth."""
    return _with_parents([department.full_name])


def with_parent_departments(department_ids: Iterable[int | None]) -> set[int]:
    """``department_with_parents`` for many departments known by id (two queries)."""
    ids = {pk for pk in department_ids if pk is not None}
    if not ids:
        return set()
    return _with_parents(Department.objects.filter(pk__in=ids).values_list("full_name", flat=True))


@cached_per_request
def own_department_ids(user: Actor) -> set[int]:
    """The acting person's department and every department above it (a member of
    Engineering/Platform is a member of Engineering)."""
    me = acting_person(user)
    if me is None or me.department is None:
        return set()
    return department_with_parents(me.department)


# The system (a service called with no actor) holds no role and is no member.


def is_hr_admin(user: Actor | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_hr_admin or user.is_superuser)
    )


def is_executive(user: Actor | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_executive)


def sees_whole_organisation(user: Actor | None) -> bool:
    return is_hr_admin(user) or is_executive(user)


def is_member(user: Actor | None) -> bool:
    """Signed in, active, and either an employee or holding an organisation-wide role."""
    return sees_whole_organisation(user) or acting_person(user) is not None


def is_in_line_of(manager: Person, person: Person) -> bool:
    """True when ``manager`` is somewhere above ``person`` in the manager chain."""
    return (
        manager.pk != person.pk
        and bool(manager.reporting_path)
        and person.reporting_path.startswith(manager.reporting_path)
    )


def is_manager(user: Actor) -> bool:
    person = acting_person(user)
    return person is not None and has_reports(person)


def has_reports(person: Person) -> bool:
    if hasattr(person, "has_active_reports"):
        return bool(person.has_active_reports)
    if hasattr(person, "active_report_count"):
        return person.active_report_count > 0
    return person.direct_reports.filter(status=Person.Status.ACTIVE).exists()


# --- can_* : answers for templates and for building the pages ------------------------


def can_view_directory(user: Actor) -> bool:
    return is_member(user)


def can_view_employment(user: Actor, person: Person) -> bool:
    if sees_whole_organisation(user):
        return True
    me = acting_person(user)
    return me is not None and is_self_or_above(me, person)


def employment_filter(user: Actor) -> Q | None:
    """``can_view_employment`` as a filter on people, for searches and lists;
    None when the user may see everyone's."""
    if sees_whole_organisation(user):
        return None
    me = acting_person(user)
    if me is None:
        return Q(pk__in=[])
    return self_and_line_filter(me)


def can_view_team(user: Actor, person: Person) -> bool:
    return can_view_employment(user, person)


def can_view_person(user: Actor, person: Person) -> bool:
    if not is_member(user):
        return False
    if person.status == Person.Status.ACTIVE:
        return True
    return can_view_employment(user, person)


def person_filter(user: Actor, *, through: str = "") -> Q | None:
    """``can_view_person`` as a filter on people, or on rows pointing at a person
    ``through`` a relation (``"manager__"``): for lists that name thousands of people
    in passing. None when the user may see everyone."""
    if not is_member(user):
        return Q(pk__in=[])
    if sees_whole_organisation(user):
        return None
    me = acting_person(user)
    if me is None:  # a member without an organisation-wide role has a person
        return Q(pk__in=[])
    active = Q(**{f"{through}status": Person.Status.ACTIVE})
    return active | self_and_line_filter(me, through=through)


def can_view_sensitive_attributes(user: Actor) -> bool:
    return is_hr_admin(user)


def can_manage_people(user: Actor) -> bool:
    """Import people, add and edit them by hand, grant roles, mark attributes sensitive."""
    return is_hr_admin(user)


def can_view_audit_log(user: Actor) -> bool:
    """Who changed what, when: HR admins. Summaries name private goals and the before
    values can hold sensitive attributes, both already HR's to see; executives read
    results, not the trail."""
    return is_hr_admin(user)


def require_audit_reader(user: Actor) -> None:
    require_member(user)
    if not can_view_audit_log(user):
        raise Refused


def audit_subject_for_read(user: Actor, person_id: int) -> Person:
    """The person the audit log is narrowed to (``?person=``), active or left: the log
    is HR's, and HR admins see everyone. 404 for an unknown id; anyone who may not read
    the log is refused before the id is looked at."""
    require_audit_reader(user)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def can_include_left_people(user: Actor) -> bool:
    return sees_whole_organisation(user)


def visible_attributes(user: Actor, person: Person) -> list[tuple[CustomAttribute, Any]]:
    """The custom attributes of ``person`` the user may read, as (definition, value)."""
    if not person.custom_attributes or not can_view_employment(user, person):
        return []
    show_sensitive = can_view_sensitive_attributes(user)
    definitions = {
        a.key: a for a in CustomAttribute.objects.filter(key__in=list(person.custom_attributes))
    }
    out = []
    for key, value in person.custom_attributes.items():
        definition = definitions.get(key) or CustomAttribute(key=key, label=key, is_sensitive=True)
        if definition.is_sensitive and not show_sensitive:
            continue
        out.append((definition, value))
    return sorted(out, key=lambda pair: pair[0].label.lower())


def visible_people(user: Actor, people: list[Person]) -> list[Person]:
    """Those of already-loaded ``people`` the user may see, e.g. a manager chain that
    passes through someone who left (their reports point at them until HR
    assigns a new manager)."""
    return [p for p in people if can_view_person(user, p)]


# --- *_for_* : the only way a view or endpoint obtains an object ---------------------


def people_visible_to(user: Actor, *, include_left: bool = False) -> QuerySet[Person]:
    """People the user may list. Unknown or outside users get an empty set."""
    if not is_member(user):
        return Person.objects.none()
    people = Person.objects.all()
    if include_left and can_include_left_people(user):
        return people
    return people.filter(status=Person.Status.ACTIVE)


def _person_row(person_id: int) -> Person | None:
    return (
        Person.objects.select_related("department", "manager", "user").filter(pk=person_id).first()
    )


def person_for_read(user: Actor, person_id: int) -> Person:
    person = _person_row(person_id)
    if person is None or not can_view_person(user, person):
        raise Http404
    return person


def team_for_read(user: Actor, person_id: int) -> Person:
    """The person whose team (reporting line) the user wants to see.

    403, not 404, for someone who may see the person: their card and direct reports
    are public to every employee, so refusing the team page hides nothing.
    """
    person = person_for_read(user, person_id)
    if not can_view_team(user, person):
        raise Refused
    return person


def reports_of(person: Person) -> QuerySet[Person]:
    """Everyone below ``person`` in the manager chain (direct and indirect)."""
    return Person.objects.filter(line_filter(person))


def department_for_read(user: Actor, department_id: int) -> Department:
    if not can_view_directory(user):
        raise Http404
    department = Department.objects.filter(pk=department_id).select_related("parent").first()
    if department is None:
        raise Http404
    return department


def require_people_manager(user: Actor) -> None:
    require_member(user)
    if not can_manage_people(user):
        raise Refused


def person_for_edit(user: Actor, person_id: int) -> Person:
    """A person (active or left) whose record an HR admin is about to change."""
    require_people_manager(user)
    person = _person_row(person_id)
    if person is None:
        raise Http404
    return person


def attribute_for_edit(user: Actor, attribute_id: int) -> CustomAttribute:
    """A custom attribute definition an HR admin is about to change."""
    require_people_manager(user)
    attribute = CustomAttribute.objects.filter(pk=attribute_id).first()
    if attribute is None:
        raise Http404
    return attribute


def attributes_for_manage(user: Actor) -> QuerySet[CustomAttribute]:
    """Every custom attribute definition, sensitive ones included: HR admins only."""
    require_people_manager(user)
    return CustomAttribute.objects.all()


def person_record_taken(
    user: Actor, *, other_than: Person | None, work_email: str = "", employee_id: str = ""
) -> bool:
    """Whether someone other than ``other_than`` already has this work email (any
    case) or employee ID — a check of HR's person form, so HR admins only, among
    everyone (people who left keep theirs)."""
    require_people_manager(user)
    if work_email:
        others = Person.objects.filter(work_email__iexact=work_email)
    else:
        others = Person.objects.filter(employee_id=employee_id)
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    return others.exists()


def manager_by_reference(user: Actor, reference: str) -> Person | None:
    """The person HR names as a manager by work email or employee ID, or None. HR
    admins only, among everyone: the form itself says that someone who left cannot
    become a manager (but stays one they already were)."""
    require_people_manager(user)
    return (
        Person.objects.filter(work_email__iexact=reference).first()
        or Person.objects.filter(employee_id=reference).first()
    )


def people_import_for_manage(user: Actor, import_id: int) -> PeopleImport:
    """An uploaded people import to follow or confirm. Any HR admin may follow and
    confirm any upload: imports are a shared HR duty."""
    require_people_manager(user)
    upload = PeopleImport.objects.select_related("uploaded_by").filter(pk=import_id).first()
    if upload is None:
        raise Http404
    return upload
