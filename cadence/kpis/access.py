"""Who may see, define and record KPIs — the only place it is decided (docs/kpis.md).

Defining (create, change, deactivate)
* HR admins: any KPI, any scope.
* Role KPIs (a job title across the organisation): HR admins only.
* Person KPIs: the person's manager chain (not the person themself).
* Team KPIs: a manager (someone with active reports) for a department they manage.
  A department is managed by a manager when it has active people and every one of
  them is the manager themself or someone in their line. So the manager of
  Engineering/Platform manages it, and so does the head of Engineering above them;
  a peer manager with one report in the department does not.

Reading a KPI and its measurements
* HR admins and executive viewers: every KPI.
* Person KPIs: the person and their manager chain.
* Team KPIs: the people of the department (sub-departments included) and the manager
  chain of each of them.
* Role KPIs: each holder of the job title sees the KPI and their own series; a manager
  sees the KPI and the series of the holders in their line.

Recording a measurement: whoever may define the KPI, the person themself for their own
person KPI, and for a role KPI the manager chain of the holder the value is for.
Measurements are not tied to performance periods, so closing a period changes nothing
here.

Refusals answer 404 where the actor may not know the KPI exists and 403 (``Refused``)
with a sentence where they may see it but not do this.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.kpis.models import Kpi
from cadence.people.access import (
    Refused,
    acting_person,
    cached_per_request,
    has_reports,
    is_hr_admin,
    is_in_line_of,
    is_member,
    is_self_or_above,
    line_filter,
    reports_of,
    require_member,
    sees_whole_organisation,
    self_and_line_filter,
    with_parent_departments,
)
from cadence.people.models import Department, Person

__all__ = [
    "Refused",
    "can_define",
    "can_edit_kpi",
    "can_read_kpi",
    "can_record",
    "kpi_for_edit",
    "kpi_for_read",
    "kpi_for_record",
    "kpis_visible_to",
    "people_for_import",
    "person_for_definition",
    "series_people_filter",
    "series_person",
    "series_person_for_read",
]


# --- departments ------------------------------------------------------------------------


@cached_per_request
def related_department_ids(user: Actor) -> set[int]:
    """Departments whose team KPIs the acting person may read: those holding them or
    someone in their line, and every department above those."""
    me = acting_person(user)
    if me is None:
        return set()
    return with_parent_departments(
        Person.objects.filter(
            self_and_line_filter(me), status=Person.Status.ACTIVE, department__isnull=False
        )
        .order_by()
        .values_list("department_id", flat=True)
        .distinct()
    )


def _department_people(department: Department) -> QuerySet[Person]:
    """Active people of the department and its sub-departments."""
    return Person.objects.filter(
        Q(department=department) | Q(department__full_name__startswith=department.full_name + "/"),
        status=Person.Status.ACTIVE,
    )


def manages_department(person: Person, department: Department) -> bool:
    """The rule for team KPIs: the department has active people, all of them the manager
    themself or in their line (sub-departments included)."""
    if not has_reports(person):
        return False
    people = _department_people(department)
    outside = people.exclude(self_and_line_filter(person))
    return people.exists() and not outside.exists()


# --- role holders -----------------------------------------------------------------------


def holders_of(job_title: str) -> QuerySet[Person]:
    return Person.objects.filter(status=Person.Status.ACTIVE, job_title__iexact=job_title)


def holds_role(person: Person, kpi: Kpi) -> bool:
    return person.is_active and person.job_title.strip().lower() == kpi.job_title.strip().lower()


def series_people_filter(user: Actor) -> Q | None:
    """Whose series of a role KPI the user may read, as a filter on people; None for
    everyone's (HR admins, executives)."""
    if sees_whole_organisation(user):
        return None
    me = acting_person(user)
    if me is None:
        return Q(pk__in=[])
    return self_and_line_filter(me)


# --- reading ----------------------------------------------------------------------------


def kpis_visible_to(user: Actor) -> QuerySet[Kpi]:
    """KPIs the user may read (active or not). Unknown or outside users get none."""
    if not is_member(user):
        return Kpi.objects.none()
    kpis = Kpi.objects.all()
    if sees_whole_organisation(user):
        return kpis
    me = acting_person(user)
    if me is None:
        return Kpi.objects.none()
    visible = Q(scope=Kpi.Scope.PERSON) & self_and_line_filter(me, through="person__")
    departments = related_department_ids(user)
    if departments:
        visible |= Q(scope=Kpi.Scope.TEAM, department_id__in=departments)
    # Role KPIs: my own title, and every title held by someone in my line.
    titles = {me.job_title.strip().lower()} if me.job_title.strip() else set()
    if has_reports(me):
        titles.update(
            t.strip().lower()
            for t in reports_of(me)
            .filter(status=Person.Status.ACTIVE)
            .exclude(job_title="")
            .order_by()
            .values_list("job_title", flat=True)
            .distinct()
        )
    if titles:
        role = Q()
        for title in titles:
            role |= Q(job_title__iexact=title)
        visible |= Q(scope=Kpi.Scope.ROLE) & role
    return kpis.filter(visible)


