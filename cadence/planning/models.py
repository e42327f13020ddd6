"""Performance periods, the competency framework and performance plans.

A plan is the written outcome of a planning session between a person and their
manager for one period: expectations, goals (owned by ``cadence.goals``), the
competencies expected at the person's level and the development needs agreed.
It is agreed only when both sides have signed; a change afterwards reopens it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.core import limits
from cadence.people.models import Person


class PerformancePeriod(models.Model):
    class Kind(models.TextChoices):
        YEAR = "year", _("Year")
        HALF = "half", _("Half year")
        QUARTER = "quarter", _("Quarter")
        CUSTOM = "custom", _("Custom")

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.YEAR)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    # Quarters and halves sit inside a year: goals may align across them while both are open.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_periods",
        verbose_name=_("inside period"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.UPCOMING
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    def elapsed_share(self, today: datetime.date | None = None) -> float:
        """How much of the period has passed, 0.0–1.0."""
        today = today or timezone.localdate()
        total = (self.ends_on - self.starts_on).days
        done = (min(max(today, self.starts_on), self.ends_on) - self.starts_on).days
        return done / total if total > 0 else 1.0


class CompetencyFramework(models.Model):
    """A versioned set of competencies. Each period uses one version, so changing the
    framework never rewrites what was expected of people in a closed period."""

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    period = models.OneToOneField(
        PerformancePeriod,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competency_framework",
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_name_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class CompetencyGroup(models.Model):
    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="group_name_per_framework"),
        ]

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    group = models.ForeignKey(
        CompetencyGroup, on_delete=models.CASCADE, related_name="competencies"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=limits.LONG_TEXT)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="competency_name_per_group"),
        ]

    def __str__(self) -> str:
        return self.name


class CompetencyExpectation(models.Model):
    """The behaviour expected of a competency at one job level (``Person.level``)."""

    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="expectations"
    )
    level = models.CharField(_("level"), max_length=50)
    behaviour = models.TextField(_("expected behaviour"), max_length=limits.LONG_TEXT)

    class Meta:
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="expectation_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.competency} @ {self.level}"


class PerformancePlan(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plans")
    period = models.ForeignKey(PerformancePeriod, on_delete=models.PROTECT, related_name="plans")
    # The manager at planning time: a later move does not change who agreed the plan.
    manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    expectations = models.TextField(
        _("expectations of the role"), blank=True, max_length=limits.LONG_TEXT
    )
    employee_signed_at = models.DateTimeField(null=True, blank=True)
    employee_comment = models.TextField(blank=True, max_length=limits.COMMENT)
    manager_signed_at = models.DateTimeField(null=True, blank=True)
    manager_comment = models.TextField(blank=True, max_length=limits.COMMENT)
    agreed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    started_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period__starts_on", "person__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="one_plan_per_person_period"),
            models.CheckConstraint(
                condition=~Q(state="agreed")
                | Q(employee_signed_at__isnull=False, manager_signed_at__isnull=False),
                name="agreed_plan_signed_by_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.period}"


class PlanEvent(models.Model):
    """The plan's history: every state change, signature and change after agreement."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        PROPOSED = "proposed", _("Proposed")
        SIGNED = "signed", _("Signed")
        AGREED = "agreed", _("Agreed")
        REOPENED = "reopened", _("Reopened")

    plan = models.ForeignKey(PerformancePlan, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The goal the entry is about (its comment names it and its key results): readers
    # of the plan see that text only when they may read the goal itself
    # (``planning.queries.plan_history``), whatever its visibility at the time.
    goal = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.plan}: {self.kind}"


class DevelopmentItem(models.Model):
    """A development need agreed in a plan, with the action that addresses it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(
        PerformancePlan, on_delete=models.CASCADE, related_name="development_items"
    )
    need = models.CharField(_("development need"), max_length=300)
    action = models.TextField(_("action"), max_length=limits.LONG_TEXT)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.need
