"""Review cycles: the templates use cases (every write, transactional).

A template's **latest version** is the one HR edits. Once a cycle uses a version it is
locked (``locked_at``) and never changes again: the first edit after that makes
version n + 1, a deep copy of its scale, sections and questions, and the edit lands
there (``version_for_edit``). Every edit below goes through it, so no path writes to a
locked version.

Invariants checked here (each refusal names its field, so forms and the API's 422
point at it): a scale has at least two points with distinct values and a label each;
a question has text and at least one reviewer type, a multiple-choice question at least
two distinct options; a goals or competencies section names who rates it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cadence.accounts.models import User
from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.core.limits import LONG_TEXT
from cadence.reviews.models import (
    Question,
    ReviewerType,
    ReviewTemplate,
    ScalePoint,
    Section,
    TemplateVersion,
)

REVIEWER_TYPES = frozenset(t.value for t in ReviewerType)
MAX_SCALE_POINTS = 11  # 0–10 is the widest scale anyone asked for
MAX_CHOICES = 20
SCALE_VALUE_MAX = 100

# The scale a new template starts with; HR changes it on the editor.
DEFAULT_SCALE = (
    (1, "Below expectations", "Misses several expectations of the role."),
    (2, "Partly meets", "Meets some expectations; needs support on others."),
    (3, "Meets expectations", "Does what the role asks, reliably."),
    (4, "Exceeds", "Often goes beyond what the role asks."),
    (5, "Far exceeds", "Sets the standard others learn from."),
)


# --- the content of a version, as pages and the API send it --------------------------


@dataclass
class ScalePointData:
    value: int
    label: str
    description: str = ""


@dataclass
class QuestionData:
    text: str
    kind: str = Question.Kind.RATING
    help_text: str = ""
    choices: list[str] = field(default_factory=list)
    reviewer_types: list[str] = field(default_factory=list)
    required: bool = True


@dataclass
class SectionData:
    title: str
    kind: str = Section.Kind.QUESTIONS
    reviewer_types: list[str] = field(default_factory=list)
    required: bool = True
    questions: list[QuestionData] = field(default_factory=list)


def clean_scale(points: Sequence[ScalePointData], *, prefix: str = "") -> list[ScalePointData]:
    """The points sorted by value, trimmed; refuses fewer than two, a repeated value,
    a value out of range or a point without a label."""
    cleaned = []
    seen: set[int] = set()
    for index, point in enumerate(points):
        here = f"{prefix}scale.{index}."
        label = point.label.strip()
        if not label:
            raise ValidationError(
                {
                    f"{here}label": _("Give point %(value)s of the scale a label.")
                    % {"value": point.value}
                }
            )
        if len(label) > 100:
            raise ValidationError({f"{here}label": _("A label has at most 100 characters.")})
        if not 0 <= point.value <= SCALE_VALUE_MAX:
            raise ValidationError(
                {f"{here}value": _("A scale value is a whole number from 0 to 100.")}
            )
        if point.value in seen:
            raise ValidationError(
                {
                    f"{here}value": _("The scale has the value %(value)s twice: values differ.")
                    % {"value": point.value}
                }
            )
        if len(point.description) > LONG_TEXT:
            raise ValidationError({f"{here}description": _("The description is too long.")})
        seen.add(point.value)
        cleaned.append(ScalePointData(point.value, label, point.description.strip()))
    if len(cleaned) < 2:
        raise ValidationError({f"{prefix}scale": _("A rating scale needs at least two points.")})
    if len(cleaned) > MAX_SCALE_POINTS:
        raise ValidationError(
            {
                f"{prefix}scale": _("A rating scale has at most %(n)s points.")
                % {"n": MAX_SCALE_POINTS}
            }
        )
    return sorted(cleaned, key=lambda p: p.value)


def _clean_types(types: Iterable[str], where: str, *, needed: bool) -> list[str]:
    chosen = list(dict.fromkeys(types))
    unknown = [t for t in chosen if t not in REVIEWER_TYPES]
    if unknown:
        raise ValidationError(
            {where: _("Unknown reviewer type: %(type)s.") % {"type": ", ".join(unknown)}}
        )
    if needed and not chosen:
        raise ValidationError(
            {where: _("Choose who answers it: self, manager, peer or upward (at least one).")}
        )
    # Kept in the one order every page lists them in.
    return [t.value for t in ReviewerType if t.value in chosen]


def clean_question(data: QuestionData, *, prefix: str = "") -> QuestionData:
    text = data.text.strip()
    if not text:
        raise ValidationError({f"{prefix}text": _("Write the question.")})
    if len(text) > 500:
        raise ValidationError({f"{prefix}text": _("A question has at most 500 characters.")})
    if data.kind not in Question.Kind.values:
        raise ValidationError({f"{prefix}kind": _("Choose rating, free text or multiple choice.")})
    if len(data.help_text) > LONG_TEXT:
        raise ValidationError({f"{prefix}help_text": _("The help text is too long.")})
    choices: list[str] = []
    if data.kind == Question.Kind.CHOICE:
        choices = list(dict.fromkeys(c.strip() for c in data.choices if c.strip()))
        if len(choices) < 2:
            raise ValidationError(
                {f"{prefix}choices": _("A multiple-choice question needs at least two options.")}
            )
        if len(choices) > MAX_CHOICES or any(len(c) > 200 for c in choices):
            raise ValidationError(
                {
                    f"{prefix}choices": _("At most %(n)s options of 200 characters each.")
                    % {"n": MAX_CHOICES}
                }
            )
    return QuestionData(
        text=text,
        kind=data.kind,
        help_text=data.help_text.strip(),
        choices=choices,
        reviewer_types=_clean_types(data.reviewer_types, f"{prefix}reviewer_types", needed=True),
        required=data.required,
    )


def clean_section(data: SectionData, *, prefix: str = "") -> SectionData:
    title = data.title.strip()
    if not title:
        raise ValidationError({f"{prefix}title": _("Give the section a title.")})
    if len(title) > 200:
        raise ValidationError({f"{prefix}title": _("A title has at most 200 characters.")})
    if data.kind not in Section.Kind.values:
        raise ValidationError(
            {f"{prefix}kind": _("Choose questions, goals of the period or competencies.")}
        )
    rated = data.kind != Section.Kind.QUESTIONS
    types = _clean_types(data.reviewer_types, f"{prefix}reviewer_types", needed=rated)
    if rated and data.questions:
        raise ValidationError(
            {
                f"{prefix}questions": _(
                    "A goals or competencies section lists its items itself: "
                    "it has no questions of its own."
                )
            }
        )
    questions = [
        clean_question(q, prefix=f"{prefix}questions.{i}.") for i, q in enumerate(data.questions)
    ]
    return SectionData(
        title=title,
        kind=data.kind,
        reviewer_types=types if rated else [],
        required=data.required if rated else True,
        questions=questions,
    )


def _user(actor: Actor) -> User | None:
    return actor if actor.is_authenticated else None


# --- templates ----------------------------------------------------------------------------


def _clean_name(name: str, description: str, *, exclude: int | None = None) -> tuple[str, str]:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the template a name.")})
    if len(name) > 200:
        raise ValidationError({"name": _("A name has at most 200 characters.")})
    if len(description) > LONG_TEXT:
        raise ValidationError({"description": _("The description is too long.")})
    others = ReviewTemplate.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError(
            {"name": _("There is already a template named %(name)s.") % {"name": name}}
        )
    return name, description.strip()


@transaction.atomic
def template_create(*, actor: Actor, name: str, description: str = "") -> ReviewTemplate:
    """A new template with version 1: the default five-point scale and no sections."""
    name, description = _clean_name(name, description)
    template = ReviewTemplate.objects.create(name=name, description=description)
    version = TemplateVersion.objects.create(template=template, number=1, created_by=_user(actor))
    ScalePoint.objects.bulk_create(
        ScalePoint(version=version, value=v, label=label, description=d)
        for v, label, d in DEFAULT_SCALE
    )
    audit(actor=actor, action="review_template.create", target=template, summary=name)
    return template


@transaction.atomic
def template_update(
    *, actor: Actor, template: ReviewTemplate, name: str, description: str = ""
) -> ReviewTemplate:
    """Name and description belong to the template, not to a version: a cycle shows
    the template's current name."""
    name, description = _clean_name(name, description, exclude=template.pk)
    template.name, template.description = name, description
    template.save(update_fields=["name", "description"])
    audit(actor=actor, action="review_template.update", target=template, summary=name)
    return template


