"""Who may see and change development plans and career aspirations — the only place
it is decided (docs/development.md).

Reading a person's development items and career aspiration: the person, their whole
manager chain and HR admins. Nobody else — not executive viewers, not peers: what
someone wants to grow and where they want to go is between them, their managers and
HR. A person who left keeps their items; they are read by HR and the manager chain
they had.

Changing items and their actions: the person and their manager chain, while the
person is active. HR reads all but changes none (unless in the chain).
Writing the career aspiration: the person only (their own words); the chain and HR
read it.

The team view: people with active reports (their line). The competency coverage:
HR admins.

Refusals answer 404 where the actor may not know of the object (someone else's item,
a person whose plan they may not read) and 403 (``Refused``) with a sentence where
they may read it but not do this, or for a page they may not use.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.development.models import CareerAspiration, DevelopmentAction, DevelopmentItem
from cadence.people.access import (
    Refused,
    acting_person,
    has_reports,
    is_hr_admin,
    is_member,
    is_self_or_above,
    require_member,
    self_and_line_filter,
)
from cadence.people.models import Person

__all__ = [
    "Refused",
    "action_for_edit",
    "can_edit_person",
    "can_read_person",
    "can_view_coverage",
    "can_view_team",
    "can_write_aspiration",
    "item_for_edit",
    "item_for_read",
    "items_visible_to",
    "owner_candidates",
    "people_readable_filter",
    "person_for_edit",
    "person_for_read",
    "require_coverage_viewer",
    "require_team_viewer",
]


# --- people ----------------------------------------------------------------------------


def people_readable_filter(user: Actor, *, through: str = "") -> Q | None:
    """Whose development the user may read, as a filter on people (or on rows pointing
    at a person ``through`` a relation, e.g. ``"person__"``); None for everyone (HR).
    Nobody's for outsiders."""
    if not is_member(user):
        return Q(pk__in=[])
    if is_hr_admin(user):
        return None
    me = acting_person(user)
    if me is None:
        return Q(pk__in=[])
    return self_and_line_filter(me, through=through)


def can_read_person(user: Actor, person: Person) -> bool:
    if not is_member(user):
        return False
    if is_hr_admin(user):
        return True
    me = acting_person(user)
    return me is not None and is_self_or_above(me, person)


def can_edit_person(user: Actor, person: Person) -> bool:
    """Add and change items: the person and their manager chain, while they are here."""
    if not person.is_active:
        return False
    me = acting_person(user)
    return me is not None and is_self_or_above(me, person)


def can_write_aspiration(user: Actor, person: Person) -> bool:
    me = acting_person(user)
    return me is not None and person.is_active and me.pk == person.pk


def _person(person_id: int) -> Person | None:
    return Person.objects.select_related("department", "manager").filter(pk=person_id).first()


def person_for_read(user: Actor, person_id: int) -> Person:
    """The person whose development the user wants to read: 404 when they may not."""
    person = _person(person_id)
    if person is None or not can_read_person(user, person):
        raise Http404
    return person


def person_for_edit(user: Actor, person_id: int) -> Person:
    """The person an item is added for: 404 when unreadable, 403 when read-only."""
    person = person_for_read(user, person_id)
    if not can_edit_person(user, person):
        raise Refused(
            _("Only %(person)s and their managers can change their development plan.")
            % {"person": person.full_name}
            if person.is_active
            else _("This person has left: their development plan is kept as it was.")
        )
    return person


def owner_candidates(person: Person) -> QuerySet[Person]:
    """Who may own an item of ``person``: the person and their active manager chain."""
    chain = [int(pk) for pk in person.reporting_path.strip("/").split("/") if pk]
    return Person.objects.filter(pk__in={person.pk, *chain}, status=Person.Status.ACTIVE)


# --- items -----------------------------------------------------------------------------


def items_visible_to(user: Actor) -> QuerySet[DevelopmentItem]:
    readable = people_readable_filter(user, through="person__")
    items = DevelopmentItem.objects.all()
    return items if readable is None else items.filter(readable)


def _items() -> QuerySet[DevelopmentItem]:
    return DevelopmentItem.objects.select_related(
        "person", "person__department", "owner", "competency", "competency__group"
    )


def item_for_read(user: Actor, item_id: int) -> DevelopmentItem:
    item = _items().filter(pk=item_id).first()
    if item is None or not can_read_person(user, item.person):
        raise Http404
    return item


def item_for_edit(user: Actor, item_id: int) -> DevelopmentItem:
    """The item, locked for the rest of the transaction, when the user may change it."""
    item = item_for_read(user, item_id)
    person_for_edit(user, item.person_id)
    locked = _items().select_for_update(of=("self",)).filter(pk=item.pk).first()
    if locked is None:
        raise Http404
    return locked


def action_for_edit(user: Actor, action_id: int) -> DevelopmentAction:
    action = DevelopmentAction.objects.filter(pk=action_id).only("pk", "item_id").first()
    if action is None:
        raise Http404
    item = item_for_edit(user, action.item_id)
    locked = DevelopmentAction.objects.select_for_update().filter(pk=action.pk).first()
    if locked is None:
        raise Http404
    locked.item = item
    return locked


def aspiration_of(person: Person) -> CareerAspiration | None:
    """The person's aspiration (the caller has checked ``can_read_person``)."""
    return CareerAspiration.objects.filter(person=person).first()


# --- the team and coverage pages ------------------------------------------------------


def can_view_team(user: Actor) -> bool:
    me = acting_person(user)
    return me is not None and has_reports(me)


def require_team_viewer(user: Actor) -> Person:
    require_member(user)
    me = acting_person(user)
    if me is None or not has_reports(me):
        raise Refused(_("The team's development is for managers of a team."))
    return me


def can_view_coverage(user: Actor) -> bool:
    return is_hr_admin(user)


def require_coverage_viewer(user: Actor) -> None:
    require_member(user)
    if not is_hr_admin(user):
        raise Refused(_("The organisation's competency coverage is for HR admins."))
