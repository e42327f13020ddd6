"""Review cycles: templates, cycles, the reviews of each participant, who writes what,
360° nominations, answers, and every change to a rating after it was given.

Shape (docs/reviews.md):

* a **ReviewTemplate** has **TemplateVersion**s; a version is frozen (``locked_at``) once a
  cycle uses it, and editing a frozen version makes the next one — a launched cycle never
  changes under its writers. A version holds its rating **ScalePoint**s and **Section**s of
  **Question**s;
* a **ReviewCycle** uses one version for one period, with its participants' criteria, the
  review types it runs, its phase deadlines and its anonymity and score settings;
* launching makes one **Review** per participant (the reviewee) and the **Assignment**s
  (who writes which review: self, manager, peer, upward); **PeerNomination**s become peer
  assignments once approved;
* an **Answer** is one assignment's answer to one item — a question, a goal of the goals
  section, a competency of the competencies section — keyed so a relaunch or a second tab
  never makes a second answer;
* a **RatingChange** records who changed a rating after submission, when, from → to and
  why (the writer reopening, HR in calibration).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadence.core import limits


class ReviewerType(models.TextChoices):
    SELF = "self", _("Self")
    MANAGER = "manager", _("Manager")
    PEER = "peer", _("Peer")
    UPWARD = "upward", _("Upward")  # a direct report reviewing their manager


# --- templates ---------------------------------------------------------------------------


class ReviewTemplate(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=limits.LONG_TEXT)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Set when a cycle first uses the version; from then on it is read-only.
    locked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ScalePoint(models.Model):
    """One point of the version's rating scale: 1 "Below expectations" … 5 "Far exceeds",
    with the behaviour that earns it, shown to the writer beside every rating."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="scale")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=limits.LONG_TEXT)

    class Meta:
        ordering = ["version", "value"]
        constraints = [
            models.UniqueConstraint(fields=["version", "value"], name="scale_point_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class Section(models.Model):
    class Kind(models.TextChoices):
        QUESTIONS = "questions", _("Questions")
        # The reviewee's goals of the period, each rated (with progress and check-ins).
        GOALS = "goals", _("Goals of the period")
        # The framework's competencies for the reviewee's level, each rated.
        COMPETENCIES = "competencies", _("Competencies")

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUESTIONS)
    # GOALS and COMPETENCIES sections: who rates them and whether every item is required
    # (QUESTIONS sections say it per question).
    reviewer_types = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating")
        TEXT = "text", _("Free text")
        CHOICE = "choice", _("Multiple choice")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RATING)
    text = models.CharField(max_length=500)
    help_text = models.TextField(blank=True, max_length=limits.LONG_TEXT)
    choices = models.JSONField(default=list, blank=True)  # CHOICE: the options' labels
    # Which writers answer it: a list of ReviewerType values.
    reviewer_types = models.JSONField(default=list)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["section", "order", "id"]

    def __str__(self) -> str:
        return self.text


# --- cycles ------------------------------------------------------------------------------


class ReviewCycle(models.Model):
    class Phase(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NOMINATION = "nomination", _("Peer nomination")
        APPROVAL = "approval", _("Approval of peers")
        WRITING = "writing", _("Writing")
        CALIBRATION = "calibration", _("Calibration")
        RELEASE = "release", _("Release")
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, related_name="cycles"
    )
    period = models.ForeignKey(
        "planning.PerformancePeriod", on_delete=models.PROTECT, related_name="review_cycles"
    )
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.DRAFT)
    # Who takes part: {"departments": [ids, with those below], "locations": [...],
    # "levels": [...], "started_before": "YYYY-MM-DD", "exclude": [person ids]}; empty
    # means every active person. Resolved at launch (and for late joiners) by the services.
    criteria = models.JSONField(default=dict, blank=True)
    # Which review types run: a list of ReviewerType values.
    review_types = models.JSONField(default=list)
    # Phase deadlines (inclusive, in the organisation's time zone); each after the one before.
    nomination_deadline = models.DateField(null=True, blank=True)
    approval_deadline = models.DateField(null=True, blank=True)
    writing_deadline = models.DateField()
    calibration_deadline = models.DateField(null=True, blank=True)
    acknowledgement_deadline = models.DateField(null=True, blank=True)
    grace_days = models.PositiveSmallIntegerField(default=0)
    peers_min = models.PositiveSmallIntegerField(default=3)
    peers_max = models.PositiveSmallIntegerField(default=5)
    # How many peer reviews one person may be asked to write in this cycle.
    peer_load_cap = models.PositiveSmallIntegerField(default=5)
    # Peer and upward answers are shown only as aggregates when at least K of that type
    # exist (never below 2).
    anonymity_threshold = models.PositiveSmallIntegerField(default=3)
    manager_sees_peer_results = models.BooleanField(default=True)
    # Told to every writer before they write.
    hr_sees_attribution = models.BooleanField(default=False)
    manager_may_release = models.BooleanField(default=False)
    reminder_days_before = models.PositiveSmallIntegerField(default=3)
    escalate_after_days = models.PositiveSmallIntegerField(default=3)
    # The score formula's weights (docs/reviews.md): {"sections": {"goals": 50,
    # "competencies": 30, "questions": 20}, "reviewers": {"manager": 60, "self": 10,
    # "peer": 20, "upward": 10}}; empty means the documented defaults.
    score_weights = models.JSONField(default=dict, blank=True)
    launched_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=2), name="cycle_anonymity_at_least_two"
            ),
            models.CheckConstraint(
                condition=Q(peers_max__gte=F("peers_min")), name="cycle_peers_max_at_least_min"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One participant's review in a cycle: the reviewee, their manager for this cycle,
    and where the result stands (calibrated score, release, acknowledgement)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RELEASED = "released", _("Released")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CLOSED = "closed", _("Closed")  # the reviewee left before release

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="reviews")
    reviewee = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="reviews_received"
    )
    # The manager who writes the manager review now (moved when the reviewee's manager
    # changes mid-cycle).
    manager = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=15, choices=State.choices, default=State.OPEN)
    # The formula's result when the writing closed, and HR's calibrated figure (with a
    # RatingChange saying why) when it differs.
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    calibrated_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Acknowledging is not agreeing: the comment says what the reviewee thinks.
    employee_comment = models.TextField(blank=True, max_length=limits.LONG_TEXT)
    commented_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "reviewee"], name="review_per_cycle_unique"),
        ]
        indexes = [models.Index(fields=["reviewee", "cycle"], name="review_reviewee_idx")]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.reviewee_id}"