def person_kpis_visible_to(user: Actor, person: Person) -> QuerySet[Kpi]:
    """The KPIs whose values are ``person``'s — their person KPIs and the role KPIs of
    their job title — that the user may read with ``person``'s series: what
    ``kpis_visible_to`` and ``can_read_series`` together allow for that one person. Said
    for one person, the rule needs neither the department sets nor the titles of the
    reader's whole line (costly for a reader at the top of a large organisation)."""
    if not is_member(user):
        return Kpi.objects.none()
    mine = Q(scope=Kpi.Scope.PERSON, person_id=person.pk)
    title = person.job_title.strip()
    if title:
        mine |= Q(scope=Kpi.Scope.ROLE, job_title__iexact=title)
    if sees_whole_organisation(user):
        return Kpi.objects.filter(mine)
    me = acting_person(user)
    # Someone outside the person's line reads neither their person KPIs nor, under a
    # role KPI they may see (the same title), the person's series.
    if me is not None and is_self_or_above(me, person):
        return Kpi.objects.filter(mine)
    return Kpi.objects.none()


def can_read_kpi(user: Actor, kpi: Kpi) -> bool:
    if not is_member(user):
        return False
    if sees_whole_organisation(user):
        return True
    me = acting_person(user)
    if me is None:
        return False
    if kpi.scope == Kpi.Scope.PERSON:
        return kpi.person is not None and is_self_or_above(me, kpi.person)
    if kpi.scope == Kpi.Scope.TEAM:
        return kpi.department_id in related_department_ids(user)
    if holds_role(me, kpi):
        return True
    return (
        has_reports(me)
        and reports_of(me)
        .filter(status=Person.Status.ACTIVE, job_title__iexact=kpi.job_title)
        .exists()
    )


def can_read_series(user: Actor, kpi: Kpi, person: Person | None) -> bool:
    """May the user read the series of ``person`` (role KPIs) — the KPI itself readable."""
    if kpi.scope != Kpi.Scope.ROLE or person is None:
        return can_read_kpi(user, kpi)
    if sees_whole_organisation(user):
        return True
    me = acting_person(user)
    return me is not None and is_self_or_above(me, person)


def _kpis() -> QuerySet[Kpi]:
    return Kpi.objects.select_related("department", "person", "created_by")


def kpi_for_read(user: Actor, kpi_id: int) -> Kpi:
    kpi = _kpis().filter(pk=kpi_id).first()
    if kpi is None or not can_read_kpi(user, kpi):
        raise Http404
    return kpi


# --- the people a KPI, a value or an import row names -----------------------------------
#
# Someone the user may not see and someone who does not exist must read the same: every
# person named in a form, a file or a request is looked up among the people the user may
# name here, never in the whole table, so no error can confirm that an employee ID or an
# id belongs to someone outside their reach.


def series_people(user: Actor) -> QuerySet[Person]:
    """Whose KPI values the user may see (people who left included: their values stay):
    everyone for HR admins and executives, else themselves and their line."""
    if not is_member(user):
        return Person.objects.none()
    people_filter = series_people_filter(user)
    people = Person.objects.select_related("department")
    return people if people_filter is None else people.filter(people_filter)


def series_person(user: Actor, kpi: Kpi, person_id: str | int | None) -> Person | None:
    """The person (by id, as the request gives it) whose values of ``kpi`` the user
    may read; None when there is no such person or they are out of the user's reach."""
    if person_id is None:
        return None
    try:
        pk = int(person_id)
    except ValueError:
        return None
    person = series_people(user).filter(pk=pk).first()
    if person is None or not can_read_series(user, kpi, person):
        return None
    return person


def series_person_for_read(user: Actor, kpi: Kpi, person_id: str | int | None) -> Person:
    """``series_person``, answering 404 for unknown and hidden alike."""
    person = series_person(user, kpi, person_id)
    if person is None:
        raise Http404
    return person