@transaction.atomic
def template_archive(
    *, actor: Actor, template: ReviewTemplate, archived: bool = True
) -> ReviewTemplate:
    """An archived template is no longer offered for new cycles; the cycles that use
    it are untouched."""
    template.archived = archived
    template.save(update_fields=["archived"])
    audit(
        actor=actor,
        action="review_template.archive" if archived else "review_template.restore",
        target=template,
        summary=template.name,
    )
    return template


def latest_version(template: ReviewTemplate) -> TemplateVersion:
    version = template.versions.order_by("-number").first()
    if version is None:  # every template is created with version 1
        raise TemplateVersion.DoesNotExist
    return version


# --- versions ----------------------------------------------------------------------------


@dataclass
class VersionCopy:
    version: TemplateVersion
    sections: dict[int, Section]
    questions: dict[int, Question]


def _copy_version(actor: Actor, version: TemplateVersion) -> VersionCopy:
    copy = TemplateVersion.objects.create(
        template=version.template, number=version.number + 1, created_by=_user(actor)
    )
    ScalePoint.objects.bulk_create(
        ScalePoint(version=copy, value=p.value, label=p.label, description=p.description)
        for p in version.scale.all()
    )
    sections: dict[int, Section] = {}
    questions: dict[int, Question] = {}
    for section in version.sections.prefetch_related("questions"):
        new_section = Section.objects.create(
            version=copy,
            order=section.order,
            title=section.title,
            kind=section.kind,
            reviewer_types=list(section.reviewer_types),
            required=section.required,
        )
        sections[section.pk] = new_section
        for question in section.questions.all():
            questions[question.pk] = Question.objects.create(
                section=new_section,
                order=question.order,
                kind=question.kind,
                text=question.text,
                help_text=question.help_text,
                choices=list(question.choices),
                reviewer_types=list(question.reviewer_types),
                required=question.required,
            )
    return VersionCopy(copy, sections, questions)


