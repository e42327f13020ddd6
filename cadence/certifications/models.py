"""Certifications and licences people must hold, and the certificates they have.

HR defines a **CertificationType** (name, issuer, how many months a certificate stays
valid, the reminder days before expiry, and for whom it is required: departments,
locations, job titles or levels — a person matching any listed rule needs it).
People or HR record **Certificate**s with their number, dates and a document kept
through Django's storage API (an S3 bucket may replace the disk), its type checked by
content when uploaded.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.people.models import Department, Person


def default_reminder_days() -> list[int]:
    return [90, 30, 7]


class CertificationType(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    # None: a certificate of this type never expires.
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True
    )
    reminder_days = models.JSONField(
        _("remind this many days before expiry"), default=default_reminder_days
    )
    # Required of every active person (e.g. "GDPR awareness"), whatever the other rules.
    required_everyone = models.BooleanField(_("required of everyone"), default=False)
    # A department's sub-departments are included (Operations covers Operations/Warehouse).
    required_departments = models.ManyToManyField(Department, blank=True, related_name="+")
    required_locations = models.JSONField(default=list, blank=True)
    required_job_titles = models.JSONField(default=list, blank=True)
    required_levels = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_requirements(self) -> bool:
        """Required of anyone at all (departments need a query: asked by the caller)."""
        return bool(
            self.required_everyone
            or self.required_locations
            or self.required_job_titles
            or self.required_levels
        )


def document_path(certificate: "Certificate", filename: str) -> str:
    # A random name: the person's or the file's own name never reaches the storage's URL.
    import secrets

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"certificates/{certificate.person_id}/{secrets.token_hex(16)}.{extension}"


class Certificate(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    type = models.ForeignKey(
        CertificationType, on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to=document_path, blank=True, max_length=300)
    document_name = models.CharField(max_length=255, blank=True)  # as uploaded, for downloads
    document_type = models.CharField(max_length=100, blank=True)  # by content, not extension
    document_size = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-expires_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="certificate_expires_after_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "type"], name="certificate_person_idx"),
            models.Index(fields=["type", "expires_on"], name="certificate_expiry_idx"),
            models.Index(fields=["expires_on"], name="certificate_sweep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} ({self.person})"
