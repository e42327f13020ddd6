"""What the planning area tells people: its target type (a plan, read by the plan rule)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.notifications import kinds
from cadence.people.display import name_shown
from cadence.planning import access
from cadence.planning.models import PerformancePlan


def _load_plans(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    plans = PerformancePlan.objects.filter(pk__in=ids).select_related("person", "period")
    result = {}
    for plan in plans:
        if access.can_read_plan_of(reader, plan.person):
            label = _("the %(period)s plan of %(person)s") % {
                "period": plan.period.name,
                "person": name_shown(reader, plan.person),
            }
            result[plan.pk] = kinds.Target(label, reverse("planning:plan", args=[plan.pk]))
    return result


def register() -> None:
    kinds.register_target(
        kinds.TargetType(key="planning.performanceplan", load=_load_plans, hidden=_("a plan"))
    )