def _editable(actor: Actor, version: TemplateVersion) -> VersionCopy | None:
    """None when ``version`` may be changed in place; else the copy to change instead.

    Locks the template's row first, so that two editors of one locked version make one
    copy between them."""
    ReviewTemplate.objects.select_for_update().filter(pk=version.template_id).first()
    # The version's own row too: the launch writes ``locked_at`` on it, so an edit either
    # waits for a launch under way (and then copies) or the launch waits for the edit.
    fresh = (
        TemplateVersion.objects.select_for_update(of=("self",))
        .select_related("template")
        .get(pk=version.pk)
    )
    latest = latest_version(fresh.template)
    if latest.pk != fresh.pk:
        raise ValidationError(
            {
                "version": _(
                    "Version %(old)s has been replaced by version %(new)s: reload the page "
                    "and make the change there."
                )
                % {"old": fresh.number, "new": latest.number}
            }
        )
    if not fresh.is_locked:
        return None
    copy = _copy_version(actor, fresh)
    audit(
        actor=actor,
        action="review_template.version",
        target=fresh.template,
        summary=f"{fresh.template}: version {copy.version.number}, "
        f"version {fresh.number} is used by a cycle and stays as it was",
        data={"version": copy.version.pk, "based_on": fresh.pk},
    )
    return copy


