"""Who may see and do what with periods, competency frameworks and performance plans —
the only place it is decided. People rules come from ``cadence.people.access``.

Rules (docs/planning.md):

* Periods and competency frameworks: every member reads them; HR admins manage them.
* A plan is read by the person, their whole manager chain, HR admins and executive
  viewers (read-only). It is edited (expectations, development items, propose) by the
  person, their manager chain and HR admins — never once its period is closed: closed
  periods are kept forever as they were.
* Signing: the employee side only by the person; the manager side by the plan's
  manager (the manager at planning time) or anyone above them in the chain. HR admins
  do not sign for a manager: a sign-off is a statement by the people who agreed it.

Refusals answer 404 where the actor may not know the plan exists, 403 where they may
read it but not do this with it.
"""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.people.access import (
    Refused,
    acting_person,
    can_view_employment,
    employment_filter,
    is_hr_admin,
    is_in_line_of,
    is_member,
    is_self_or_above,
    require_member,
)
from cadence.people.models import Person
from cadence.planning.models import (
    Competency,
    CompetencyFramework,
    CompetencyGroup,
    DevelopmentItem,
    PerformancePeriod,
    PerformancePlan,
)

__all__ = ["Refused", "require_member"]


def _closed_refusal(period: PerformancePeriod) -> Refused:
    return Refused(
        _("%(period)s is closed: its plans are kept as they were and cannot be changed.")
        % {"period": period.name}
    )


# --- can_* ---------------------------------------------------------------------------


def can_view_periods(user: Actor) -> bool:
    return is_member(user)


def can_manage_periods(user: Actor) -> bool:
    return is_hr_admin(user)


def can_edit_frameworks(user: Actor) -> bool:
    return is_hr_admin(user)


def can_read_plan_of(user: Actor, person: Person) -> bool:
    """The person, their manager chain, HR admins, executives (same as employment)."""
    return can_view_employment(user, person)


def can_edit_plan_of(user: Actor, person: Person) -> bool:
    """The person, their manager chain and HR admins; executives only read."""
    if is_hr_admin(user):
        return True
    me = acting_person(user)
    return me is not None and is_self_or_above(me, person)


def can_edit_plan(user: Actor, plan: PerformancePlan) -> bool:
    return not plan.period.is_closed and can_edit_plan_of(user, plan.person)


def can_sign_as_employee(user: Actor | None, plan: PerformancePlan) -> bool:
    me = acting_person(user)
    return me is not None and me.pk == plan.person_id


def can_sign_as_manager(user: Actor | None, plan: PerformancePlan) -> bool:
    """The plan's manager or anyone above them. Without a recorded manager (the top of
    the organisation), anyone above the person. Never the person themselves, and HR
    admins only when they are in that chain."""
    me = acting_person(user)
    if me is None or me.pk == plan.person_id:
        return False
    if plan.manager_id is not None:
        manager = plan.manager
        return me.pk == plan.manager_id or (manager is not None and is_in_line_of(me, manager))
    return is_in_line_of(me, plan.person)


def can_sign(user: Actor, plan: PerformancePlan) -> bool:
    return not plan.period.is_closed and (
        can_sign_as_employee(user, plan) or can_sign_as_manager(user, plan)
    )


def plans_filter(user: Actor) -> Q | None:
    """``can_read_plan_of`` as a filter on plans; None when the user may read all."""
    people = employment_filter(user)
    if people is None:
        return None
    ids = Person.objects.filter(people).values("pk")
    return Q(person_id__in=ids)


# --- *_for_* ---------------------------------------------------------------------------


def require_period_manager(user: Actor) -> None:
    require_member(user)
    if not can_manage_periods(user):
        raise Refused(_("Only HR admins manage performance periods."))


def require_framework_editor(user: Actor) -> None:
    require_member(user)
    if not can_edit_frameworks(user):
        raise Refused(_("Only HR admins edit the competency framework."))


def period_for_read(user: Actor, period_id: int) -> PerformancePeriod:
    require_member(user)
    period = PerformancePeriod.objects.filter(pk=period_id).select_related("parent").first()
    if period is None:
        raise Http404
    return period


def period_for_manage(user: Actor, period_id: int) -> PerformancePeriod:
    require_period_manager(user)
    period = PerformancePeriod.objects.select_for_update().filter(pk=period_id).first()
    if period is None:
        raise Http404
    return period


