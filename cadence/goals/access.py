"""Who may see and do what with goals, key results and check-ins — the only place it
is decided (docs/goals.md, "Who sees and edits what").

Reading
* Public goals: every member of the organisation (employees, HR admins, executives).
* Private person goals: the owner, their whole manager chain and HR admins.
* Private team goals: HR admins, the people of that department (sub-departments
  included) and those who may edit the department's goals (below).
* Private company goals: HR admins and executive viewers.

Editing (title, key results, alignment, state) and checking in
* Person goals: the owner, their manager chain and HR admins.
* Team goals: HR admins and the department's managers — anyone with reports whose own
  department it is — together with those managers' manager chain.
* Company goals: HR admins. Executive viewers read everything public but change nothing.
* Nothing in a closed period: its goals, key results and check-ins are read-only.
* Check-ins: those who may edit the goal, while it is active.

Approving a proposed person goal: the owner's manager chain and HR admins, never the
owner themselves.

Refusals answer 404 where the actor may not know the goal exists and 403 (``Refused``)
with a sentence saying why where they may see it.
"""

from typing import Any

from django.db.models import Q, QuerySet, Value
from django.http import Http404
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.goals.models import Goal, KeyResult, Transition
from cadence.goals.rollup import lock_chain
from cadence.people.access import (
    Refused,
    acting_person,
    cached_per_request,
    department_for_read,
    department_names,
    department_with_parents,
    is_executive,
    is_hr_admin,
    is_in_line_of,
    is_member,
    is_self_or_above,
    person_for_read,
    self_and_line_filter,
)
from cadence.people.models import Department, Person
from cadence.planning.models import PerformancePeriod

__all__ = [
    "Refused",
    "alignment_candidates",
    "can_approve_goal",
    "can_check_in",
    "can_create_goal",
    "can_edit_goal",
    "goal_for_approval",
    "goal_for_edit",
    "goal_for_read",
    "goal_owner_for_create",
    "goals_visible_to",
    "key_result_for_read",
    "public_goals_visible_to",
]


# --- the departments a person belongs to and manages ---------------------------------


@cached_per_request
def _departments(user: Actor) -> tuple[set[int], set[int]]:
    """(the departments the acting person belongs to, those whose team goals they may
    edit), in one query: every goal list of every signed-in request asks for both,
    and as two queries they were ~2 ms of an API page."""
    me = acting_person(user)
    if me is None:
        return set(), set()
    managed = (
        Person.objects.filter(
            self_and_line_filter(me),
            status=Person.Status.ACTIVE,
            department__isnull=False,
            direct_reports__status=Person.Status.ACTIVE,
        )
        # Without it Person's default ordering (by name) joins the DISTINCT and
        # SQLite walks the whole directory index: ~65 ms at 100,000 people.
        .order_by()
        .annotate(managed=Value(True))
        .values_list("department_id", "managed")
    )
    if me.department is not None:
        # A member of Engineering/Platform is a member of Engineering: the shared rule.
        member = (
            Department.objects.filter(full_name__in=department_names(me.department))
            .order_by()
            .annotate(managed=Value(False))
            .values_list("pk", "managed")
        )
        # UNION, not UNION ALL: it also drops a department listed twice.
        rows = list(member.union(managed).order_by())
    else:
        rows = list(managed.distinct())
    return (
        {pk for pk, is_managed in rows if not is_managed},
        {pk for pk, is_managed in rows if is_managed},
    )


def member_department_ids(user: Actor) -> set[int]:
    """The acting person's department and every department above it (people.access's
    ``own_department_ids``)."""
    return _departments(user)[0]


def managed_department_ids(user: Actor) -> set[int]:
    """Departments whose team goals the acting person may edit: the departments of the
    managers at or below them in the manager chain (anyone with active reports)."""
    return _departments(user)[1]


# --- reading --------------------------------------------------------------------------