@transaction.atomic
def version_for_edit(*, actor: Actor, template: ReviewTemplate) -> TemplateVersion:
    """The template's editable version: the latest one, or — when a cycle uses the
    latest — its copy as the next version. After it, the answer is never locked."""
    version = latest_version(template)
    copy = _editable(actor, version)
    return copy.version if copy is not None else version


def _changed(actor: Actor, version: TemplateVersion, summary: str) -> None:
    audit(
        actor=actor,
        action="review_template.change",
        target=version.template,
        summary=f"{version.template} v{version.number}: {summary}"[:500],
        data={"version": version.pk},
    )


@transaction.atomic
def scale_set(
    *, actor: Actor, template: ReviewTemplate, points: Sequence[ScalePointData]
) -> TemplateVersion:
    """Replace the editable version's rating scale; answers the version changed."""
    cleaned = clean_scale(points)
    version = version_for_edit(actor=actor, template=template)
    version.scale.all().delete()
    ScalePoint.objects.bulk_create(
        ScalePoint(version=version, value=p.value, label=p.label, description=p.description)
        for p in cleaned
    )
    _changed(actor, version, f"rating scale {cleaned[0].value}–{cleaned[-1].value}")
    return version


@transaction.atomic
def section_add(*, actor: Actor, template: ReviewTemplate, data: SectionData) -> Section:
    cleaned = clean_section(data)
    version = version_for_edit(actor=actor, template=template)
    order = (version.sections.aggregate(o=Max("order"))["o"] or 0) + 1
    section = Section.objects.create(
        version=version,
        order=order,
        title=cleaned.title,
        kind=cleaned.kind,
        reviewer_types=cleaned.reviewer_types,
        required=cleaned.required,
    )
    for index, question in enumerate(cleaned.questions, start=1):
        _question_create(section, question, index)
    _changed(actor, version, f"section {cleaned.title} added")
    return section


def _section_in_editable(actor: Actor, section: Section) -> Section:
    copy = _editable(actor, section.version)
    return copy.sections[section.pk] if copy is not None else section


@transaction.atomic
def section_update(*, actor: Actor, section: Section, data: SectionData) -> Section:
    """Title, who rates and whether required; the kind stays (a questions section's
    questions would be lost)."""
    data.kind = section.kind
    data.questions = []
    cleaned = clean_section(data)
    section = _section_in_editable(actor, section)
    section.title = cleaned.title
    section.reviewer_types = cleaned.reviewer_types
    section.required = cleaned.required
    section.save(update_fields=["title", "reviewer_types", "required"])
    _changed(actor, section.version, f"section {section.title} changed")
    return section


def _renumber(rows: list, moved: object, step: int) -> None:
    """Move ``moved`` one place up (-1) or down (+1) and write 1..n as the order."""
    index = rows.index(moved)
    target = index + step
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.order != position:
            row.order = position
            row.save(update_fields=["order"])


@transaction.atomic
def section_move(*, actor: Actor, section: Section, step: int) -> Section:
    section = _section_in_editable(actor, section)
    rows = list(section.version.sections.order_by("order", "id"))
    moved = next(s for s in rows if s.pk == section.pk)
    _renumber(rows, moved, 1 if step > 0 else -1)
    _changed(actor, section.version, f"section {section.title} moved")
    return moved


@transaction.atomic
def section_remove(*, actor: Actor, section: Section) -> TemplateVersion:
    section = _section_in_editable(actor, section)
    version = section.version
    title = section.title
    section.delete()
    _changed(actor, version, f"section {title} removed")
    return version


def _question_create(section: Section, data: QuestionData, order: int) -> Question:
    return Question.objects.create(
        section=section,
        order=order,
        kind=data.kind,
        text=data.text,
        help_text=data.help_text,
        choices=data.choices,
        reviewer_types=data.reviewer_types,
        required=data.required,
    )