class Assignment(models.Model):
    """Who writes which review. Unique per (review, writer, type): launching again or
    adding late joiners never makes a second one."""

    class State(models.TextChoices):
        OPEN = "open", _("To write")
        DRAFT = "draft", _("Draft saved")
        SUBMITTED = "submitted", _("Submitted")
        DECLINED = "declined", _("Declined")  # a peer said no, with a reason
        CLOSED = "closed", _("Closed")  # the writer or reviewee left, or it moved (manager change)

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assignments")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="assignments")
    writer = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="review_assignments"
    )
    type = models.CharField(max_length=10, choices=ReviewerType.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # Optimistic locking: every save of answers bumps it; a save from a stale form (a
    # second tab) is refused with a clear message instead of overwriting.
    version = models.PositiveIntegerField(default=0)
    # A manager review moved to a new manager keeps the old manager's draft readable.
    moved_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The writer reopened a submitted review (the last time) and why: every rating they
    # then change is recorded with this reason when they submit again.
    reopened_at = models.DateTimeField(null=True, blank=True)
    # A database default too: the launch writes assignments with INSERT … SELECT.
    reopen_reason = models.TextField(blank=True, max_length=limits.COMMENT, db_default="")

    class Meta:
        ordering = ["review", "type", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "writer", "type"], name="assignment_unique_per_writer"
            ),
        ]
        indexes = [
            models.Index(fields=["writer", "state"], name="assignment_writer_idx"),
            models.Index(fields=["cycle", "state", "type"], name="assignment_cycle_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} review by {self.writer_id} of review {self.review_id}"


class PeerNomination(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")  # by the reviewee, waiting for the manager
        APPROVED = "approved", _("Approved")
        REMOVED = "removed", _("Removed")  # by the manager
        DECLINED = "declined", _("Declined")  # by the peer, with a reason

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="peer_nominations"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)  # a decline's or a removal's
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "nominee"], name="nomination_unique"),
        ]
        indexes = [models.Index(fields=["nominee", "state"], name="nomination_nominee_idx")]

    def __str__(self) -> str:
        return f"{self.nominee_id} for review {self.review_id} ({self.state})"


class Answer(models.Model):
    """One assignment's answer to one item. ``item`` is "q:<question id>", "g:<goal id>"
    or "c:<competency id>": one row per item, whatever the number of saves."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=40)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    goal = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    competency = models.ForeignKey(
        "planning.Competency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=limits.LONG_TEXT)
    choice = models.CharField(max_length=200, blank=True)
    # The rating as it stood at the assignment's last submission: a resubmission after a
    # reopen records every rating that differs from it.
    submitted_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="answer_unique_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item} of assignment {self.assignment_id}"


class RatingChange(models.Model):
    """A rating changed after it was given: a writer reopening a submitted review, or HR
    calibrating the final score. Never edited, never deleted."""

    class Kind(models.TextChoices):
        REOPEN = "reopen", _("Changed by the writer after submitting")
        CALIBRATION = "calibration", _("Calibrated by HR")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="rating_changes")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    item = models.CharField(max_length=40)  # the answer's item, or "score" for calibration
    old_value = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    new_value = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.TextField(max_length=limits.COMMENT)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.item}: {self.old_value} → {self.new_value}"