def goals_visible_to(user: Actor) -> QuerySet[Goal]:
    """Goals the user may read. Unknown or outside users get an empty set."""
    if not is_member(user):
        return Goal.objects.none()
    goals = Goal.objects.all()
    if is_hr_admin(user):
        return goals
    visible = Q(visibility=Goal.Visibility.PUBLIC)
    if is_executive(user):
        visible |= Q(owner_type=Goal.Owner.COMPANY)
    me = acting_person(user)
    if me is not None:
        visible |= Q(owner_type=Goal.Owner.PERSON) & self_and_line_filter(
            me, through="owner_person__"
        )
        departments = member_department_ids(user) | managed_department_ids(user)
        if departments:
            visible |= Q(owner_type=Goal.Owner.TEAM, owner_department_id__in=departments)
    return goals.filter(visible)


def person_goals_visible_to(user: Actor, person: Person) -> QuerySet[Goal]:
    """The goals ``person`` owns that the user may read: ``goals_visible_to`` narrowed
    to one owner. Said for that owner alone, the rule needs no department sets — which
    for a reader at the top of a large organisation cost more than the page (the
    review form's evidence asks this of every writer)."""
    if not is_member(user):
        return Goal.objects.none()
    # owner_person alone says "a person goal" (the model's check constraint): naming
    # owner_type too would lead SQLite to the (period, owner_type) index — every person
    # goal of the period — instead of (owner_person, period).
    goals = Goal.objects.filter(owner_person=person)
    if is_hr_admin(user):
        return goals
    me = acting_person(user)
    if me is not None and is_self_or_above(me, person):
        return goals
    return goals.filter(visibility=Goal.Visibility.PUBLIC)


def public_goals_visible_to(user: Actor) -> QuerySet[Goal]:
    """``goals_visible_to(user)``'s public goals, which are every public goal for a
    member: the alignment tree's reads need none of the private-goal conditions (a
    join of the owner per goal and per child counted, for nothing)."""
    if not is_member(user):
        return Goal.objects.none()
    return Goal.objects.filter(visibility=Goal.Visibility.PUBLIC)


def can_read_goal(user: Actor, goal: Goal) -> bool:
    if not is_member(user):
        return False
    if goal.visibility == Goal.Visibility.PUBLIC or is_hr_admin(user):
        return True
    if goal.owner_type == Goal.Owner.COMPANY:
        return is_executive(user)
    me = acting_person(user)
    if me is None:
        return False
    if goal.owner_type == Goal.Owner.PERSON:
        return goal.owner_person is not None and is_self_or_above(me, goal.owner_person)
    return goal.owner_department_id in (member_department_ids(user) | managed_department_ids(user))


def _goals_with_owner() -> QuerySet[Goal]:
    return Goal.objects.select_related("period", "owner_person", "owner_department", "parent")


def goal_for_read(user: Actor, goal_id: int) -> Goal:
    goal = _goals_with_owner().filter(pk=goal_id).first()
    if goal is None or not can_read_goal(user, goal):
        raise Http404
    return goal


def key_result_for_read(user: Actor, key_result_id: int) -> KeyResult:
    """A key result whose goal the user may read; 404 otherwise (an unknown key result
    and one of a hidden goal answer alike)."""
    goal_id = KeyResult.objects.filter(pk=key_result_id).values_list("goal_id", flat=True).first()
    if goal_id is None:
        raise Http404
    goal = goal_for_read(user, goal_id)
    key_result = KeyResult.objects.filter(pk=key_result_id).first()
    if key_result is None:  # deleted meanwhile
        raise Http404
    key_result.goal = goal
    return key_result


def goal_for_approval(user: Actor, goal_id: int) -> Goal:
    """A goal the user may approve or return to draft: 404 when they may not see it,
    403 when they may read it but the decision is not theirs (the owner, a colleague).
    Whether it is awaiting approval is the service's rule."""
    goal = goal_for_read(user, goal_id)
    if not can_approve_goal(user, goal):
        raise Refused(_("Only the owner's manager can approve or return this goal."))
    return goal


# --- editing --------------------------------------------------------------------------


def _may_change(user: Actor, goal: Goal) -> bool:
    """The edit rule without the closed-period check."""
    if not is_member(user):
        return False
    if is_hr_admin(user):
        return True
    me = acting_person(user)
    if me is None:
        return False
    if goal.owner_type == Goal.Owner.PERSON:
        return goal.owner_person is not None and is_self_or_above(me, goal.owner_person)
    if goal.owner_type == Goal.Owner.TEAM:
        return goal.owner_department_id in managed_department_ids(user)
    return False


