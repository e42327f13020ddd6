"""What the KPI area tells people: its target type (a KPI, read by the KPI rule)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.kpis import access
from cadence.notifications import kinds


def _load_kpis(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    rows = access.kpis_visible_to(reader).filter(pk__in=ids).values_list("pk", "name")
    return {pk: kinds.Target(name, reverse("kpis:kpi", args=[pk])) for pk, name in rows}


def register() -> None:
    kinds.register_target(kinds.TargetType(key="kpis.kpi", load=_load_kpis, hidden=_("a KPI")))
