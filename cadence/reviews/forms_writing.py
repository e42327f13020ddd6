"""The review form of one assignment: which items its writer answers, in the template's
order, and the answers a page posts.

Items are keyed as answers are (``Answer.item``): ``q:<question id>`` for a question of a
questions section that the writer's type answers, ``g:<goal id>`` for each of the
reviewee's goals of the period in a goals section, ``c:<competency id>`` for each
competency of the reviewee's level in a competencies section. The services validate
against the same list (``review_form``), so the page, the API and the checks agree on
what the form holds.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cadence.goals.models import Goal
from cadence.reviews.evidence import CompetencyRow, reviewee_competencies
from cadence.reviews.models import Assignment, Question, ReviewerType, ScalePoint, Section

RATING, TEXT, CHOICE = Question.Kind.RATING, Question.Kind.TEXT, Question.Kind.CHOICE


@dataclass(frozen=True)
class AnswerValue:
    """What a writer gave for one item: a rating (rating items, goals, competencies), a
    text (a free-text answer, or a comment beside a rating) or a choice."""

    rating: int | None = None
    text: str = ""
    choice: str = ""

    @property
    def is_empty(self) -> bool:
        return self.rating is None and not self.text.strip() and not self.choice


@dataclass(frozen=True)
class Item:
    key: str
    kind: str  # Question.Kind
    title: str
    required: bool
    help_text: str = ""
    choices: tuple[str, ...] = ()
    goal: Goal | None = None  # a goals section's goal, with key results and check-ins
    competency: CompetencyRow | None = None


@dataclass(frozen=True)
class FormSection:
    section: Section
    items: list[Item]


@dataclass(frozen=True)
class ReviewForm:
    scale: list[ScalePoint]
    sections: list[FormSection]

    @property
    def items(self) -> dict[str, Item]:
        return {item.key: item for s in self.sections for item in s.items}

    @property
    def scale_values(self) -> set[int]:
        return {p.value for p in self.scale}


def _answers_this(reviewer_types: list[str], assignment: Assignment) -> bool:
    return assignment.type in (reviewer_types or [])


def review_form(assignment: Assignment, *, goals: list[Goal]) -> ReviewForm:
    """The form of ``assignment``: the template version's sections and items its writer's
    type answers. ``goals`` are the reviewee's goals of the period as the writer may
    read them (``evidence.reviewee_goals``), so a goal hidden from the writer is neither
    shown nor rated. A section with nothing for this writer is left out."""
    version = assignment.cycle.template_version
    scale = list(ScalePoint.objects.filter(version=version).order_by("value"))
    sections = Section.objects.filter(version=version).prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order", "id"))
    )
    competencies: list[CompetencyRow] | None = None
    built: list[FormSection] = []
    for section in sections.order_by("order", "id"):
        items: list[Item]
        if section.kind == Section.Kind.QUESTIONS:
            items = [
                Item(
                    key=f"q:{q.pk}",
                    kind=q.kind,
                    title=q.text,
                    required=q.required,
                    help_text=q.help_text,
                    choices=tuple(q.choices or ()),
                )
                for q in section.questions.all()
                if _answers_this(q.reviewer_types, assignment)
            ]
        elif not _answers_this(section.reviewer_types, assignment):
            items = []
        elif section.kind == Section.Kind.GOALS:
            items = [
                Item(
                    key=f"g:{goal.pk}",
                    kind=RATING,
                    title=goal.title,
                    required=section.required,
                    goal=goal,
                )
                for goal in goals
            ]
        else:
            if competencies is None:
                competencies = reviewee_competencies(assignment.review, assignment.cycle.period)
            items = [
                Item(
                    key=f"c:{row.competency.pk}",
                    kind=RATING,
                    title=row.competency.name,
                    required=section.required,
                    help_text=row.competency.description,
                    competency=row,
                )
                for row in competencies
            ]
        if items:
            built.append(FormSection(section=section, items=items))
    return ReviewForm(scale=scale, sections=built)


def parse_answers(data: Mapping[str, str], form: ReviewForm) -> dict[str, AnswerValue]:
    """The answers a page posted: ``<item>-rating``, ``<item>-text``, ``<item>-choice``
    for each item of the form (others are ignored). A rating that is not a whole number
    is refused naming its question; whether it is on the scale is the services' check."""
    answers: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    for key, item in form.items.items():
        raw = (data.get(f"{key}-rating") or "").strip()
        rating: int | None = None
        if raw:
            try:
                rating = int(raw)
            except ValueError:
                errors[key] = _("“%(item)s”: choose a point of the scale.") % {"item": item.title}
                continue
        answers[key] = AnswerValue(
            rating=rating,
            text=data.get(f"{key}-text") or "",
            choice=data.get(f"{key}-choice") or "",
        )
    if errors:
        raise ValidationError(errors)
    return answers


def parse_answers_shown(data: Mapping[str, str], form: ReviewForm) -> dict[str, AnswerValue]:
    """The posted answers to show again beside their errors (a rating that is not a
    number shows as unanswered)."""
    answers = {}
    for key in form.items:
        raw = (data.get(f"{key}-rating") or "").strip()
        answers[key] = AnswerValue(
            rating=int(raw) if raw.isdigit() else None,
            text=data.get(f"{key}-text") or "",
            choice=data.get(f"{key}-choice") or "",
        )
    return answers


def parse_version(data: Mapping[str, str]) -> int:
    try:
        return int(data.get("version") or "")
    except ValueError:
        raise ValidationError(
            {"version": _("The form lost its version: reload the page.")}
        ) from None


def audience(assignment: Assignment) -> list[str]:
    """Who will read this writer's answers, told before they write (issue 8: anonymity
    and HR's attribution are set per cycle and every writer is told)."""
    cycle = assignment.cycle
    reviewee = assignment.review.reviewee.full_name
    if assignment.type in (ReviewerType.PEER, ReviewerType.UPWARD):
        group = _("peer reviewers") if assignment.type == ReviewerType.PEER else _("their reports")
        lines = [
            _(
                "%(reviewee)s reads your answers only combined with those of the other "
                "%(group)s, and only once at least %(k)s of you have answered; below that "
                "the group's answers are withheld. Comments are shown without names, in a "
                "fixed mixed order, with no dates."
            )
            % {"reviewee": reviewee, "group": group, "k": cycle.anonymity_threshold},
        ]
        if cycle.manager_sees_peer_results:
            lines.append(_("Their managers read the same combined answers."))
        lines.append(
            _("HR admins can see who wrote each answer in this cycle.")
            if cycle.hr_sees_attribution
            else _("Nobody in Cadence, HR admins included, sees who wrote which answer.")
        )
        return lines
    if assignment.type == ReviewerType.SELF:
        return [
            _(
                "Your manager reads your self-review once you submit it; it is part of your "
                "results, which HR admins read too."
            )
        ]
    return [
        _(
            "%(reviewee)s reads your manager review, with your name, once the results are "
            "released; HR admins and the managers above you read it too."
        )
        % {"reviewee": reviewee}
    ]
