"""Who may see, define and record certifications — the only place it is decided
(docs/certifications.md).

* Certification types (name, issuer, validity, who needs one): every member reads the
  active ones (what the company asks of whom is no secret); HR admins define and change
  them and also see the inactive ones.
* A certificate — its number, dates and document — is read by its holder, the holder's
  manager chain and HR admins. Not by executives, not by peers: a licence number and a
  scanned document are personal papers.
* Recording a certificate: the person for themself (while employed), HR admins for
  anyone. Removing one: the same.
* The compliance view and its exports: HR admins.

Refusals answer 404 where the actor may not know the object exists (a certificate, a
person out of reach) and 403 (``Refused``) with a sentence where they may see it but not
do this, or for a list or page that is not theirs to use.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.certifications.models import Certificate, CertificationType
from cadence.people.access import (
    Refused,
    acting_person,
    is_hr_admin,
    is_member,
    is_self_or_above,
    require_member,
    self_and_line_filter,
)
from cadence.people.models import Department, Person

__all__ = [
    "Refused",
    "can_manage_types",
    "can_read_certificates_of",
    "can_record_for",
    "can_view_compliance",
    "certificate_for_edit",
    "certificate_for_read",
    "certificates_visible_to",
    "person_for_certificates",
    "require_compliance_reader",
    "require_type_manager",
    "type_for_edit",
    "type_for_read",
    "type_for_record",
    "types_visible_to",
]


# --- types ------------------------------------------------------------------------------


def can_manage_types(user: Actor) -> bool:
    return is_hr_admin(user)


def require_type_manager(user: Actor) -> None:
    require_member(user)
    if not can_manage_types(user):
        raise Refused(_("Only HR admins can define certification types."))


def types_visible_to(user: Actor) -> QuerySet[CertificationType]:
    if not is_member(user):
        return CertificationType.objects.none()
    types = CertificationType.objects.all()
    return types if can_manage_types(user) else types.filter(active=True)


def type_for_read(user: Actor, type_id: int) -> CertificationType:
    found = types_visible_to(user).filter(pk=type_id).first()
    if found is None:
        raise Http404
    return found


def type_for_edit(user: Actor, type_id: int) -> CertificationType:
    require_type_manager(user)
    found = CertificationType.objects.select_for_update().filter(pk=type_id).first()
    if found is None:
        raise Http404
    return found


def recordable_types(user: Actor) -> QuerySet[CertificationType]:
    """The types offered when recording a certificate or filtering the compliance view."""
    return types_visible_to(user).filter(active=True).order_by("name")


def departments_for_rules(ids: set[int]) -> list[Department]:
    """The departments a type's rules name (every department is public, as in the
    directory); the caller compares the count with the ids it asked for."""
    return list(Department.objects.filter(pk__in=ids))


def type_for_record(user: Actor, type_id: int | None) -> CertificationType | None:
    """An active type a certificate may be recorded of; None for unknown or inactive."""
    if type_id is None:
        return None
    return types_visible_to(user).filter(pk=type_id, active=True).first()


# --- certificates -----------------------------------------------------------------------


def certificates_visible_to(user: Actor) -> QuerySet[Certificate]:
    """Certificates the user may read: their own and their line's; HR admins every one."""
    certificates = Certificate.objects.all()
    if not is_member(user):
        return certificates.none()
    if is_hr_admin(user):
        return certificates
    me = acting_person(user)
    if me is None:
        return certificates.none()
    return certificates.filter(self_and_line_filter(me, through="person__"))


def can_read_certificates_of(user: Actor, person: Person) -> bool:
    if is_hr_admin(user):
        return True
    me = acting_person(user)
    return me is not None and is_self_or_above(me, person)


def can_record_for(user: Actor, person: Person) -> bool:
    """The person themself (an acting person is always employed) or an HR admin, for
    someone still employed."""
    if not person.is_active:
        return False
    if is_hr_admin(user):
        return True
    me = acting_person(user)
    return me is not None and me.pk == person.pk


def _certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("type", "person", "person__department")


def certificate_for_read(user: Actor, certificate_id: int) -> Certificate:
    """A certificate the user may read (and download the document of); 404 otherwise."""
    found = _certificates().filter(pk=certificate_id).first()
    if found is None or not is_member(user) or not can_read_certificates_of(user, found.person):
        raise Http404
    return found


def certificate_for_edit(user: Actor, certificate_id: int) -> Certificate:
    """A certificate the user may remove: 404 when they may not read it, 403 when they
    may read it only (a manager)."""
    found = certificate_for_read(user, certificate_id)
    if not (is_hr_admin(user) or found.person_id == getattr(acting_person(user), "pk", None)):
        raise Refused(_("Only the holder and HR admins can change a certificate."))
    return found


def person_for_certificates(user: Actor, person_id: int) -> Person:
    """The person whose certificates the user wants to see: themself, someone in their
    line, anyone for HR admins (people who left included); 404 for everyone else —
    whether a colleague holds a licence is theirs to say."""
    require_member(user)
    person = (
        Person.objects.select_related("department", "manager", "user").filter(pk=person_id).first()
    )
    if person is None or not can_read_certificates_of(user, person):
        raise Http404
    return person


def people_for_recording(user: Actor) -> QuerySet[Person]:
    """Whom the user may record certificates for (the API's and the form's lookup)."""
    people = Person.objects.filter(status=Person.Status.ACTIVE)
    if is_hr_admin(user):
        return people
    me = acting_person(user)
    return people.filter(pk=me.pk) if me is not None else people.none()


# --- compliance -------------------------------------------------------------------------


def can_view_compliance(user: Actor) -> bool:
    return is_hr_admin(user)


def require_compliance_reader(user: Actor) -> None:
    require_member(user)
    if not can_view_compliance(user):
        raise Refused(_("Only HR admins can see the certification compliance view."))


def readers_filter(user: Actor) -> Q | None:
    """``can_read_certificates_of`` as a filter on people; None for everyone."""
    if is_hr_admin(user):
        return None
    me = acting_person(user)
    return Q(pk__in=[]) if me is None else self_and_line_filter(me)
