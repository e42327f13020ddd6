"""The organisation: departments, people and the manager chain.

The manager chain is materialised in ``Person.reporting_path`` ("/1/7/42/": the ids
from the top of the organisation down to the person). "Everyone below X" is then an
indexed range scan, and "is Y in X's line?" a string test, which keeps the directory,
team pages and access checks at a constant number of queries for any org size.
The path is maintained only by ``cadence.people.services``.
"""

import zoneinfo
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.core.paths import subtree_bounds  # noqa: F401 - re-exported for the people app
from cadence.core.search import IndexedTextField


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Berlin or America/New_York."),
            params={"value": value},
        )


class BytewiseCharField(models.CharField):
    """A CharField compared byte by byte on every database.

    Range scans over paths rely on '/' sorting right before '0'. SQLite compares bytes
    already; PostgreSQL uses the database's collation, and a linguistic one such as
    en_US.UTF-8 ignores '/', which would silently drop people from manager lines.
    """

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class Department(models.Model):
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "Engineering/Platform": the import's way of naming a department.
    full_name = BytewiseCharField(_("full name"), max_length=1000, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="department_unique_name_per_parent"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="department_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def depth(self) -> int:
        return self.full_name.count("/")


class Person(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")

    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    work_email = models.EmailField(_("work email"), unique=True)
    employee_id = models.CharField(
        _("employee ID"), max_length=64, null=True, blank=True, unique=True
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=50, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # An IANA name ("Europe/Berlin"); blank means the organisation's (CADENCE_TIME_ZONE).
    # Reminders and digests reach people at their local hour.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, default="", validators=[validate_time_zone]
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="direct_reports"
    )
    reporting_path = BytewiseCharField(max_length=1000, db_index=True, default="")
    # Lower-cased name, email and title: one column for the directory search.
    search_text = models.CharField(max_length=1000, default="", editable=False)
    custom_attributes = models.JSONField(_("custom attributes"), default=dict, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            # The directory: walked in name order for a page, and scanned whole for a
            # search (LIKE '%term%' can use no index). With search_text in the index,
            # SQLite counts and filters without reading the table: ~15 ms at 100,000
            # people instead of ~100 ms (see bench/workloads/directory.py).
            models.Index(
                fields=["status", "last_name", "first_name", "id", "search_text"],
                name="person_directory_idx",
            ),
            # "Active people below X" (team pages, line sizes) as one range. SQLite has
            # no statistics unless ANALYZE runs, and would otherwise take the status
            # index and read every active person.
            models.Index(fields=["status", "reporting_path"], name="person_line_idx"),
            models.Index(fields=["manager", "status"], name="person_manager_idx"),
            models.Index(fields=["department", "status"], name="person_department_idx"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("work_email"), name="person_email_ci_unique"),
            models.CheckConstraint(
                condition=~Q(manager=models.F("id")), name="person_not_own_manager"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "left"]), name="person_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.work_email

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p] or [self.work_email]
        return "".join(p[0] for p in parts[:2]).upper()

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The person's time zone, or the organisation's when they have none."""
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    @property
    def chain_ids(self) -> list[int]:
        """Ids of the managers above this person, top first (excluding the person)."""
        return [int(x) for x in self.reporting_path.strip("/").split("/") if x][:-1]

    @property
    def depth(self) -> int:
        """0 at the top of the organisation."""
        return self.reporting_path.count("/") - 2

    def build_search_text(self) -> str:
        # Only what every colleague may see: the employee id is not on a person's
        # card, so it is matched separately (and exactly) for those allowed to see it.
        return " ".join(
            p for p in (self.first_name, self.last_name, self.work_email, self.job_title) if p
        ).lower()


class CustomAttribute(models.Model):
    """An HRIS column Cadence has no field for, kept per person in ``custom_attributes``."""

    key = models.SlugField(max_length=100, unique=True)
    label = models.CharField(max_length=200)
    is_sensitive = models.BooleanField(
        default=False, help_text=_("Sensitive attributes are visible to HR admins only.")
    )

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class PeopleImport(models.Model):
    """An import uploaded in the web UI: previewed first, applied when an HR admin confirms."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Queued")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PREVIEWED)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"


class PersonSearchEntry(models.Model):
    """A row of the directory's trigram index on SQLite: the FTS5 table over
    ``Person.search_text`` that triggers keep in step (``cadence.core.search``). Read
    only, through ``people.queries.directory_search``; PostgreSQL has a GIN index on
    the column instead and no such table."""

    person = models.OneToOneField(
        Person,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    search_text = IndexedTextField()

    class Meta:
        managed = False
        db_table = "people_person_search"
