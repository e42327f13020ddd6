"""Goals / OKRs, their key results, check-ins and the alignment tree.

Progress (docs/goals.md) is stored on every goal and key result and kept consistent
by ``cadence.goals.services``: a key result's progress follows from its values; a
goal's progress is the weighted mean of its own key results and of the public goals
aligned to it. A check-in recomputes its key result and walks up the alignment
chain — work proportional to depth, not to the size of the tree.
"""

from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.core import limits
from cadence.core.search import IndexedTextField
from cadence.people.models import BytewiseCharField, Department, Person
from cadence.planning.models import PerformancePeriod


class Goal(models.Model):
    class Owner(models.TextChoices):
        PERSON = "person", _("Person")
        TEAM = "team", _("Team / department")
        COMPANY = "company", _("Company")

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objective with key results")
        SINGLE = "single", _("Single goal")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private (owner, manager chain and HR)")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Awaiting approval")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    period = models.ForeignKey(PerformancePeriod, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=limits.LONG_TEXT)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OBJECTIVE)
    owner_type = models.CharField(max_length=10, choices=Owner.choices, default=Owner.PERSON)
    owner_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="goals"
    )
    owner_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="goals"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("aligned to"),
    )
    # "/12/40/73/": ids from the root of the alignment tree down to this goal.
    alignment_path = BytewiseCharField(max_length=1000, default="", db_index=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=2,
        default=Decimal(1),
        help_text=_("Weight in the progress of the goal it is aligned to."),
    )
    progress = models.FloatField(default=0.0, help_text="0.0–1.0, see docs/goals.md")
    due_on = models.DateField(_("due date"), null=True, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the goal was agreed (approved, or set active by a manager or HR at creation).
    # Kept after a cancellation: only a goal agreed once may be reopened as active;
    # any other goal becomes active through approval alone.
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period", "title", "id"]
        indexes = [
            models.Index(fields=["owner_person", "period"], name="goal_owner_period_idx"),
            models.Index(fields=["parent", "visibility"], name="goal_parent_idx"),
            models.Index(fields=["period", "owner_type"], name="goal_period_owner_idx"),
            # The organisation's health lists the goals behind a figure a page at a time,
            # in title order: the page is read straight off these indexes and stops after
            # 50 rows instead of sorting the period's (or every) goals (docs/home.md).
            models.Index(fields=["period", "state", "title", "id"], name="goal_period_title_idx"),
            models.Index(fields=["title", "id"], name="goal_title_idx"),
            # The health rule's SQL twin reads the period's due dates off this index alone.
            models.Index(fields=["period", "state", "due_on"], name="goal_period_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        owner_type="person",
                        owner_person__isnull=False,
                        owner_department__isnull=True,
                    )
                    | Q(
                        owner_type="team", owner_department__isnull=False, owner_person__isnull=True
                    )
                    | Q(
                        owner_type="company",
                        owner_person__isnull=True,
                        owner_department__isnull=True,
                    )
                ),
                name="goal_owner_matches_type",
            ),
            # Alignment is public by nature: a private goal stays out of the tree.
            models.CheckConstraint(
                condition=Q(visibility="public") | Q(parent__isnull=True),
                name="private_goal_not_aligned",
                violation_error_message=_(
                    "A private goal stays out of the alignment tree: make it public "
                    "before aligning it."
                ),
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="goal_not_own_parent"),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="goal_weight_positive",
                violation_error_message=_("The weight must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1), name="goal_progress_0_1"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def progress_percent(self) -> int:
        return round(self.progress * 100)

    @property
    def was_approved(self) -> bool:
        """Agreed at some point. Active and completed goals always were (the table
        below has no other way in); a cancelled one only if ``approved_at`` says so."""
        return self.state in (self.State.ACTIVE, self.State.COMPLETED) or (
            self.approved_at is not None
        )

    @property
    def is_agreed(self) -> bool:
        """Part of what the owner's plan agreed: approved and neither draft, proposed
        nor cancelled. Only a change to such a goal (or its measures) reopens a plan."""
        return self.state in (self.State.ACTIVE, self.State.COMPLETED)

    def transitions(self) -> list["Transition"]:
        """The moves the state machine allows from the goal's state now (who may make
        them is ``cadence.goals.access.can_make_transition``)."""
        return [t for t in TRANSITIONS if t.source == self.state and t.allows(self)]

    def transition_to(self, target: str) -> "Transition | None":
        return next((t for t in self.transitions() if t.target == target), None)


class Transition(NamedTuple):
    """One allowed move of a goal's state.

    ``by``: "editor" (whoever may edit the goal) or "approver" (the owner's manager
    chain or HR, never the owner). ``approved``: None when it does not matter, else
    whether the goal must have been approved before (a goal that never was reaches
    active through approval only). ``changes_plan``: the move changes what the
    owner's agreed plan holds, so it reopens that plan (and the page says so first).
    """

    name: str
    source: str
    target: str
    by: str = "editor"
    approved: bool | None = None
    changes_plan: bool = False

    def allows(self, goal: "Goal") -> bool:
        return self.approved is None or self.approved == goal.was_approved


_S = Goal.State
# Every state change a goal can make, in one place: the services, the goal page's
# buttons and PATCH /api/v1/goals/{id} all read it (docs/goals.md, "Approval flow").
TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", _S.DRAFT, _S.PROPOSED),
    Transition("approve", _S.PROPOSED, _S.ACTIVE, by="approver", changes_plan=True),
    Transition("return", _S.PROPOSED, _S.DRAFT, by="approver"),
    Transition("cancel", _S.DRAFT, _S.CANCELLED),
    Transition("cancel", _S.PROPOSED, _S.CANCELLED),
    Transition("complete", _S.ACTIVE, _S.COMPLETED),
    Transition("cancel", _S.ACTIVE, _S.CANCELLED, changes_plan=True),
    Transition("reopen", _S.COMPLETED, _S.ACTIVE),
    Transition("cancel", _S.COMPLETED, _S.CANCELLED, changes_plan=True),
    Transition("reopen", _S.CANCELLED, _S.ACTIVE, approved=True, changes_plan=True),
    # Cancelled before it was ever approved: back to a draft, to be sent for approval.
    Transition("restore", _S.CANCELLED, _S.DRAFT, approved=False),
)


