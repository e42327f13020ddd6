"""Every write to certification types and certificates (docs/certifications.md).

Access is checked by the caller through ``cadence.certifications.access``. A document is
checked by content (``documents.check``) and saved through Django's storage API under a
random name (``models.document_path``); if the transaction — this service's or a caller's
around it — does not commit, the file is removed (``documents.save_with_transaction``).
A write that moves HR's compliance figures says so (``figures.figures_changed``).
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.types import Actor
from cadence.certifications import documents
from cadence.certifications.figures import figures_changed
from cadence.certifications.models import Certificate, CertificationType, default_reminder_days
from cadence.core.audit import audit
from cadence.people.models import Department, Person

MAX_REMINDER_DAYS = 366
MAX_VALIDITY_MONTHS = 600


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_expiry(type_: CertificationType, issued_on: datetime.date) -> datetime.date | None:
    if type_.validity_months is None:
        return None
    return add_months(issued_on, type_.validity_months)


# --- types ------------------------------------------------------------------------------


@dataclass
class TypeData:
    name: str
    issuer: str = ""
    validity_months: int | None = None
    reminder_days: list[int] | None = None
    required_everyone: bool = False
    required_departments: Iterable[Department] = ()
    required_locations: Iterable[str] = ()
    required_job_titles: Iterable[str] = ()
    required_levels: Iterable[str] = ()
    active: bool = True


def _clean_words(values: Iterable[str]) -> list[str]:
    """Distinct, trimmed, in the order given (case-insensitively distinct)."""
    seen: set[str] = set()
    out = []
    for value in values:
        text = value.strip()[:200]
        if text and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return out


def _apply(type_: CertificationType, data: TypeData) -> None:
    errors: dict[str, list[str]] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = [_("Name: enter a name.")]
    elif len(name) > 200:
        errors["name"] = [_("Name: at most 200 characters.")]
    elif CertificationType.objects.filter(name__iexact=name).exclude(pk=type_.pk).exists():
        errors["name"] = [_("Name: another certification type already has this name.")]
    months = data.validity_months
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        errors["validity_months"] = [
            _("Valid for: between 1 and %(n)d months, or empty for no expiry.")
            % {"n": MAX_VALIDITY_MONTHS}
        ]
    # None: the usual 90, 30 and 7 days; an empty list: no reminders.
    wanted = default_reminder_days() if data.reminder_days is None else data.reminder_days
    days = sorted(set(wanted), reverse=True)
    if any(not 1 <= d <= MAX_REMINDER_DAYS for d in days):
        errors["reminder_days"] = [
            _("Reminder days: whole days between 1 and %(n)d before expiry.")
            % {"n": MAX_REMINDER_DAYS}
        ]
    elif len(days) > 6:
        errors["reminder_days"] = [_("Reminder days: at most six reminders.")]
    if errors:
        raise ValidationError(errors)
    type_.name = name
    type_.issuer = data.issuer.strip()[:200]
    type_.validity_months = months
    type_.reminder_days = days
    type_.required_everyone = data.required_everyone
    type_.required_locations = _clean_words(data.required_locations)
    type_.required_job_titles = _clean_words(data.required_job_titles)
    type_.required_levels = _clean_words(data.required_levels)
    type_.active = data.active


@transaction.atomic
def type_define(*, actor: Actor | None, data: TypeData) -> CertificationType:
    type_ = CertificationType()
    _apply(type_, data)
    type_.save()
    type_.required_departments.set(list(data.required_departments))
    audit(
        actor=actor,
        action="certification_type.create",
        target=type_,
        summary=f"Defined certification type {type_.name}",
    )
    figures_changed()
    return type_


@transaction.atomic
def type_update(
    *, actor: Actor | None, type_: CertificationType, data: TypeData
) -> CertificationType:
    _apply(type_, data)
    type_.save()
    type_.required_departments.set(list(data.required_departments))
    audit(
        actor=actor,
        action="certification_type.update",
        target=type_,
        summary=f"Changed certification type {type_.name}",
    )
    figures_changed()
    return type_


# --- certificates -----------------------------------------------------------------------


def _clean_dates(
    type_: CertificationType, issued_on: datetime.date, expires_on: datetime.date | None
) -> datetime.date | None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if issued_on > today:
        errors["issued_on"] = [_("Issue date: a certificate cannot be issued in the future.")]
    if expires_on is None:
        expires_on = default_expiry(type_, issued_on)
    elif expires_on < issued_on:
        errors["expires_on"] = [_("Expiry date: it cannot be before the issue date.")]
    if errors:
        raise ValidationError(errors)
    return expires_on


@transaction.atomic
def certificate_record(
    *,
    actor: Actor | None,
    person: Person,
    type_: CertificationType,
    issued_on: datetime.date,
    expires_on: datetime.date | None = None,
    number: str = "",
    document: IO[bytes] | None = None,
    document_name: str = "",
    document_size: int | None = None,
) -> Certificate:
    """Record a certificate (a renewal is simply a newer one of the same type: the
    latest expiry counts). ``expires_on`` None: the issue date plus the type's
    validity. The document, if any, must pass ``documents.check``."""
    if not type_.active:
        raise ValidationError({"type": _("Type: this certification type is no longer in use.")})
    if not person.is_active:
        raise ValidationError({"person": _("Person: this person has left.")})
    expires_on = _clean_dates(type_, issued_on, expires_on)
    number = number.strip()
    if len(number) > 100:
        raise ValidationError({"number": _("Certificate number: at most 100 characters.")})
    checked = None
    if document is not None:
        checked = documents.check(document, document_name, document_size)
    now = timezone.now()
    certificate = Certificate(
        person=person,
        type=type_,
        number=number,
        issued_on=issued_on,
        expires_on=expires_on,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
        created_at=now,
        updated_at=now,
    )
    if checked is not None and document is not None:
        _attach(certificate, document, checked)
    certificate.save()
    audit(
        actor=actor,
        action="certificate.record",
        target=certificate,
        summary=f"Recorded a {type_.name} certificate for {person.full_name}",
    )
    figures_changed()
    return certificate


@transaction.atomic
def certificate_delete(*, actor: Actor | None, certificate: Certificate) -> None:
    """Remove a certificate recorded by mistake, and its document once that commits."""
    name = certificate.document.name
    storage = certificate.document.storage
    summary = f"Removed a {certificate.type.name} certificate of {certificate.person.full_name}"
    audit(actor=actor, action="certificate.delete", target=certificate, summary=summary)
    certificate.delete()
    documents.delete_after_commit(storage, name)
    figures_changed()


def _attach(
    certificate: Certificate, document: IO[bytes], checked: documents.CheckedDocument
) -> None:
    """Store a checked document for ``certificate`` (its row not yet saved): the file is
    deleted again if the caller's transaction does not commit."""
    field = certificate.document
    stored = documents.save_with_transaction(
        field.storage, field.field.generate_filename(certificate, checked.stored_name), document
    )
    field.name = stored
    certificate.document_name = checked.name
    certificate.document_type = checked.content_type
    certificate.document_size = checked.size


@transaction.atomic
def certificate_document_replace(
    *,
    actor: Actor | None,
    certificate: Certificate,
    document: IO[bytes],
    document_name: str = "",
    document_size: int | None = None,
) -> Certificate:
    """Put a new document on ``certificate`` (a better scan, the renewed page). The
    old file is deleted once this commits; the new one if it does not. The row is
    locked first: of two replacements at once, each deletes the file it replaced."""
    checked = documents.check(document, document_name, document_size)
    certificate.document.name = (
        Certificate.objects.select_for_update()
        .values_list("document", flat=True)
        .get(pk=certificate.pk)
    )
    old = certificate.document.name
    storage = certificate.document.storage
    _attach(certificate, document, checked)
    certificate.updated_at = timezone.now()
    certificate.save(
        update_fields=["document", "document_name", "document_type", "document_size", "updated_at"]
    )
    audit(
        actor=actor,
        action="certificate.document_replace",
        target=certificate,
        summary=f"Replaced the document of a {certificate.type.name} certificate of "
        f"{certificate.person.full_name}",
    )
    documents.delete_after_commit(storage, old)
    return certificate