def _require_questions_section(section: Section) -> None:
    if section.kind != Section.Kind.QUESTIONS:
        raise ValidationError(
            {
                "section": _(
                    "%(title)s lists the reviewee's goals or competencies: add questions "
                    "to a questions section."
                )
                % {"title": section.title}
            }
        )


@transaction.atomic
def question_add(*, actor: Actor, section: Section, data: QuestionData) -> Question:
    cleaned = clean_question(data)
    _require_questions_section(section)
    section = _section_in_editable(actor, section)
    order = (section.questions.aggregate(o=Max("order"))["o"] or 0) + 1
    question = _question_create(section, cleaned, order)
    _changed(actor, section.version, f"question added to {section.title}")
    return question


def _question_in_editable(actor: Actor, question: Question) -> Question:
    copy = _editable(actor, question.section.version)
    return copy.questions[question.pk] if copy is not None else question


@transaction.atomic
def question_update(*, actor: Actor, question: Question, data: QuestionData) -> Question:
    cleaned = clean_question(data)
    question = _question_in_editable(actor, question)
    question.kind = cleaned.kind
    question.text = cleaned.text
    question.help_text = cleaned.help_text
    question.choices = cleaned.choices
    question.reviewer_types = cleaned.reviewer_types
    question.required = cleaned.required
    question.save(
        update_fields=["kind", "text", "help_text", "choices", "reviewer_types", "required"]
    )
    _changed(actor, question.section.version, f"question changed in {question.section.title}")
    return question


@transaction.atomic
def question_move(*, actor: Actor, question: Question, step: int) -> Question:
    question = _question_in_editable(actor, question)
    rows = list(question.section.questions.order_by("order", "id"))
    moved = next(q for q in rows if q.pk == question.pk)
    _renumber(rows, moved, 1 if step > 0 else -1)
    _changed(actor, question.section.version, f"question moved in {question.section.title}")
    return moved


@transaction.atomic
def question_remove(*, actor: Actor, question: Question) -> Section:
    question = _question_in_editable(actor, question)
    section = question.section
    question.delete()
    _changed(actor, section.version, f"question removed from {section.title}")
    return section


@transaction.atomic
def version_replace(
    *,
    actor: Actor,
    template: ReviewTemplate,
    scale: Sequence[ScalePointData],
    sections: Sequence[SectionData],
) -> TemplateVersion:
    """Replace the editable version's whole content (the API's PUT): everything is
    checked first, then the scale, sections and questions are written afresh."""
    cleaned_scale = clean_scale(scale)
    cleaned = [clean_section(s, prefix=f"sections.{i}.") for i, s in enumerate(sections)]
    version = version_for_edit(actor=actor, template=template)
    version.scale.all().delete()
    version.sections.all().delete()  # their questions go with them (CASCADE)
    ScalePoint.objects.bulk_create(
        ScalePoint(version=version, value=p.value, label=p.label, description=p.description)
        for p in cleaned_scale
    )
    for order, data in enumerate(cleaned, start=1):
        section = Section.objects.create(
            version=version,
            order=order,
            title=data.title,
            kind=data.kind,
            reviewer_types=data.reviewer_types,
            required=data.required,
        )
        Question.objects.bulk_create(
            Question(
                section=section,
                order=index,
                kind=q.kind,
                text=q.text,
                help_text=q.help_text,
                choices=q.choices,
                reviewer_types=q.reviewer_types,
                required=q.required,
            )
            for index, q in enumerate(data.questions, start=1)
        )
    _changed(actor, version, f"replaced: {len(cleaned)} sections")
    return version


def version_lock(version: TemplateVersion) -> TemplateVersion:
    """Freeze ``version`` (the cycles' launch calls it in its transaction); idempotent."""
    if version.locked_at is None:
        version.locked_at = timezone.now()
        version.save(update_fields=["locked_at"])
    return version
