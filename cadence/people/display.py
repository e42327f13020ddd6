"""How a person is named where they appear in passing — a goal's owner, a plan's
manager — to someone reading something else.

The rule (docs/access.md, "People who left"): a person who left keeps their goals and
their place in plans, and is named only to those who may still open their profile
(``access.can_view_person``: HR admins, executive viewers, their former manager chain).
Everyone else reads "Former employee", without a link: the name and the profile never
disagree about who is still there.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext as _

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.people import access
from cadence.people.models import Person


@dataclass(frozen=True)
class PersonShown:
    name: str
    person_id: int | None  # None when the reader may not know who it is
    url: str | None


def person_shown(user: Actor, person: Person) -> PersonShown:
    """``person`` as ``user`` may see them (no query: the actor is already loaded)."""
    if access.can_view_person(user, person):
        return PersonShown(person.full_name, person.pk, reverse("people:person", args=[person.pk]))
    return PersonShown(former_employee(), None, None)


def name_shown(user: Actor, who: Person | User | None) -> str:
    """Whoever acted or is named — a ``Person`` or a sign-in ``User`` (a plan's history,
    a check-in's author) — as ``user`` may see them: by ``person_shown``'s rule when they
    have a person record; an account without one (an HR admin made by hand, a service
    account) by its email, the only name it has; nobody (a system change) as ""."""
    if who is None:
        return ""
    person: Person | None
    if isinstance(who, Person):
        person = who
    else:
        try:
            person = who.person
        except ObjectDoesNotExist:
            person = None
        if person is None:
            return who.email or str(who)
    return person_shown(user, person).name


def former_employee() -> str:
    return _("Former employee")
