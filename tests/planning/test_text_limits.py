"""The plan and framework forms bound their text as the API does (``core.limits``):
too long or with a NUL character, nothing is saved or signed and the page says which
field and why."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadence.core.limits import COMMENT, LONG_TEXT
from cadence.planning import services
from cadence.planning.models import CompetencyFramework, DevelopmentItem, PerformancePlan
from tests.conftest import Org

TOO_LONG = "x" * (LONG_TEXT + 1)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


@pytest.mark.parametrize("text", [TOO_LONG, "before\x00after"])
def test_expectations_too_long_or_with_nul_are_not_saved(
    org: Org, plan: PerformancePlan, text: str
) -> None:
    response = org.client_for(org.eng_manager).post(
        reverse("planning:plan_expectations", args=[plan.pk]), {"expectations": text}, follow=True
    )
    plan.refresh_from_db()
    assert plan.expectations == ""
    assert "Not saved. Expectations of the role for the period:" in messages_of(response)


def test_expectations_at_the_limit_are_saved(org: Org, plan: PerformancePlan) -> None:
    org.client_for(org.eng_manager).post(
        reverse("planning:plan_expectations", args=[plan.pk]), {"expectations": "x" * LONG_TEXT}
    )
    plan.refresh_from_db()
    assert len(plan.expectations) == LONG_TEXT


def test_a_development_action_too_long_is_not_added(org: Org, plan: PerformancePlan) -> None:
    response = org.client_for(org.eng_manager).post(
        reverse("planning:development_add", args=[plan.pk]),
        {"need": "System design", "action": TOO_LONG},
    )
    assert response.status_code == 200  # the plan again, the form with its error
    assert "Ensure this value has at most" in response.content.decode()
    assert not DevelopmentItem.objects.exists()


def test_a_development_action_too_long_is_not_saved_on_edit(
    org: Org, plan: PerformancePlan
) -> None:
    item = services.development_item_add(
        actor=org.eng_manager.user, plan=plan, need="System design", action="A course"
    )
    response = org.client_for(org.eng_manager).post(
        reverse("planning:development_update", args=[item.pk]),
        {"need": "System design", "action": TOO_LONG},
        follow=True,
    )
    item.refresh_from_db()
    assert item.action == "A course"
    assert "Action: Ensure this value has at most" in messages_of(response)


def test_a_signature_with_a_comment_too_long_is_not_made(org: Org, plan: PerformancePlan) -> None:
    services.plan_propose(actor=org.eng_manager.user, plan=plan)
    response = org.client_for(org.eng_manager).post(
        reverse("planning:plan_sign", args=[plan.pk]), {"comment": "x" * (COMMENT + 1)}, follow=True
    )
    plan.refresh_from_db()
    assert plan.manager_signed_at is None and plan.manager_comment == ""
    assert "Not signed. Comment (optional): Ensure this value has at most" in messages_of(response)
    org.client_for(org.eng_manager).post(
        reverse("planning:plan_sign", args=[plan.pk]), {"comment": "x" * COMMENT}
    )
    plan.refresh_from_db()
    assert plan.manager_signed_at is not None and len(plan.manager_comment) == COMMENT


def test_competency_texts_too_long_are_refused_field_by_field(
    org: Org, framework: CompetencyFramework
) -> None:
    hr = org.client_for(org.hr)
    group = framework.groups.get(name="Delivery")
    response = hr.post(
        reverse("planning:competency_add", args=[group.pk]),
        {"name": "Estimation", "description": TOO_LONG},
        follow=True,
    )
    assert not group.competencies.filter(name="Estimation").exists()
    assert "Description: Ensure this value has at most" in messages_of(response)
    competency = group.competencies.get()
    response = hr.post(
        reverse("planning:expectation_set", args=[competency.pk]),
        {"level": "L9", "behaviour": TOO_LONG},
        follow=True,
    )
    assert not competency.expectations.filter(level="L9").exists()
    assert "Expected behaviour: Ensure this value has at most" in messages_of(response)
    response = hr.post(
        reverse("planning:expectation_set", args=[competency.pk]),
        {"level": "L9", "behaviour": "a\x00b"},
        follow=True,
    )
    assert not competency.expectations.filter(level="L9").exists()
    assert "Expected behaviour: Null characters are not allowed." in messages_of(response)


def test_the_competency_import_bounds_descriptions_and_behaviour(org: Org) -> None:
    framework = services.framework_create(actor=org.hr.user, name="Support")
    text = (
        "Group,Competency,Description,Level,Expected behaviour\n"
        f"Delivery,Ownership,{TOO_LONG},L1,{TOO_LONG}\n"
    )
    response = org.client_for(org.hr).post(
        reverse("planning:competencies_upload", args=[framework.pk]),
        {"file": SimpleUploadedFile("c.csv", text.encode())},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "line 2: Description: is longer than 10000 characters" in page
    assert "line 2: Expected behaviour: is longer than 10000 characters" in page
