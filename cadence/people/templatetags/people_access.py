"""The access rules templates need about people shown in passing (a card's manager)."""

from django import template

from cadence.accounts.types import Actor
from cadence.people import access
from cadence.people.models import Person

register = template.Library()


@register.filter
def visible_to(person: Person | None, user: Actor) -> bool:
    """``{% if p.manager|visible_to:user %}``: no query, the actor is already loaded."""
    return person is not None and access.can_view_person(user, person)