def can_edit_goal(user: Actor, goal: Goal) -> bool:
    return not goal.period.is_closed and _may_change(user, goal)


def can_check_in(user: Actor, key_result: KeyResult) -> bool:
    goal = key_result.goal
    return goal.state == Goal.State.ACTIVE and can_edit_goal(user, goal)


def can_approve_goal(user: Actor, goal: Goal) -> bool:
    """Who may approve (or return to draft) the goal a person proposed."""
    if goal.period.is_closed or not is_member(user):
        return False
    if goal.owner_type != Goal.Owner.PERSON:
        return is_hr_admin(user)
    me = acting_person(user)
    if me is not None and me.pk == goal.owner_person_id:
        return False
    if is_hr_admin(user):
        return True
    owner = goal.owner_person
    return me is not None and owner is not None and is_in_line_of(me, owner)


def can_make_transition(user: Actor, goal: Goal, transition: Transition) -> bool:
    """May the user make this move of the state machine (``models.TRANSITIONS``)?
    Approving and returning: ``can_approve_goal``; every other move: the editors."""
    if transition.by == "approver":
        return can_approve_goal(user, goal)
    return can_edit_goal(user, goal)


def transitions_for(user: Actor, goal: Goal) -> list[Transition]:
    """The moves the user may make on the goal now: the goal page's buttons."""
    return [t for t in goal.transitions() if can_make_transition(user, goal, t)]


def require_transition(user: Actor, goal: Goal, state: str) -> None:
    """Refuse (403) a move to ``state`` the user may not make; a move the state machine
    does not have is left to the service, which says why."""
    transition = goal.transition_to(state)
    if transition is not None and not can_make_transition(user, goal, transition):
        raise Refused(_("Only the owner's manager can approve or return this goal."))


def can_create_goal(
    user: Actor,
    *,
    period: PerformancePeriod,
    owner_type: str,
    owner_person: Person | None = None,
    owner_department: Department | None = None,
) -> bool:
    """May the user create a goal for this owner in this period?"""
    if period.is_closed:
        return False
    probe = Goal(
        period=period,
        owner_type=owner_type,
        owner_person=owner_person,
        owner_department=owner_department,
    )
    if owner_type == Goal.Owner.PERSON and owner_person is None:
        return False
    if owner_type == Goal.Owner.TEAM and owner_department is None:
        return False
    return _may_change(user, probe)


def goal_for_edit(user: Actor, goal_id: int, *, new_parent_id: Any = None) -> Goal:
    """The goal, locked for the rest of the transaction, when the user may change it:
    404 when they may not see it, 403 with the reason when they may see it but not
    change it.

    ``new_parent_id`` (raw, from the request; validated later by the form) when the
    request may re-align the goal: the new parent's chain is locked in the same
    ordered statement, so that two re-alignments in opposite directions queue instead
    of deadlocking."""
    goal = goal_for_read(user, goal_id)
    if not _may_change(user, goal):
        raise Refused(_("You may read this goal but not change it."))
    if goal.period.is_closed:
        raise Refused(
            _("The period %(period)s is closed: its goals are read-only.")
            % {"period": goal.period.name}
        )
    # Lock the goal — with its ancestors, root first, the order every roll-up locks in —
    # so that two edits (or an edit and a roll-up) do not interleave or deadlock.
    lock_chain(goal.alignment_path, _alignment_path_of(new_parent_id))
    locked = _goals_with_owner().filter(pk=goal.pk).first()
    if locked is None:  # deleted meanwhile
        raise Http404
    return locked


def _alignment_path_of(goal_id: Any) -> str:
    try:
        pk = int(goal_id)
    except (TypeError, ValueError):
        return ""
    path = Goal.objects.filter(pk=pk).values_list("alignment_path", flat=True).first()
    return path or ""


def key_result_for_edit(user: Actor, key_result_id: int) -> KeyResult:
    """A key result whose goal the user may change (see ``goal_for_edit``)."""
    goal_id = KeyResult.objects.filter(pk=key_result_id).values_list("goal_id", flat=True).first()
    if goal_id is None:
        raise Http404
    goal = goal_for_edit(user, goal_id)
    key_result = KeyResult.objects.select_for_update().filter(pk=key_result_id).first()
    if key_result is None:
        raise Http404
    key_result.goal = goal
    return key_result


