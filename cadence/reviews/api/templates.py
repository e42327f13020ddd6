"""Review templates over the API, for HR admins (others: 403, or 404 for non-members —
the pages' rule, ``access.require_review_manager``).

``PUT /review-templates/{id}/version`` replaces the editable version's content as a
whole. When a cycle uses the latest version, it is left as it was and the content goes
into the next version (the response's ``version.number`` says which).
"""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cadence.core.api_types import LONG_TEXT, Id, Text
from cadence.core.pagination import KeysetPagination
from cadence.reviews import access
from cadence.reviews import queries_templates as queries
from cadence.reviews.models import Question, ReviewerType, ReviewTemplate, Section, TemplateVersion
from cadence.reviews.services import templates as services

router = Router(tags=["reviews"])

PAGE_SIZE = 50


# --- output ------------------------------------------------------------------------------


class TemplateScalePointOut(Schema):
    value: int
    label: str
    description: str


class TemplateQuestionOut(Schema):
    id: int
    order: int
    kind: Question.Kind
    text: str
    help_text: str
    choices: list[str]
    reviewer_types: list[ReviewerType]
    required: bool


class TemplateSectionOut(Schema):
    id: int
    order: int
    title: str
    kind: Section.Kind
    reviewer_types: list[ReviewerType] = Field(
        description="Goals and competencies sections: who rates each item (empty otherwise)."
    )
    required: bool
    questions: list[TemplateQuestionOut]

    @staticmethod
    def resolve_questions(obj: Section) -> list[Question]:
        return list(obj.questions.all())


class TemplateVersionOut(Schema):
    id: int
    number: int
    locked: bool = Field(description="A cycle uses it: it never changes again.")
    locked_at: datetime.datetime | None
    scale: list[TemplateScalePointOut]
    sections: list[TemplateSectionOut]

    @staticmethod
    def resolve_locked(obj: TemplateVersion) -> bool:
        return obj.is_locked

    @staticmethod
    def resolve_scale(obj: TemplateVersion) -> list[Any]:
        return list(obj.scale.all())

    @staticmethod
    def resolve_sections(obj: TemplateVersion) -> list[Any]:
        return list(obj.sections.all())


class ReviewTemplateOut(Schema):
    id: int
    name: str
    description: str
    archived: bool
    latest_version: int = Field(description="The number of the template's latest version.")


class ReviewTemplateDetailOut(Schema):
    id: int
    name: str
    description: str
    archived: bool
    version: TemplateVersionOut = Field(description="The latest version, whole.")


# --- input -------------------------------------------------------------------------------


class ReviewTemplateIn(Schema):
    name: Text = Field(min_length=1, max_length=200)
    description: Text = Field("", max_length=LONG_TEXT)


class TemplateScalePointIn(Schema):
    value: int = Field(ge=0, le=services.SCALE_VALUE_MAX)
    label: Text = Field(min_length=1, max_length=100)
    description: Text = Field("", max_length=LONG_TEXT)


class TemplateQuestionIn(Schema):
    kind: Question.Kind = Question.Kind.RATING
    text: Text = Field(min_length=1, max_length=500)
    help_text: Text = Field("", max_length=LONG_TEXT)
    choices: list[Annotated[Text, Field(min_length=1, max_length=200)]] = Field(
        [], max_length=services.MAX_CHOICES, description="Multiple choice: the options."
    )
    reviewer_types: list[ReviewerType] = Field(min_length=1, max_length=4)
    required: bool = True


class TemplateSectionIn(Schema):
    title: Text = Field(min_length=1, max_length=200)
    kind: Section.Kind = Section.Kind.QUESTIONS
    reviewer_types: list[ReviewerType] = Field(
        [], max_length=4, description="Goals and competencies sections: who rates each item."
    )
    required: bool = True
    questions: list[TemplateQuestionIn] = Field([], max_length=100)


class TemplateVersionIn(Schema):
    scale: list[TemplateScalePointIn] = Field(min_length=2, max_length=services.MAX_SCALE_POINTS)
    sections: list[TemplateSectionIn] = Field(max_length=50)


# --- helpers -----------------------------------------------------------------------------


def _detail(template: ReviewTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "name": template.name,
        "description": template.description,
        "archived": template.archived,
        "version": queries.latest_whole(template),
    }


# --- operations --------------------------------------------------------------------------


@router.get(
    "/review-templates",
    response=list[ReviewTemplateOut],
    summary="List review templates (HR admins), by name",
)
@paginate(KeysetPagination, page_size=PAGE_SIZE)
def list_templates(request: HttpRequest) -> Any:
    return queries.with_latest_number(access.templates_for_manage(request.user))


@router.post(
    "/review-templates",
    response={201: ReviewTemplateDetailOut},
    summary="Create a review template (version 1, with the default five-point scale)",
)
def create_template(request: HttpRequest, payload: ReviewTemplateIn) -> Status:
    access.require_review_manager(request.user)
    template = services.template_create(
        actor=request.user, name=payload.name, description=payload.description
    )
    return Status(201, _detail(template))


@router.get(
    "/review-templates/{template_id}",
    response=ReviewTemplateDetailOut,
    summary="One review template with its latest version: scale, sections, questions",
)
def get_template(request: HttpRequest, template_id: Id) -> dict[str, Any]:
    return _detail(access.template_for_manage(request.user, template_id))


@router.put(
    "/review-templates/{template_id}/version",
    response=ReviewTemplateDetailOut,
    summary="Replace the editable version's content (a version a cycle uses is copied first)",
)
def replace_version(
    request: HttpRequest, template_id: Id, payload: TemplateVersionIn
) -> dict[str, Any]:
    template = access.template_for_manage(request.user, template_id)
    services.version_replace(
        actor=request.user,
        template=template,
        scale=[services.ScalePointData(p.value, p.label, p.description) for p in payload.scale],
        sections=[
            services.SectionData(
                title=s.title,
                kind=s.kind,
                reviewer_types=[t.value for t in s.reviewer_types],
                required=s.required,
                questions=[
                    services.QuestionData(
                        text=q.text,
                        kind=q.kind,
                        help_text=q.help_text,
                        choices=list(q.choices),
                        reviewer_types=[t.value for t in q.reviewer_types],
                        required=q.required,
                    )
                    for q in s.questions
                ],
            )
            for s in payload.sections
        ],
    )
    return _detail(template)
