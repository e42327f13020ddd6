"""Development plans: what each person is growing, how, and where they want to go.

A **DevelopmentItem** is one thing to grow — a competency of the framework with the
level aimed at, or a skill outside it — with its owner, due date, status and the
evidence that it was done. Items come from a person's agreed performance plan
(``plan_item``: the plan's development need, copied once when the plan is agreed, so
that later work on the item never rewrites what was agreed) or are added later.
Each item has **DevelopmentAction**s: a course, a stretch assignment, mentoring.

**CareerAspiration** is the person's own words on where they want to go.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.core import limits
from cadence.people.models import Person


class DevelopmentItem(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="development_items")
    plan_item = models.OneToOneField(
        "planning.DevelopmentItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="development_item",
    )
    competency = models.ForeignKey(
        "planning.Competency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    skill = models.CharField(_("skill"), max_length=200, blank=True)
    # The framework's level aimed at (``Person.level`` values, e.g. "L4").
    target_level = models.CharField(_("target level"), max_length=50, blank=True)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    evidence = models.TextField(_("evidence of completion"), blank=True, max_length=limits.COMMENT)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(competency__isnull=False) | ~Q(skill=""),
                name="development_item_names_what",
            ),
            # Done means shown to be done: the evidence is what the manager and HR read.
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(evidence=""),
                name="development_done_has_evidence",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="development_person_idx"),
            models.Index(fields=["competency", "status"], name="development_coverage_idx"),
            # The overdue sweep and the home page: open items by due date.
            models.Index(fields=["status", "due_on"], name="development_due_idx"),
        ]

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """What is grown: the skill's words, else the competency's name."""
        if self.skill:
            return self.skill
        return self.competency.name if self.competency else ""

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class DevelopmentAction(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        STRETCH = "stretch", _("Stretch assignment")
        MENTORING = "mentoring", _("Mentoring")
        OTHER = "other", _("Other")

    item = models.ForeignKey(DevelopmentItem, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(_("action"), max_length=500)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class CareerAspiration(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="aspiration")
    text = models.TextField(_("where I want to go"), max_length=limits.LONG_TEXT)
    updated_at = models.DateTimeField(default=timezone.now)
