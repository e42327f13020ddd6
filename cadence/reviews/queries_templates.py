"""Reads of review templates shared by the editor pages and the API: the list with each
template's latest version, one version whole (scale, sections, questions) in a fixed
number of queries, the cycles that use a version, and a version as one reviewer type
sees it."""

from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet

from cadence.reviews.models import (
    Question,
    ReviewCycle,
    ReviewerType,
    ReviewTemplate,
    Section,
    TemplateVersion,
)


@dataclass
class TemplateRow:
    template: ReviewTemplate
    latest: TemplateVersion
    cycles: list[str]  # names of the cycles using the latest version


def with_latest(templates: QuerySet[ReviewTemplate]) -> list[TemplateRow]:
    """Each template with its latest version and the cycles using that version: three
    queries whatever the number of templates."""
    rows = list(templates.annotate(latest_number=Max("versions__number")).order_by("name", "id"))
    versions = {
        (v.template_id, v.number): v
        for v in TemplateVersion.objects.filter(template__in=[t.pk for t in rows])
    }
    latest = {t.pk: versions[(t.pk, t.latest_number)] for t in rows}
    users: dict[int, list[str]] = {}
    for version_id, name in ReviewCycle.objects.filter(
        template_version__in=[v.pk for v in latest.values()]
    ).values_list("template_version_id", "name"):
        users.setdefault(version_id, []).append(name)
    return [TemplateRow(t, latest[t.pk], sorted(users.get(latest[t.pk].pk, []))) for t in rows]


def with_latest_number(templates: QuerySet[ReviewTemplate]) -> QuerySet[ReviewTemplate]:
    """The API's list: each template with ``latest_version``, by name then id (the
    cursor's key)."""
    return templates.annotate(latest_version=Max("versions__number")).order_by("name", "id")


def version_whole(version_id: int) -> TemplateVersion:
    """The version with its template, scale, sections and questions prefetched."""
    return (
        TemplateVersion.objects.select_related("template")
        .prefetch_related(
            "scale",
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("order", "id").prefetch_related(
                    Prefetch("questions", queryset=Question.objects.order_by("order", "id"))
                ),
            ),
        )
        .get(pk=version_id)
    )


def latest_whole(template: ReviewTemplate) -> TemplateVersion:
    latest = template.versions.order_by("-number").values_list("pk", flat=True).first()
    if latest is None:
        raise TemplateVersion.DoesNotExist
    return version_whole(latest)


def versions_of(template: ReviewTemplate) -> list[TemplateVersion]:
    return list(template.versions.order_by("-number"))


def cycles_using(version: TemplateVersion) -> list[str]:
    return list(
        ReviewCycle.objects.filter(template_version=version)
        .order_by("name")
        .values_list("name", flat=True)
    )


@dataclass
class PreviewSection:
    section: Section
    questions: list[Question]


def preview(version: TemplateVersion, reviewer_type: str) -> list[PreviewSection]:
    """What a writer of ``reviewer_type`` is asked: the questions meant for that type,
    the goals and competencies sections that type rates; empty sections left out.
    ``version`` comes from ``version_whole`` (no query here)."""
    shown = []
    for section in version.sections.all():
        if section.kind != Section.Kind.QUESTIONS:
            if reviewer_type in section.reviewer_types:
                shown.append(PreviewSection(section, []))
            continue
        questions = [q for q in section.questions.all() if reviewer_type in q.reviewer_types]
        if questions:
            shown.append(PreviewSection(section, questions))
    return shown


def reviewer_type_or_default(value: str | None) -> str:
    return value if value in ReviewerType.values else ReviewerType.SELF.value
