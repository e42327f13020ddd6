"""What the planning area tells people: its target type (a plan, read by the plan rule)
and its kinds (a plan proposed, signed, agreed, reopened by a change).

Who is told is decided here (``plan_sides``, ``other_side``), so that every plan
service tells the same people: the two sides of a plan are the person and their
manager — the manager recorded on the plan while they may still read it, else the
person's manager now (the recorded one moved away or left)."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.notifications import kinds
from cadence.notifications.models import Channel
from cadence.people.access import acting_person
from cadence.people.display import name_shown
from cadence.people.models import Person
from cadence.planning import access
from cadence.planning.models import PerformancePlan

PROPOSED = "plan.proposed"
SIGNED = "plan.signed"
AGREED = "plan.agreed"
REOPENED = "plan.reopened"


def _load_plans(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    plans = PerformancePlan.objects.filter(pk__in=ids).select_related("person", "period")
    me = acting_person(reader)
    result = {}
    for plan in plans:
        if access.can_read_plan_of(reader, plan.person):
            if me is not None and me.pk == plan.person_id:
                label = _("your %(period)s plan") % {"period": plan.period.name}
            else:
                label = _("the %(period)s plan of %(person)s") % {
                    "period": plan.period.name,
                    "person": name_shown(reader, plan.person),
                }
            result[plan.pk] = kinds.Target(label, reverse("planning:plan", args=[plan.pk]))
    return result


def _may_read(person: Person | None, plan: PerformancePlan) -> bool:
    return (
        person is not None
        and person.status == Person.Status.ACTIVE
        and person.user is not None
        and access.can_read_plan_of(person.user, plan.person)
    )


def plan_readers(plan: PerformancePlan, people: Iterable[Person | None]) -> list[Person]:
    """``people`` who may read the plan now: a notification never goes to someone who
    could not open what it is about."""
    return [p for p in people if p is not None and _may_read(p, plan)]


def plan_sides(plan: PerformancePlan) -> tuple[Person, Person | None]:
    """(the person, the manager side) of the plan. A few queries: plans are signed by
    hand, one at a time."""
    manager = plan.manager
    if not _may_read(manager, plan):
        manager = plan.person.manager
    return plan.person, manager


def other_side(actor: Actor | None, plan: PerformancePlan) -> list[Person]:
    """Who hears of what ``actor`` did to the plan: the employee's act goes to the
    manager side, a manager's (the plan's manager or anyone above) to the employee, and
    anyone else's (an HR admin proposing it) to both. Only those who may read it."""
    employee, manager = plan_sides(plan)
    if access.can_sign_as_employee(actor, plan):
        told: list[Person | None] = [manager]
    elif access.can_sign_as_manager(actor, plan):
        told = [employee]
    else:
        told = [employee, manager]
    return plan_readers(plan, told)


def both_sides(plan: PerformancePlan) -> list[Person]:
    return plan_readers(plan, plan_sides(plan))


def register() -> None:
    kinds.register_target(
        kinds.TargetType(key="planning.performanceplan", load=_load_plans, hidden=_("a plan"))
    )
    group = _("Plans")
    kinds.register_kinds(
        [
            kinds.Kind(
                key=PROPOSED,
                group=group,
                label=_("A plan I take part in is proposed for signing"),
                sentence=_("{actor} proposed {target} for signing."),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=SIGNED,
                group=group,
                label=_("The other side signed a plan I take part in"),
                sentence=_("{actor} signed {target}; it now needs your signature."),
                default=Channel.EMAIL,
            ),
            kinds.Kind(
                key=AGREED,
                group=group,
                label=_("A plan I take part in is agreed"),
                sentence=_("{target} is agreed: {actor} signed it last."),
            ),
            kinds.Kind(
                key=REOPENED,
                group=group,
                label=_("An agreed plan I take part in was reopened by a change"),
                sentence=_(
                    "{actor} changed {target} after it was agreed: it needs both signatures again."
                ),
                default=Channel.EMAIL,
                # Both sides must know their agreement no longer holds.
                mandatory=True,
            ),
        ]
    )
