"""What the goals area tells people: its target type (a goal, read by the goals rule)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadence.accounts.types import Actor
from cadence.goals import access
from cadence.notifications import kinds


def _load_goals(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    rows = access.goals_visible_to(reader).filter(pk__in=ids).values_list("pk", "title")
    return {pk: kinds.Target(title, reverse("goals:goal", args=[pk])) for pk, title in rows}


def register() -> None:
    kinds.register_target(
        kinds.TargetType(key="goals.goal", load=_load_goals, hidden=str(_("a private goal")))
    )
