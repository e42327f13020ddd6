"""Reads of HR's cycle pages and the cycles API: the list, the counts of one cycle by
type and state, and what a launch would make. The participants' rule itself is
``services.cycles.participants`` (one truth for the preview and the launch)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from cadence.people.models import Department, Person
from cadence.reviews.models import Assignment, Review, ReviewCycle, ReviewerType
from cadence.reviews.services import cycles as services


def cycles() -> QuerySet[ReviewCycle]:
    """Every cycle, newest first, with its template version and period."""
    return ReviewCycle.objects.select_related("template_version__template", "period").order_by(
        "-created_at", "-id"
    )


@dataclass
class TypeRow:
    """One reviewer type's assignments, by state, in the cycle's table."""

    type: str
    label: str
    states: list[int]
    total: int


@dataclass
class CycleCounts:
    reviews: dict[str, int] = field(default_factory=dict)
    rows: list[TypeRow] = field(default_factory=list)
    states: list[tuple[str, str]] = field(default_factory=list)  # (value, label) columns

    @property
    def review_rows(self) -> list[tuple[str, int]]:
        """(state label, count) of the reviews, in the states' order."""
        return [
            (str(label), self.reviews[s])
            for s, label in Review.State.choices
            if self.reviews.get(s)
        ]

    @property
    def reviews_total(self) -> int:
        return sum(self.reviews.values())

    @property
    def state_totals(self) -> list[int]:
        return [sum(row.states[i] for row in self.rows) for i in range(len(self.states))]

    @property
    def assignments_total(self) -> int:
        return sum(row.total for row in self.rows)


def cycle_counts(cycle: ReviewCycle) -> CycleCounts:
    """Reviews by state and assignments by type and state: two grouped counts off the
    (cycle, state, type) index, whatever the size of the cycle."""
    reviews = dict(
        Review.objects.filter(cycle=cycle)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
        .order_by()
    )
    by = Counter(
        {
            (kind, state): n
            for kind, state, n in Assignment.objects.filter(cycle=cycle)
            .values_list("type", "state")
            .annotate(n=Count("id"))
            .values_list("type", "state", "n")
            .order_by()
        }
    )
    states = list(Assignment.State.choices)
    rows = [
        TypeRow(
            type=kind,
            label=str(label),
            states=[by[(kind, state)] for state, _label in states],
            total=sum(by[(kind, state)] for state, _label in states),
        )
        for kind, label in ReviewerType.choices
        if kind in cycle.review_types or any(by[(kind, s)] for s, _l in states)
    ]
    return CycleCounts(reviews=reviews, rows=rows, states=[(s, str(lbl)) for s, lbl in states])


@dataclass
class LaunchEstimate:
    """What launching now would make (the confirmation's figures)."""

    preview: services.ParticipantsPreview
    assignments: dict[str, int]

    @property
    def assignments_total(self) -> int:
        return sum(self.assignments.values())

    @property
    def rows(self) -> list[tuple[str, int]]:
        """(reviewer type's label, assignments) for the confirmation."""
        return [(str(ReviewerType(kind).label), n) for kind, n in self.assignments.items()]


def launch_estimate(cycle: ReviewCycle) -> LaunchEstimate:
    """Reviews and assignments the launch would make (peers come later, from approved
    nominations)."""
    preview = services.participants_preview(cycle)
    estimate: dict[str, int] = {}
    if ReviewerType.SELF in cycle.review_types:
        estimate[ReviewerType.SELF] = preview.included
    if ReviewerType.MANAGER in cycle.review_types:
        estimate[ReviewerType.MANAGER] = preview.included - preview.without_manager
    if ReviewerType.UPWARD in cycle.review_types:
        estimate[ReviewerType.UPWARD] = Person.objects.filter(
            status=Person.Status.ACTIVE,
            manager__in=services.participants(cycle.criteria).values("pk"),
        ).count()
    return LaunchEstimate(preview=preview, assignments=estimate)


def criteria_names(cycle: ReviewCycle) -> dict[str, list[str]]:
    """The criteria as words for the cycle page: department names, excluded people."""
    criteria = cycle.criteria or {}
    departments = list(
        Department.objects.filter(pk__in=criteria.get("departments", [])).values_list(
            "full_name", flat=True
        )
    )
    excluded = [
        p.full_name for p in Person.objects.filter(pk__in=criteria.get("exclude", [])).order_by()
    ]
    return {
        "departments": departments,
        "locations": list(criteria.get("locations", [])),
        "levels": list(criteria.get("levels", [])),
        "excluded": sorted(excluded),
    }
