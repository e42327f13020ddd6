"""What the certifications area tells people: its target type (a certificate, read by
the certificate rule — the holder, their manager chain, HR admins). The label names the
type, the holder (for the others) and the expiry date; a reader who may not read the
certificate sees "a certificate"."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.certifications import access
from cadence.notifications import kinds
from cadence.people.access import acting_person
from cadence.people.queries import full_name

CERTIFICATE_TARGET = "certifications.certificate"
# HR's digest of expired certificates points at the compliance view's expired rows, not
# at one object: its id is the day the digest counted to (``reminders.hr_digests``).
EXPIRED_VIEW_TARGET = "certifications.expired"


def _load_certificates(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    me = acting_person(reader)
    rows = (
        access.certificates_visible_to(reader)
        .filter(pk__in=ids)
        .values_list(
            "pk",
            "person_id",
            "type__name",
            "expires_on",
            "person__first_name",
            "person__last_name",
            "person__work_email",
        )
    )
    out = {}
    for pk, person_id, type_name, expires_on, first, last, email in rows:
        if me is not None and me.pk == person_id:
            label = type_name
            url = reverse("certifications:mine")
        else:
            label = _("%(type)s of %(person)s") % {
                "type": type_name,
                "person": full_name(first, last, email),
            }
            url = reverse("certifications:person", args=[person_id])
        if expires_on is not None:
            label += " " + _("(expiry date %(day)s)") % {"day": date_format(expires_on)}
        out[pk] = kinds.Target(label, url)
    return out


def _load_expired_view(reader: Actor, ids: list[int]) -> dict[int, kinds.Target]:
    if not access.can_view_compliance(reader):
        return {}
    url = reverse("certifications:compliance") + "?status=expired#rows"
    return {pk: kinds.Target(_("the compliance view"), url) for pk in ids}


def register() -> None:
    kinds.register_target(
        kinds.TargetType(key=CERTIFICATE_TARGET, load=_load_certificates, hidden=_("a certificate"))
    )
    kinds.register_target(
        kinds.TargetType(
            key=EXPIRED_VIEW_TARGET, load=_load_expired_view, hidden=_("the compliance view")
        )
    )