def key_result_for_check_in(user: Actor, key_result_id: int) -> KeyResult:
    """A key result the user may check in on: 404 when its goal is hidden from them,
    403 with the reason otherwise."""
    key_result = KeyResult.objects.filter(pk=key_result_id).first()
    if key_result is None:
        raise Http404
    key_result.goal = goal_for_read(user, key_result.goal_id)
    if not _may_change(user, key_result.goal):
        raise Refused(_("Only the goal's owner, their managers and HR can check in on it."))
    if key_result.goal.period.is_closed:
        raise Refused(
            _("The period %(period)s is closed: check-ins are no longer possible.")
            % {"period": key_result.goal.period.name}
        )
    if key_result.goal.state != Goal.State.ACTIVE:
        raise Refused(_("Check-ins are possible on active goals only."))
    return key_result


# --- what the goal forms offer ---------------------------------------------------------

ALIGN_CHOICES_LIMIT = 200


def alignment_candidates(
    user: Actor, period: PerformancePeriod, *, exclude: Goal | None = None
) -> QuerySet[Goal]:
    """Goals the user may align a goal of ``period`` to: public company goals, team
    goals of their department and those above it, and their manager's goals — in this
    period or the period it sits in. Anyone else (an outsider, an account without a
    person for the team and manager parts) is offered less or nothing."""
    periods = [period.pk] + ([period.parent_id] if period.parent_id else [])
    # Public goals only: alignment is visible to everyone, so the tree never holds a
    # private goal (and a private goal cannot be aligned).
    goals = (
        public_goals_visible_to(user)
        .filter(period__in=periods)
        .exclude(state__in=[Goal.State.CANCELLED, Goal.State.COMPLETED])
    )
    if exclude is not None:
        # Not itself, nor anything below it: alignment stays a tree.
        goals = goals.exclude(pk=exclude.pk).exclude(
            alignment_path__startswith=exclude.alignment_path or "-"
        )
    me = acting_person(user)
    # Separate lookups, each on its own index, rather than one OR that SQLite would
    # answer by reading every goal of the period.
    ids = list(
        goals.filter(owner_type=Goal.Owner.COMPANY)
        .order_by()
        .values_list("pk", flat=True)[:ALIGN_CHOICES_LIMIT]
    )
    if me is not None and me.department is not None:
        departments = list(department_with_parents(me.department))
        ids += (
            goals.filter(owner_type=Goal.Owner.TEAM, owner_department__in=departments)
            .order_by()
            .values_list("pk", flat=True)[:ALIGN_CHOICES_LIMIT]
        )
    if me is not None and me.manager_id:
        ids += (
            goals.filter(owner_person_id=me.manager_id)
            .order_by()
            .values_list("pk", flat=True)[:ALIGN_CHOICES_LIMIT]
        )
    # Unsliced, so that the form field can look the chosen goal up in it; the ids are
    # the user's visible goals chosen above, so reading them again hides nothing.
    return Goal.objects.filter(pk__in=ids).order_by("owner_type", "title", "id")


def goal_owner_for_create(user: Actor, choice: str) -> dict[str, Any]:
    """The owner fields (``owner_type``, ``owner_person``, ``owner_department``) of a
    goal-create form's ``owner`` choice ("me", "person:<id>", "team:<id>", "company").

    The person and the team are read through people.access, so a choice naming
    someone the user may not see is a 404, never the row; whether the user may create
    a goal for that owner is ``can_create_goal``'s to say afterwards."""
    kind, _sep, pk = choice.partition(":")
    if kind == "me":
        return {"owner_type": Goal.Owner.PERSON, "owner_person": acting_person(user)}
    if kind == "person":
        return {"owner_type": Goal.Owner.PERSON, "owner_person": _owner_person(user, pk)}
    if kind == "team":
        return {"owner_type": Goal.Owner.TEAM, "owner_department": _owner_department(user, pk)}
    return {"owner_type": Goal.Owner.COMPANY}


def _owner_person(user: Actor, pk: str) -> Person:
    try:
        return person_for_read(user, int(pk))
    except ValueError:
        raise Http404 from None


def _owner_department(user: Actor, pk: str) -> Department:
    try:
        return department_for_read(user, int(pk))
    except ValueError:
        raise Http404 from None
