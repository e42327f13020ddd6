"""Reads of the audit trail, shared by the audit log page and the person history link."""

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cadence.core.models import AuditEvent

if TYPE_CHECKING:
    # Only named for the type: core is below the areas and imports none of them.
    from cadence.people.models import Person

# Areas of the product, by the prefixes of the actions their services record.
AREAS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "people": (_("People and roles"), ("person.", "people.", "user.", "attribute.")),
    "plans": (_("Plans, periods and competencies"), ("plan.", "period.", "framework.")),
    "goals": (_("Goals and key results"), ("goal.", "goals.", "key_result.")),
    "kpis": (_("KPIs"), ("kpi.",)),
    "accounts": (_("API tokens"), ("api_token.",)),
}


def audit_events(
    *, area: str = "", q: str = "", person: "Person | None" = None
) -> QuerySet[AuditEvent]:
    """Newest first. ``q`` matches words of the summary or the actor's name or email
    (the page shows people by name, so that is what readers type); ``person``
    keeps the changes to that person's record and to their account's roles."""
    events = AuditEvent.objects.select_related("actor__person").order_by("-at", "-id")
    if area in AREAS:
        prefixes = Q()
        for prefix in AREAS[area][1]:
            prefixes |= Q(action__startswith=prefix)
        events = events.filter(prefixes)
    for term in q.split()[:5]:
        events = events.filter(
            Q(summary__icontains=term)
            | Q(actor__email__icontains=term)
            | Q(actor__person__search_text__contains=term.lower())
        )
    if person is not None:
        about = Q(target_type="people.person", target_id=str(person.pk))
        if person.user_id:
            about |= Q(target_type="accounts.user", target_id=str(person.user_id))
        events = events.filter(about)
    return events
