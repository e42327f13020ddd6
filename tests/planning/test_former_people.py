"""A plan names the people in its history and its signatures as the pages name anyone
in passing (``people.display``, docs/access.md "People who left"): a manager who left
is named only to those who may still open their profile — on the page and in
``GET /api/v1/plans/{id}``, where ``history[].actor`` is a name, never an email."""

import html

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from cadence.accounts.models import User
from cadence.people import services as people
from cadence.people.display import name_shown
from cadence.planning.models import PerformancePlan
from tests.conftest import Org
from tests.planning.conftest import agree

pytestmark = pytest.mark.django_db

NAME = "Eng Manager"
EMAIL = "eng.manager@example.com"
FORMER = "Former employee"


@pytest.fixture
def left_manager_plan(org: Org, plan: PerformancePlan) -> PerformancePlan:
    """Ann's plan, agreed with her manager, who has left since."""
    agree(org, plan)
    people.person_mark_left(actor=None, person=org.eng_manager)
    return plan


def api_plan(org: Org, who: str, plan: PerformancePlan) -> dict:
    response = org.client_for(getattr(org, who)).get(f"/api/v1/plans/{plan.pk}")
    assert response.status_code == 200
    return response.json()


def test_the_employee_reads_former_employee_for_a_manager_who_left(org, left_manager_plan):
    body = api_plan(org, "engineer", left_manager_plan)
    assert body["manager"] == {"id": None, "full_name": FORMER}
    actors = [e["actor"] for e in body["history"]]
    assert FORMER in actors and "Ann Engineer" in actors
    assert NAME not in actors and EMAIL not in actors
    # Nor in what the history's entries carry (a signature's signer).
    assert EMAIL not in str(body)
    assert NAME not in str(body)
    page = html.unescape(
        org.client_for(org.engineer)
        .get(reverse("planning:plan", args=[left_manager_plan.pk]))
        .content.decode()
    )
    assert NAME not in page and FORMER in page


@pytest.mark.parametrize("who", ["eng_head", "hr", "exec_viewer"])
def test_those_who_may_open_the_profile_read_the_name(org, left_manager_plan, who):
    body = api_plan(org, who, left_manager_plan)
    assert body["manager"] == {"id": org.eng_manager.pk, "full_name": NAME}
    assert {e["actor"] for e in body["history"]} == {NAME, "Ann Engineer"}
    assert {e["data"].get("signer") for e in body["history"]} >= {NAME, "Ann Engineer"}
    assert EMAIL not in [e["actor"] for e in body["history"]]


def test_history_names_people_not_emails_while_everyone_is_there(org, plan):
    agree(org, plan)
    body = api_plan(org, "engineer", plan)
    assert {e["actor"] for e in body["history"]} == {NAME, "Ann Engineer"}
    assert body["manager"] == {"id": org.eng_manager.pk, "full_name": NAME}


def test_an_account_without_a_person_is_named_by_its_email(org):
    account = User.objects.create_user(email="robot@example.com", password="x")
    assert name_shown(org.engineer.user, account) == "robot@example.com"
    assert name_shown(org.engineer.user, None) == ""


def test_the_name_for_filter_applies_the_rule_to_the_reader(org):
    people.person_mark_left(actor=None, person=org.eng_manager)
    template = Template(
        "{% load cadence_format person_display %}{{ who|name_for:reader }}|{{ who|person_name }}"
    )
    leaver = User.objects.get(pk=org.eng_manager.user_id)

    def render(reader: User) -> str:
        request = RequestFactory().get("/")
        return template.render(Context({"who": leaver, "reader": reader, "request": request}))

    # Without a reader (HR-only pages: audit log, import) the name as stored.
    assert render(org.engineer.user) == f"{FORMER}|{NAME}"
    assert render(org.eng_head.user) == f"{NAME}|{NAME}"