def framework_for_read(user: Actor, framework_id: int) -> CompetencyFramework:
    require_member(user)
    framework = CompetencyFramework.objects.select_related("period").filter(pk=framework_id).first()
    if framework is None:
        raise Http404
    return framework


def framework_for_edit(user: Actor, framework_id: int) -> CompetencyFramework:
    """A framework an HR admin is about to change. A framework of a closed period is
    still returned: the services then write a new version instead of changing it."""
    require_framework_editor(user)
    return framework_for_read(user, framework_id)


def _plan(plan_id: int, *, lock: bool = False) -> PerformancePlan | None:
    plans = PerformancePlan.objects.select_related(
        "person", "person__department", "person__manager", "period", "manager"
    )
    if lock:
        plans = plans.select_for_update(of=("self",))
    return plans.filter(pk=plan_id).first()


def plan_for_read(user: Actor, plan_id: int) -> PerformancePlan:
    """The plan, for the person, their manager chain, HR admins and executives."""
    plan = _plan(plan_id)
    if plan is None or not can_read_plan_of(user, plan.person):
        raise Http404
    return plan


def plan_for_edit(user: Actor, plan_id: int) -> PerformancePlan:
    """The plan, locked, for the person, their manager chain and HR admins, while its
    period is open. Executives and others who may read it get 403."""
    plan = _plan(plan_id, lock=True)
    if plan is None or not can_read_plan_of(user, plan.person):
        raise Http404
    if not can_edit_plan_of(user, plan.person):
        raise Refused(_("You may read this plan but not change it."))
    if plan.period.is_closed:
        raise _closed_refusal(plan.period)
    return plan


def plan_for_sign(user: Actor, plan_id: int) -> PerformancePlan:
    plan = _plan(plan_id, lock=True)
    if plan is None or not can_read_plan_of(user, plan.person):
        raise Http404
    if plan.period.is_closed:
        raise _closed_refusal(plan.period)
    if not (can_sign_as_employee(user, plan) or can_sign_as_manager(user, plan)):
        raise Refused(
            _("Only %(person)s and their manager can sign this plan.")
            % {"person": plan.person.full_name}
        )
    return plan


def person_for_planning(user: Actor, person_id: int, period: PerformancePeriod) -> Person:
    """The person whose plan for ``period`` the user wants to open."""
    person = Person.objects.select_related("manager").filter(pk=person_id).first()
    if person is None or not can_read_plan_of(user, person):
        raise Http404
    if not can_edit_plan_of(user, person):
        raise Refused(_("You may read this plan but not start it."))
    if period.is_closed:
        raise _closed_refusal(period)
    return person


def has_plan(user: Actor, person: Person, period: PerformancePeriod) -> bool:
    """Whether ``person`` has a plan for ``period``, for one who may read their plans
    (``open_plan`` answers 200 for an existing plan and 201 for a new one). False for
    anyone else: to them no plan exists, and the answer must not tell otherwise."""
    if not can_read_plan_of(user, person):
        return False
    return PerformancePlan.objects.filter(person=person, period=period).exists()


def require_open_period(period: PerformancePeriod) -> None:
    """For services: a closed period refuses every change (plans and the goals hook)."""
    if period.is_closed:
        raise _closed_refusal(period)


def development_item_for_edit(user: Actor, item_id: int) -> DevelopmentItem:
    item = DevelopmentItem.objects.filter(pk=item_id).only("pk", "plan_id").first()
    if item is None:
        raise Http404
    plan = plan_for_edit(user, item.plan_id)
    item = DevelopmentItem.objects.select_for_update().get(pk=item.pk)
    item.plan = plan
    return item


def group_for_edit(user: Actor, group_id: int) -> CompetencyGroup:
    require_framework_editor(user)
    group = CompetencyGroup.objects.select_related("framework__period").filter(pk=group_id).first()
    if group is None:
        raise Http404
    return group


def competency_for_edit(user: Actor, competency_id: int) -> Competency:
    require_framework_editor(user)
    competency = (
        Competency.objects.select_related("group__framework__period")
        .filter(pk=competency_id)
        .first()
    )
    if competency is None:
        raise Http404
    return competency