class KeyResult(models.Model):
    class Kind(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        CURRENCY = "currency", _("Currency")
        MILESTONE = "milestone", _("Yes/no milestone")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase to")
        DECREASE = "decrease", _("Decrease to")
        STAY_ABOVE = "stay_above", _("Stay above")
        STAY_BELOW = "stay_below", _("Stay below")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NUMBER)
    unit = models.CharField(
        _("unit"), max_length=20, blank=True, help_text=_("e.g. EUR for currency, or 'tickets'")
    )
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    start_value = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    target_value = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(1))
    current_value = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    weight = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(1))
    progress = models.FloatField(default=0.0)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    last_check_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(
                    direction__in=["increase", "decrease"],
                    kind__in=["number", "percentage", "currency"],
                )
                | ~Q(target_value=F("start_value")),
                name="kr_target_differs_from_start",
                violation_error_message=_(
                    "The target must differ from the start value: progress is measured "
                    "from one to the other."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="currency")
                | Q(start_value__gte=0, target_value__gte=0, current_value__gte=0),
                name="kr_currency_not_negative",
                violation_error_message=_("A currency amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="kr_weight_positive",
                violation_error_message=_("The weight must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1), name="kr_progress_0_1"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    class Confidence(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    value = models.DecimalField(max_digits=18, decimal_places=4)
    previous_value = models.DecimalField(max_digits=18, decimal_places=4)
    progress = models.FloatField(help_text="The key result's progress after this check-in")
    confidence = models.CharField(
        max_length=10, choices=Confidence.choices, default=Confidence.ON_TRACK
    )
    comment = models.TextField(blank=True, max_length=limits.COMMENT)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["key_result", "at"], name="checkin_kr_at_idx")]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value} ({self.at:%Y-%m-%d})"


class GoalSearchEntry(models.Model):
    """A row of the goal titles' trigram index on SQLite: the FTS5 table over
    ``Goal.title`` that triggers keep in step (``cadence.core.search``). Read only,
    through the searches in ``goals.queries``; PostgreSQL has a GIN index instead."""

    goal = models.OneToOneField(
        Goal,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    title = IndexedTextField()

    class Meta:
        managed = False
        db_table = "goals_goal_search"
