"""What a writer reads while writing a review: the reviewee's goals and key results of
the cycle's period with their check-ins, their KPIs measured in the period, and — for
the manager review — the reviewee's submitted self-review and a moved review's previous
draft; the feedback the reviewee received in the period (as the feedback area lets the
writer read it) and, for the manager review, the writer's own coaching notes.

Every read goes through the goals and KPI access modules *as the writer*: a peer sees
only what a peer may read (a private goal of the reviewee is the owner's, their manager
chain's and HR's, so it never reaches a peer's or an upward writer's panel). The number
of queries does not depend on the number of goals, key results, check-ins or KPIs
(``tests/reviews/test_writing.py`` counts them).
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from cadence.accounts.types import Actor
from cadence.development import queries as development_queries
from cadence.development.queries import ReviewItem as DevelopmentEvidence
from cadence.feedback import queries as feedback_queries
from cadence.feedback.queries import Card as FeedbackCard
from cadence.goals import access as goals_access
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.kpis import access as kpis_access
from cadence.kpis.models import Kpi, KpiMeasurement
from cadence.meetings import queries as meetings_queries
from cadence.meetings.models import CoachingNote
from cadence.planning.models import Competency, CompetencyExpectation, PerformancePeriod
from cadence.reviews import access
from cadence.reviews.models import Answer, Assignment, Review, ReviewerType

# Goals that were agreed for the period: a draft, a proposal or a goal cancelled before it
# counted is not evidence of the period's work.
EVIDENCE_GOAL_STATES = (Goal.State.ACTIVE, Goal.State.COMPLETED)


def reviewee_goals(user: Actor, review: Review, period: PerformancePeriod) -> list[Goal]:
    """The reviewee's own agreed goals of the period that ``user`` may read, each with
    its key results and their check-ins (oldest first): three queries, whatever the
    number of goals."""
    check_ins = CheckIn.objects.order_by("at", "id")
    key_results = KeyResult.objects.order_by("order", "id").prefetch_related(
        Prefetch("check_ins", queryset=check_ins)
    )
    return list(
        goals_access.person_goals_visible_to(user, review.reviewee)
        .filter(period=period, state__in=EVIDENCE_GOAL_STATES)
        .order_by("title", "id")
        .prefetch_related(Prefetch("key_results", queryset=key_results))
    )


@dataclass(frozen=True)
class KpiEvidence:
    kpi: Kpi
    measurements: list[KpiMeasurement]


def reviewee_kpis(user: Actor, review: Review, period: PerformancePeriod) -> list[KpiEvidence]:
    """The reviewee's own KPIs (person KPIs, and role KPIs of their job title with their
    own series) that ``user`` may read, with the values measured in the period. A role
    KPI the writer may see but whose holder's series they may not (a peer with the same
    title) is left out: its values are the reviewee's."""
    reviewee = review.reviewee
    measurements = (
        KpiMeasurement.objects.filter(
            period_start__gte=period.starts_on, period_start__lte=period.ends_on
        )
        .filter(Q(person__isnull=True) | Q(person_id=reviewee.pk))
        .order_by("period_start")
    )
    kpis = (
        kpis_access.person_kpis_visible_to(user, reviewee)
        .select_related("person")
        .order_by("name", "id")
        .prefetch_related(Prefetch("measurements", queryset=measurements))
    )
    return [
        KpiEvidence(kpi=kpi, measurements=list(kpi.measurements.all()))
        for kpi in kpis
        if kpis_access.can_read_series(user, kpi, reviewee)
    ]


@dataclass(frozen=True)
class CompetencyRow:
    competency: Competency
    group: str
    expected: str  # the behaviour expected at the reviewee's level ("" when none is set)


def reviewee_competencies(review: Review, period: PerformancePeriod) -> list[CompetencyRow]:
    """The period's framework's competencies for the reviewee's level, each with the
    behaviour expected at that level. When the framework says nothing for that level
    (or the reviewee has none), every competency of the framework, without one. The
    framework is public to every member (planning.access), so no reader filter."""
    level = review.reviewee.level.strip()
    expectations = CompetencyExpectation.objects.filter(level__iexact=level) if level else None
    competencies = Competency.objects.filter(group__framework__period=period).select_related(
        "group"
    )
    if expectations is not None:
        competencies = competencies.prefetch_related(
            Prefetch("expectations", queryset=expectations, to_attr="at_level")
        )
    rows = []
    for c in competencies.order_by("group__order", "group__name", "order", "name", "id"):
        at_level: list[CompetencyExpectation] = getattr(c, "at_level", [])
        expected = at_level[0].behaviour if at_level else ""
        rows.append(CompetencyRow(competency=c, group=c.group.name, expected=expected))
    with_behaviour = [row for row in rows if row.expected]
    return with_behaviour or rows


@dataclass
class Evidence:
    goals: list[Goal]
    kpis: list[KpiEvidence]
    # The manager review only: the reviewee's submitted self-review and, after a manager
    # change, the previous manager's draft — their answers by item.
    self_review: Assignment | None = None
    self_answers: dict[str, Answer] = field(default_factory=dict)
    previous_draft: Assignment | None = None
    previous_answers: dict[str, Answer] = field(default_factory=dict)
    # Feedback the reviewee received in the period that the writer may read.
    feedback: list[FeedbackCard] = field(default_factory=list)
    # The manager review only: the writer's own coaching notes about the reviewee.
    coaching_notes: list[CoachingNote] = field(default_factory=list)
    # The reviewee's development items of the period; None when the writer may not read
    # the reviewee's development plan (a peer, an upward writer): no card at all then.
    development: list[DevelopmentEvidence] | None = None


def evidence_for(user: Actor, assignment: Assignment) -> Evidence:
    """The evidence panel of ``assignment`` (the user's own, from access)."""
    review, period = assignment.review, assignment.cycle.period
    evidence = Evidence(
        goals=reviewee_goals(user, review, period),
        kpis=reviewee_kpis(user, review, period),
        feedback=feedback_queries.feedback_for_review(
            user, review.reviewee, period.starts_on, period.ends_on
        ),
        development=development_queries.development_for_review(
            user, review.reviewee, period.starts_on, period.ends_on
        ),
    )
    if assignment.type == ReviewerType.MANAGER:
        # The notes are the writer's own journal: nobody else's form ever shows them.
        evidence.coaching_notes = meetings_queries.coaching_notes_for_review(
            assignment.writer, review.reviewee, period.starts_on, period.ends_on
        )
    evidence.self_review = access.self_review_for_manager(assignment)
    if evidence.self_review is not None:
        evidence.self_answers = {a.item: a for a in evidence.self_review.answers.all()}
    evidence.previous_draft = access.previous_manager_draft(assignment)
    if evidence.previous_draft is not None:
        evidence.previous_answers = {a.item: a for a in evidence.previous_draft.answers.all()}
    return evidence