def people_for_import(user: Actor | None, keys: set[str]) -> dict[str, Person]:
    """The people an import's Person column names (employee ID, or work email in any
    case), keyed by what the file may say, among those the uploader may see values of.
    ``user`` None is the command line, run by an operator: everyone."""
    if not keys:
        return {}
    people = Person.objects.all() if user is None else series_people(user)
    lowered = {k.lower() for k in keys}
    found: dict[str, Person] = {}
    for person in people.filter(
        Q(employee_id__in=keys) | Q(work_email__in=lowered) | Q(work_email__in=keys)
    ):
        if person.employee_id:
            found[person.employee_id] = person
        found[person.work_email.lower()] = person
    return found


def _definable_people(user: Actor) -> QuerySet[Person]:
    """Active people the user may define a person KPI for (``can_define``): anyone for
    HR admins, a manager's line (not themselves), nobody else."""
    people = Person.objects.filter(status=Person.Status.ACTIVE)
    if not is_member(user):
        return people.none()
    if is_hr_admin(user):
        return people
    me = acting_person(user)
    if me is None or not has_reports(me):
        return people.none()
    return people.filter(line_filter(me))


def person_for_definition(
    user: Actor, *, key: str = "", person_id: int | None = None
) -> Person | None:
    """The person a KPI being defined is for, named by work email or employee ID (the
    form) or by id (the API); None when nobody the user may define KPIs for answers to
    it — unknown, out of their line and left all alike."""
    people = _definable_people(user)
    if person_id is not None:
        return people.filter(pk=person_id).first()
    key = key.strip()
    if not key:
        return None
    return people.filter(Q(work_email__iexact=key) | Q(employee_id=key)).first()


# --- defining ---------------------------------------------------------------------------


def can_define(
    user: Actor, *, scope: str, department: Department | None = None, person: Person | None = None
) -> bool:
    """May the user define a KPI with this scope (for this department or person)?"""
    if not is_member(user):
        return False
    if is_hr_admin(user):
        return True
    me = acting_person(user)
    if me is None or not has_reports(me):
        return False
    if scope == Kpi.Scope.PERSON:
        return person is not None and is_in_line_of(me, person)
    if scope == Kpi.Scope.TEAM:
        return department is not None and manages_department(me, department)
    return False


def can_define_any(user: Actor) -> bool:
    """Whether to offer "Define a KPI" at all: HR admins and managers."""
    if is_hr_admin(user):
        return True
    me = acting_person(user)
    return me is not None and has_reports(me)


def can_edit_kpi(user: Actor, kpi: Kpi) -> bool:
    return can_define(user, scope=kpi.scope, department=kpi.department, person=kpi.person)


def kpi_for_edit(user: Actor, kpi_id: int) -> Kpi:
    """The KPI, locked for the rest of the transaction, when the user may change it:
    404 when they may not read it, 403 with the reason when they may read it."""
    kpi = kpi_for_read(user, kpi_id)
    if not can_edit_kpi(user, kpi):
        raise Refused(_("You may read this KPI but not change it."))
    locked = _kpis().select_for_update(of=("self",)).filter(pk=kpi.pk).first()
    if locked is None:
        raise Http404
    return locked


# --- recording --------------------------------------------------------------------------


def can_record(user: Actor, kpi: Kpi, person: Person | None = None) -> bool:
    """May the user record a value of ``kpi`` (for ``person`` on a role KPI)?

    With no person on a role KPI: may they record for anyone at all (to offer the form).
    """
    if not kpi.is_active or not is_member(user):
        return False
    if can_edit_kpi(user, kpi):
        return True
    me = acting_person(user)
    if me is None:
        return False
    if kpi.scope == Kpi.Scope.PERSON:
        return kpi.person_id == me.pk
    if kpi.scope == Kpi.Scope.ROLE:
        if person is None:
            return (
                has_reports(me)
                and reports_of(me)
                .filter(status=Person.Status.ACTIVE, job_title__iexact=kpi.job_title)
                .exists()
            )
        return is_in_line_of(me, person)
    return False


def kpi_for_record(user: Actor, kpi_id: int) -> Kpi:
    """A KPI the user may record values of (the person, for role KPIs, is checked by
    ``can_record`` once known)."""
    kpi = kpi_for_read(user, kpi_id)
    if not kpi.is_active:
        raise Refused(_("This KPI is no longer active: no new values can be recorded."))
    if not can_record(user, kpi):
        raise Refused(_("You may read this KPI but not record values for it."))
    return kpi


def can_import(user: Actor) -> bool:
    """The CSV upload page: HR admins and managers (each row is then checked)."""
    return can_define_any(user)


def require_importer(user: Actor) -> None:
    require_member(user)
    if not can_import(user):
        raise Refused(_("Only HR admins and managers can import KPI values."))
