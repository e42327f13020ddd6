"""What the people area tells people: its target type (a people import, for HR) and
its kinds (an import the background worker applied, or could not apply)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.core.templatetags.cadence_format import format_quantity
from cadence.notifications import kinds
from cadence.notifications.models import Channel
from cadence.people import access
from cadence.people.importing.plan import ImportSummary
from cadence.people.models import PeopleImport

IMPORT_APPLIED = "people.import_applied"
IMPORT_FAILED = "people.import_failed"


def _load_imports(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    if not access.can_manage_people(reader):
        return {}
    rows = PeopleImport.objects.filter(pk__in=ids).values_list("pk", "file_name")
    return {
        pk: kinds.Target(name, reverse("people:import_preview", args=[pk])) for pk, name in rows
    }


def summary_params(summary: ImportSummary | None, errors: int = 0) -> dict[str, object]:
    """An import's outcome as params: the counts as numbers (for the API) and, for the
    sentence, written as every page writes numbers ("1,250")."""
    counts = {
        "created": summary.created if summary else 0,
        "updated": summary.updated if summary else 0,
        "left": summary.deactivated if summary else 0,
        "unchanged": summary.unchanged if summary else 0,
        "errors": errors,
    }
    return {"counts": counts, **{k: format_quantity(v) for k, v in counts.items()}}


def register() -> None:
    kinds.register_target(
        kinds.TargetType(key="people.peopleimport", load=_load_imports, hidden=_("an import"))
    )
    group = _("People imports")
    kinds.register_kinds(
        [
            kinds.Kind(
                key=IMPORT_APPLIED,
                group=group,
                label=_("A people import I started is applied"),
                sentence=_(
                    "Your people import is applied ({target}): {created} people added, "
                    "{updated} updated, {left} marked as left, {unchanged} unchanged."
                ),
                default=Channel.EMAIL,
                audience=access.can_manage_people,
            ),
            kinds.Kind(
                key=IMPORT_FAILED,
                group=group,
                label=_("A people import I started could not be applied"),
                sentence=_(
                    "Your people import could not be applied ({target}); nothing was "
                    "changed. Problems found: {errors}."
                ),
                default=Channel.EMAIL,
                audience=access.can_manage_people,
            ),
        ]
    )
