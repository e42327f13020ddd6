"""What the people area tells people: its target type (a people import, for HR)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.notifications import kinds
from cadence.people import access
from cadence.people.models import PeopleImport


def _load_imports(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    if not access.can_manage_people(reader):
        return {}
    rows = PeopleImport.objects.filter(pk__in=ids).values_list("pk", "file_name")
    return {
        pk: kinds.Target(name, reverse("people:import_preview", args=[pk])) for pk, name in rows
    }


def register() -> None:
    kinds.register_target(
        kinds.TargetType(key="people.peopleimport", load=_load_imports, hidden=_("an import"))
    )
