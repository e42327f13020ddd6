"""Review templates: HR admins build them (scale, sections, questions), a version a cycle
uses never changes (the edit makes the next one), the preview per reviewer type, the
API, and who is refused."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cadence.core.models import AuditEvent
from cadence.reviews.models import (
    Question,
    ReviewTemplate,
    ScalePoint,
    Section,
    TemplateVersion,
)
from cadence.reviews.services import templates as services
from cadence.reviews.services.templates import QuestionData, ScalePointData, SectionData
from tests.conftest import Org
from tests.reviews.conftest import CycleFactory

API = "/api/v1"
JSON = "application/json"


def snapshot(version: TemplateVersion) -> dict[str, Any]:
    """Every stored value of a version, its scale, sections and questions."""
    version.refresh_from_db()
    return {
        "version": TemplateVersion.objects.filter(pk=version.pk).values().get(),
        "scale": list(ScalePoint.objects.filter(version=version).order_by("id").values()),
        "sections": list(Section.objects.filter(version=version).order_by("id").values()),
        "questions": list(
            Question.objects.filter(section__version=version).order_by("id").values()
        ),
    }


def hr_client(org: Org) -> Client:
    return org.client_for(org.hr)


# --- services: each refusal names its field -------------------------------------------------


def question(**changes: Any) -> QuestionData:
    return QuestionData(**{"text": "Delivers", "reviewer_types": ["self", "manager"], **changes})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (question(text="  "), "text"),
        (question(text="x" * 501), "text"),
        (question(reviewer_types=[]), "reviewer_types"),
        (question(reviewer_types=["boss"]), "reviewer_types"),
        (question(kind="essay"), "kind"),
        (question(kind=Question.Kind.CHOICE, choices=["Only one"]), "choices"),
        (question(kind=Question.Kind.CHOICE, choices=["Same", " Same "]), "choices"),
    ],
)
def test_a_bad_question_is_refused_naming_its_field(
    org: Org, version: TemplateVersion, data: QuestionData, field: str
) -> None:
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    with pytest.raises(ValidationError) as refused:
        services.question_add(actor=org.hr.user, section=section, data=data)
    assert list(refused.value.message_dict) == [field]
    assert section.questions.count() == 3


@pytest.mark.parametrize(
    ("points", "field"),
    [
        ([ScalePointData(1, "Low")], "scale"),
        ([ScalePointData(1, "Low"), ScalePointData(1, "High")], "scale.1.value"),
        ([ScalePointData(1, "Low"), ScalePointData(2, " ")], "scale.1.label"),
        ([ScalePointData(1, "Low"), ScalePointData(101, "High")], "scale.1.value"),
        ([ScalePointData(v, f"P{v}") for v in range(12)], "scale"),
    ],
)
def test_a_bad_scale_is_refused_naming_its_field(
    org: Org, version: TemplateVersion, points: list[ScalePointData], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.scale_set(actor=org.hr.user, template=version.template, points=points)
    assert list(refused.value.message_dict) == [field]
    assert version.scale.count() == 5


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (SectionData(title=""), "title"),
        (SectionData(title="Goals", kind=Section.Kind.GOALS), "reviewer_types"),
        (SectionData(title="Odd", kind="feelings"), "kind"),
        (
            SectionData(
                title="Goals",
                kind=Section.Kind.GOALS,
                reviewer_types=["self"],
                questions=[question()],
            ),
            "questions",
        ),
    ],
)
def test_a_bad_section_is_refused_naming_its_field(
    org: Org, version: TemplateVersion, data: SectionData, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.section_add(actor=org.hr.user, template=version.template, data=data)
    assert list(refused.value.message_dict) == [field]


def test_a_template_name_is_required_and_unique(org: Org, version: TemplateVersion) -> None:
    for name in ("", "annual REVIEW"):
        with pytest.raises(ValidationError) as refused:
            services.template_create(actor=org.hr.user, name=name)
        assert list(refused.value.message_dict) == ["name"]


def test_a_new_template_starts_with_version_one_and_the_five_point_scale(org: Org) -> None:
    template = services.template_create(actor=org.hr.user, name="Mid-year", description="Short")
    [version] = template.versions.all()
    assert version.number == 1 and not version.is_locked
    assert [p.label for p in version.scale.all()][0] == "Below expectations"
    assert version.scale.count() == 5
    assert AuditEvent.objects.filter(action="review_template.create", target_id=str(template.pk))


# --- versioning -------------------------------------------------------------------------------


def test_an_unused_version_is_edited_in_place(org: Org, version: TemplateVersion) -> None:
    assert services.version_for_edit(actor=org.hr.user, template=version.template) == version
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    added = services.question_add(actor=org.hr.user, section=section, data=question())
    assert added.section == section
    assert version.template.versions.count() == 1


def test_editing_a_locked_version_leaves_it_as_it_was_and_makes_the_next(
    org: Org, version: TemplateVersion, make_cycle: CycleFactory
) -> None:
    make_cycle([org.engineer])
    before = snapshot(version)
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    first = section.questions.order_by("order").first()
    assert first is not None

    changed = services.question_update(
        actor=org.hr.user, question=first, data=question(text="Delivers on time")
    )

    assert snapshot(version) == before
    new = changed.section.version
    assert new.number == 2 and not new.is_locked
    assert new.template == version.template
    # A deep copy: every section and question again, with the one change.
    assert new.scale.count() == version.scale.count()
    assert [s.title for s in new.sections.all()] == [s.title for s in version.sections.all()]
    assert Question.objects.filter(section__version=new).count() == 3
    assert changed.text == "Delivers on time"
    assert AuditEvent.objects.filter(action="review_template.version").count() == 1
    # The next edit goes to version 2 in place: no version 3.
    services.section_update(
        actor=org.hr.user,
        section=changed.section,
        data=SectionData(title="How the year went"),
    )
    assert version.template.versions.count() == 2
    assert snapshot(version) == before


def test_every_kind_of_edit_spares_a_locked_version(
    org: Org, version: TemplateVersion, make_cycle: CycleFactory
) -> None:
    make_cycle([org.engineer])
    before = snapshot(version)
    hr = org.hr.user
    template = version.template
    goals = version.sections.get(kind=Section.Kind.GOALS)
    questions = version.sections.get(kind=Section.Kind.QUESTIONS)
    edits = [
        lambda: services.scale_set(
            actor=hr, template=template, points=[ScalePointData(1, "No"), ScalePointData(2, "Yes")]
        ),
        lambda: services.section_add(actor=hr, template=template, data=SectionData(title="More")),
        lambda: services.section_move(actor=hr, section=goals, step=-1),
        lambda: services.section_remove(actor=hr, section=goals),
        lambda: services.question_add(actor=hr, section=questions, data=question()),
        lambda: services.question_remove(actor=hr, question=questions.questions.first()),
        lambda: services.version_replace(
            actor=hr,
            template=template,
            scale=[ScalePointData(1, "A"), ScalePointData(2, "B")],
            sections=[],
        ),
    ]
    for edit in edits:
        TemplateVersion.objects.filter(template=template).exclude(pk=version.pk).delete()
        edit()
        assert snapshot(version) == before
        assert template.versions.count() == 2


def test_a_stale_form_on_a_replaced_version_is_refused(
    org: Org, version: TemplateVersion, make_cycle: CycleFactory
) -> None:
    make_cycle([org.engineer])
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    services.question_add(actor=org.hr.user, section=section, data=question())
    with pytest.raises(ValidationError) as refused:
        services.question_add(actor=org.hr.user, section=section, data=question())
    assert list(refused.value.message_dict) == ["version"]


def test_sections_and_questions_move_up_and_down(org: Org, version: TemplateVersion) -> None:
    goals = version.sections.get(kind=Section.Kind.GOALS)
    services.section_move(actor=org.hr.user, section=goals, step=-1)
    assert [s.kind for s in version.sections.order_by("order")] == [
        "goals",
        "questions",
        "competencies",
    ]
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    last = section.questions.order_by("order").last()
    assert last is not None
    services.question_move(actor=org.hr.user, question=last, step=-1)
    assert [q.kind for q in section.questions.order_by("order")] == ["rating", "choice", "text"]


# --- pages ------------------------------------------------------------------------------------


def test_hr_lists_creates_and_edits_templates_through_the_pages(
    org: Org, version: TemplateVersion
) -> None:
    client = hr_client(org)
    listing = client.get(reverse("reviews:template_list"))
    assert listing.status_code == 200
    assert "Annual review" in listing.content.decode()

    created = client.post(
        reverse("reviews:template_create"), {"name": "Probation", "description": ""}
    )
    template = ReviewTemplate.objects.get(name="Probation")
    assert created.status_code == 302
    assert created["Location"] == reverse("reviews:template_edit", args=[template.pk])

    editor = client.get(created["Location"])
    assert editor.status_code == 200
    assert "no cycle uses it yet" in editor.content.decode()

    client.post(
        reverse("reviews:template_section_add", args=[template.pk]),
        {
            "title": "Goals",
            "kind": "goals",
            "reviewer_types": ["self", "manager"],
            "required": "on",
        },
    )
    section = Section.objects.get(version__template=template)
    assert section.reviewer_types == ["self", "manager"] and section.required

    client.post(
        reverse("reviews:template_scale", args=[template.pk]),
        {"value": ["1", "2", ""], "label": ["No", "Yes", ""], "description": ["", "", ""]},
    )
    assert [p.label for p in ScalePoint.objects.filter(version__template=template)] == ["No", "Yes"]


def test_a_duplicate_name_is_shown_beside_the_field(org: Org, version: TemplateVersion) -> None:
    response = hr_client(org).post(reverse("reviews:template_create"), {"name": "Annual review"})
    assert response.status_code == 422
    assert "There is already a template named Annual review." in response.content.decode()


def test_adding_a_question_with_htmx_answers_the_section_alone(
    org: Org, version: TemplateVersion
) -> None:
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    url = reverse("reviews:template_question_add", args=[section.pk])
    client = hr_client(org)
    response = client.post(
        url,
        {"kind": "text", "text": "What next?", "reviewer_types": ["self"], "required": "on"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card template-section"')
    assert "What next?" in body and "<html" not in body
    assert section.questions.count() == 4

    refused = client.post(
        url, {"kind": "text", "text": "No one answers"}, headers={"HX-Request": "true"}
    )
    assert "Choose who answers it" in refused.content.decode()
    assert section.questions.count() == 4


def test_the_editor_says_which_version_it_edits_and_why(
    org: Org, version: TemplateVersion, make_cycle: CycleFactory
) -> None:
    make_cycle([org.engineer], name="FY2026 annual review")
    client = hr_client(org)
    url = reverse("reviews:template_edit", args=[version.template_id])
    assert "your next change makes version 2" in client.get(url).content.decode()

    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    response = client.post(
        reverse("reviews:template_question_add", args=[section.pk]),
        {"kind": "rating", "text": "Helps others", "reviewer_types": ["peer"], "required": "on"},
        follow=True,
    )
    body = response.content.decode()
    assert "Version 1 is used by FY2026 annual review and stays as it was" in body
    assert "version 1 is used by FY2026 annual review and stays as it was." in body
    assert "<strong>Version 2</strong>" in body


def test_the_htmx_add_to_a_locked_version_reloads_the_editor(
    org: Org, version: TemplateVersion, make_cycle: CycleFactory
) -> None:
    make_cycle([org.engineer])
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    response = hr_client(org).post(
        reverse("reviews:template_question_add", args=[section.pk]),
        {"kind": "rating", "text": "Helps others", "reviewer_types": ["peer"]},
        headers={"HX-Request": "true"},
    )
    assert response.headers["HX-Redirect"] == reverse(
        "reviews:template_edit", args=[version.template_id]
    )


def test_archive_and_bring_back(org: Org, version: TemplateVersion) -> None:
    client = hr_client(org)
    url = reverse("reviews:template_archive", args=[version.template_id])
    client.post(url, {"archived": "1"})
    version.template.refresh_from_db()
    assert version.template.archived
    client.post(url, {"archived": "0"})
    version.template.refresh_from_db()
    assert not version.template.archived
    assert [e.action for e in AuditEvent.objects.order_by("id")][-2:] == [
        "review_template.archive",
        "review_template.restore",
    ]


@pytest.mark.parametrize(
    ("reviewer_type", "shown", "hidden"),
    [
        ("self", ["Which area grew most?", "Goals of the period"], []),
        ("peer", ["Delivers what was agreed"], ["Which area grew most?", "Goals of the period"]),
    ],
)
def test_the_preview_shows_what_each_reviewer_type_is_asked(
    org: Org, version: TemplateVersion, reviewer_type: str, shown: list[str], hidden: list[str]
) -> None:
    response = hr_client(org).get(
        reverse("reviews:template_preview", args=[version.pk]) + f"?as={reviewer_type}"
    )
    body = response.content.decode()
    assert response.status_code == 200
    for text in shown:
        assert text in body
    for text in hidden:
        assert text not in body


def test_the_editor_reads_in_a_fixed_number_of_queries(
    org: Org, version: TemplateVersion, django_assert_max_num_queries: Any
) -> None:
    client = hr_client(org)
    url = reverse("reviews:template_edit", args=[version.template_id])
    client.get(url)
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    for n in range(5):
        services.question_add(actor=org.hr.user, section=section, data=question(text=f"Q{n}"))
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


# --- refusals ---------------------------------------------------------------------------------


def page_urls(version: TemplateVersion) -> list[tuple[str, str]]:
    section = version.sections.get(kind=Section.Kind.QUESTIONS)
    q = section.questions.first()
    assert q is not None
    t = version.template_id
    return [
        ("get", reverse("reviews:template_list")),
        ("post", reverse("reviews:template_create")),
        ("get", reverse("reviews:template_edit", args=[t])),
        ("post", reverse("reviews:template_details", args=[t])),
        ("post", reverse("reviews:template_archive", args=[t])),
        ("post", reverse("reviews:template_scale", args=[t])),
        ("post", reverse("reviews:template_section_add", args=[t])),
        ("post", reverse("reviews:template_section_edit", args=[section.pk])),
        ("post", reverse("reviews:template_question_add", args=[section.pk])),
        ("post", reverse("reviews:template_question_edit", args=[q.pk])),
        ("get", reverse("reviews:template_preview", args=[version.pk])),
    ]


@pytest.mark.parametrize("who", ["engineer", "eng_manager", "ceo"])
def test_members_who_are_not_hr_are_refused_every_page(
    org: Org, version: TemplateVersion, who: str
) -> None:
    client = org.client_for(getattr(org, who))
    before = snapshot(version)
    for method, url in page_urls(version):
        assert getattr(client, method)(url).status_code == 403, url
    assert snapshot(version) == before
    assert not AuditEvent.objects.filter(action__startswith="review_template")


def test_anonymous_is_sent_to_sign_in(version: TemplateVersion) -> None:
    client = Client()
    for method, url in page_urls(version):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_the_menu_offers_review_templates_to_hr_only(org: Org) -> None:
    url = reverse("reviews:template_list")
    assert url in hr_client(org).get(reverse("home")).content.decode()
    assert url not in org.client_for(org.engineer).get(reverse("home")).content.decode()


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_creates_reads_and_replaces(org: Org, version: TemplateVersion) -> None:
    client = hr_client(org)
    listing = client.get(f"{API}/review-templates")
    assert listing.status_code == 200
    assert listing.json()["items"] == [
        {
            "id": version.template_id,
            "name": "Annual review",
            "description": "",
            "archived": False,
            "latest_version": 1,
        }
    ]
    created = client.post(f"{API}/review-templates", {"name": "Probation"}, content_type=JSON)
    assert created.status_code == 201
    template_id = created.json()["id"]
    assert created.json()["version"]["number"] == 1
    assert len(created.json()["version"]["scale"]) == 5

    body = {
        "scale": [{"value": 1, "label": "Not yet"}, {"value": 2, "label": "Yes"}],
        "sections": [
            {
                "title": "Settling in",
                "questions": [
                    {
                        "kind": "choice",
                        "text": "Onboarding was",
                        "choices": ["Good", "Poor"],
                        "reviewer_types": ["self"],
                    },
                ],
            },
            {"title": "Goals", "kind": "goals", "reviewer_types": ["manager"], "required": False},
        ],
    }
    replaced = client.put(f"{API}/review-templates/{template_id}/version", body, content_type=JSON)
    assert replaced.status_code == 200
    version_out = replaced.json()["version"]
    assert version_out["number"] == 1
    assert [p["label"] for p in version_out["scale"]] == ["Not yet", "Yes"]
    assert [s["title"] for s in version_out["sections"]] == ["Settling in", "Goals"]
    assert version_out["sections"][0]["questions"][0]["choices"] == ["Good", "Poor"]
    assert version_out["sections"][1]["reviewer_types"] == ["manager"]

    got = client.get(f"{API}/review-templates/{template_id}")
    assert got.json() == replaced.json()


def test_the_api_put_on_a_locked_version_makes_the_next(
    org: Org, version: TemplateVersion, make_cycle: CycleFactory
) -> None:
    make_cycle([org.engineer])
    before = snapshot(version)
    body = {"scale": [{"value": 1, "label": "A"}, {"value": 2, "label": "B"}], "sections": []}
    response = hr_client(org).put(
        f"{API}/review-templates/{version.template_id}/version", body, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["version"]["number"] == 2
    assert response.json()["version"]["locked"] is False
    assert snapshot(version) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"scale": [{"value": 1, "label": "A"}, {"value": 1, "label": "B"}], "sections": []},
            "scale.1.value",
        ),
        (
            {
                "scale": [{"value": 1, "label": "A"}, {"value": 2, "label": "B"}],
                "sections": [
                    {
                        "title": "Q",
                        "questions": [
                            {
                                "kind": "choice",
                                "text": "Pick",
                                "choices": ["One"],
                                "reviewer_types": ["self"],
                            }
                        ],
                    }
                ],
            },
            "sections.0.questions.0.choices",
        ),
        (
            {
                "scale": [{"value": 1, "label": "A"}, {"value": 2, "label": "B"}],
                "sections": [{"title": "Goals", "kind": "goals"}],
            },
            "sections.0.reviewer_types",
        ),
    ],
)
def test_the_api_refuses_bad_content_naming_the_field(
    org: Org, version: TemplateVersion, body: dict, field: str
) -> None:
    before = snapshot(version)
    response = hr_client(org).put(
        f"{API}/review-templates/{version.template_id}/version", body, content_type=JSON
    )
    assert response.status_code == 422
    assert field in str(response.json())
    assert snapshot(version) == before


@pytest.mark.parametrize("who", ["engineer", "eng_manager"])
def test_the_api_refuses_members_who_are_not_hr(
    org: Org, version: TemplateVersion, who: str
) -> None:
    client = org.client_for(getattr(org, who))
    t = version.template_id
    assert client.get(f"{API}/review-templates").status_code == 403
    assert client.get(f"{API}/review-templates/{t}").status_code == 403
    assert (
        client.post(f"{API}/review-templates", {"name": "X"}, content_type=JSON).status_code == 403
    )
    body = {"scale": [{"value": 1, "label": "A"}, {"value": 2, "label": "B"}], "sections": []}
    assert (
        client.put(f"{API}/review-templates/{t}/version", body, content_type=JSON).status_code
        == 403
    )
    assert not ReviewTemplate.objects.filter(name="X").exists()


def test_the_api_asks_anonymous_to_authenticate(version: TemplateVersion) -> None:
    client = Client()
    assert client.get(f"{API}/review-templates").status_code == 401
    assert client.get(f"{API}/review-templates/{version.template_id}").status_code == 401


def test_an_unknown_template_is_404_for_hr(org: Org) -> None:
    assert hr_client(org).get(f"{API}/review-templates/999999").status_code == 404
