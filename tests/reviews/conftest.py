"""Review cycle fixtures: a template version and a cycle in the writing phase, built
row by row so that every part's tests (writing, nominations, results) can start from a
launched cycle without depending on the launch service's own tests."""

import datetime
from collections.abc import Callable, Iterable

import pytest

from cadence.people.models import Person
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod
from cadence.reviews.models import (
    Assignment,
    Question,
    Review,
    ReviewCycle,
    ReviewerType,
    ReviewTemplate,
    ScalePoint,
    Section,
    TemplateVersion,
)
from tests.conftest import Org

ALL_TYPES = [t.value for t in ReviewerType]
SCALE = [
    (1, "Below expectations", "Misses several expectations of the role."),
    (2, "Partly meets", "Meets some expectations; needs support on others."),
    (3, "Meets expectations", "Does what the role asks, reliably."),
    (4, "Exceeds", "Often goes beyond what the role asks."),
    (5, "Far exceeds", "Sets the standard others learn from."),
]


@pytest.fixture
def period(org: Org) -> PerformancePeriod:
    today = datetime.date.today()
    period = planning.period_create(
        actor=org.hr.user,
        name="FY2027",
        kind="year",
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today + datetime.timedelta(days=65),
    )
    return planning.period_activate(actor=org.hr.user, period=period)


def build_version(name: str = "Annual review") -> TemplateVersion:
    template = ReviewTemplate.objects.create(name=name)
    version = TemplateVersion.objects.create(template=template, number=1)
    ScalePoint.objects.bulk_create(
        ScalePoint(version=version, value=v, label=label, description=d) for v, label, d in SCALE
    )
    questions = Section.objects.create(version=version, order=1, title="How it went")
    Question.objects.create(
        section=questions,
        order=1,
        kind=Question.Kind.RATING,
        text="Delivers what was agreed",
        reviewer_types=ALL_TYPES,
    )
    Question.objects.create(
        section=questions,
        order=2,
        kind=Question.Kind.TEXT,
        text="What should they keep doing?",
        reviewer_types=ALL_TYPES,
    )
    Question.objects.create(
        section=questions,
        order=3,
        kind=Question.Kind.CHOICE,
        text="Which area grew most?",
        choices=["Craft", "Collaboration", "Leadership"],
        reviewer_types=[ReviewerType.SELF],
        required=False,
    )
    Section.objects.create(
        version=version,
        order=2,
        title="Goals of the period",
        kind=Section.Kind.GOALS,
        reviewer_types=[ReviewerType.SELF, ReviewerType.MANAGER],
    )
    Section.objects.create(
        version=version,
        order=3,
        title="Competencies",
        kind=Section.Kind.COMPETENCIES,
        reviewer_types=[ReviewerType.SELF, ReviewerType.MANAGER],
        required=False,
    )
    return version


@pytest.fixture
def version(org: Org) -> TemplateVersion:
    return build_version()


CycleFactory = Callable[..., ReviewCycle]


@pytest.fixture
def make_cycle(org: Org, period: PerformancePeriod, version: TemplateVersion) -> CycleFactory:
    """``make_cycle(reviewees, peers={reviewee: [peers]}, phase=..., **fields)``: a
    launched cycle with self, manager, the given peers' and upward assignments."""

    def make(
        reviewees: Iterable[Person],
        *,
        peers: dict[Person, list[Person]] | None = None,
        phase: str = ReviewCycle.Phase.WRITING,
        name: str = "FY2027 annual review",
        **fields: object,
    ) -> ReviewCycle:
        today = datetime.date.today()
        version.locked_at = version.locked_at or datetime.datetime.now(tz=datetime.UTC)
        version.save(update_fields=["locked_at"])
        cycle = ReviewCycle.objects.create(
            name=name,
            template_version=version,
            period=period,
            phase=phase,
            review_types=fields.pop("review_types", ALL_TYPES),
            writing_deadline=fields.pop("writing_deadline", today + datetime.timedelta(days=14)),
            launched_at=datetime.datetime.now(tz=datetime.UTC),
            created_by=org.hr.user,
            **fields,
        )
        for reviewee in reviewees:
            review = Review.objects.create(cycle=cycle, reviewee=reviewee, manager=reviewee.manager)
            rows = [(reviewee, ReviewerType.SELF)]
            if reviewee.manager is not None:
                rows.append((reviewee.manager, ReviewerType.MANAGER))
            rows += [(p, ReviewerType.PEER) for p in (peers or {}).get(reviewee, [])]
            rows += [
                (r, ReviewerType.UPWARD)
                for r in Person.objects.filter(manager=reviewee, status=Person.Status.ACTIVE)
            ]
            Assignment.objects.bulk_create(
                Assignment(review=review, cycle=cycle, writer=writer, type=kind)
                for writer, kind in rows
            )
        return cycle

    return make
