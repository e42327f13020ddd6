"""What the development area tells people, and its target type: a development item,
read by the development rule (the person, their manager chain, HR). The item's words
are its label, shown only to a reader who may read the item; nothing private goes into
a notification's params."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.notifications import kinds
from cadence.notifications.models import Channel

ITEM_ADDED = "development.item_added"
ITEM_OVERDUE = "development.item_overdue"
TARGET_TYPE = "development.developmentitem"


def _load_items(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    from cadence.development import access

    rows = (
        access.items_visible_to(reader)
        .filter(pk__in=ids)
        .values_list("pk", "person_id", "skill", "competency__name")
    )
    return {
        pk: kinds.Target(skill or competency or "", item_url(person_id, pk))
        for pk, person_id, skill, competency in rows
    }


def item_url(person_id: int, item_id: int) -> str:
    return reverse("development:item", args=[item_id])


def register() -> None:
    kinds.register_target(
        kinds.TargetType(key=TARGET_TYPE, load=_load_items, hidden=_("a development item"))
    )
    group = str(_("Development"))
    kinds.register_kinds(
        [
            kinds.Kind(
                key=ITEM_ADDED,
                group=group,
                label=str(_("My manager adds an item to my development plan")),
                sentence=str(_("{actor} added {target} to your development plan.")),
            ),
            kinds.Kind(
                key=ITEM_OVERDUE,
                group=group,
                label=str(_("A development item of mine or that I own is overdue")),
                sentence=str(_("{target} in a development plan is past its due date.")),
                default=Channel.EMAIL,
            ),
        ]
    )
