"""``{% recognition person %}``: the praise a person received, on their profile page.

The people app knows nothing of feedback: its profile template loads this library and
calls the tag, so the section comes and goes with the feedback app (docs/feedback.md).
The tag costs the profile no query: it draws a card that htmx fills from
``feedback:recognition`` once the page is there (a link to the same without script).
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cadence.people.models import Person

register = template.Library()


@register.simple_tag
def recognition(person: Person) -> SafeString:
    return SafeString(render_to_string("feedback/_recognition_slot.html", {"person_id": person.pk}))
