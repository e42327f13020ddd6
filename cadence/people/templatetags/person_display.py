"""``{% person_link person %}``: a person named in passing, by ``people.display``."""

from typing import Any

from django import template
from django.utils.html import format_html

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.people.display import name_shown, person_shown
from cadence.people.models import Person

register = template.Library()


@register.simple_tag(takes_context=True)
def person_link(context: Any, person: Person | None) -> str:
    """The person's name linked to their profile, or "Former employee" unlinked for a
    reader who may not open the profile of someone who left."""
    if person is None:
        return ""
    shown = person_shown(context["request"].user, person)
    if shown.url is None:
        return format_html('<span class="former-employee">{}</span>', shown.name)
    return format_html('<a href="{}">{}</a>', shown.url, shown.name)


@register.simple_tag(takes_context=True)
def person_shown_name(context: Any, person: Person | None) -> str:
    """The name alone (headings, sentences): the same rule as ``person_link``."""
    if person is None:
        return ""
    return person_shown(context["request"].user, person).name


@register.filter
def name_for(who: Person | User | None, reader: Actor) -> str:
    """``{{ event.actor|name_for:request.user }}``: whoever acted (a ``Person`` or a sign-in
    ``User``: a plan's history, a check-in's author) named as ``reader`` may see them."""
    return name_shown(reader, who)
