"""The plan pages, the periods admin and the competency editor: who gets each page and
each form, then what they do and show."""

import datetime
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cadence.planning import services
from cadence.planning.models import (
    CompetencyExpectation,
    CompetencyFramework,
    DevelopmentItem,
    PerformancePeriod,
    PerformancePlan,
)
from tests.conftest import Org
from tests.people.test_access import MEMBERS, ORG_WIDE, ROLES, Cast, build_cast
from tests.planning.conftest import agree

SIGNED_OUT = frozenset({"anonymous", "deactivated"})
LINE = frozenset({"self", "direct_manager", "skip_manager"})
MANAGERS = frozenset({"direct_manager", "skip_manager", "other_manager"})
HR = frozenset({"hr_admin"})


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def status_for(allowed: frozenset[str], refused: int = 404, ok: int = 200) -> Callable[[str], int]:
    def expected(role: str) -> int:
        if role in allowed:
            return ok
        if role in SIGNED_OUT:
            return 302
        if role not in MEMBERS:
            return 404
        return refused

    return expected


PAGES: dict[str, tuple[Callable[[Cast, PerformancePlan], str], frozenset[str], int]] = {
    "my plan": (lambda c, p: reverse("planning:my_plan"), MEMBERS, 404),
    "team plans": (lambda c, p: reverse("planning:team"), MANAGERS, 404),
    "a report's plan": (lambda c, p: reverse("planning:plan", args=[p.pk]), LINE | ORG_WIDE, 404),
    "periods": (lambda c, p: reverse("planning:periods"), HR, 403),
    "competencies": (lambda c, p: reverse("planning:competencies"), HR, 403),
}


@pytest.mark.parametrize("page", PAGES)
def test_who_gets_each_page(cast: Cast, plan: PerformancePlan, framework, page: str) -> None:
    url_of, allowed, refused = PAGES[page]
    url = url_of(cast, plan)
    actual = {role: cast.client(role).get(url).status_code for role in ROLES}
    assert actual == {role: status_for(allowed, refused)(role) for role in ROLES}


# POST forms: (url, data, roles allowed, status for other members)
EDITORS_OF_ANN = LINE | HR


def _forms(c: Cast, plan: PerformancePlan, fw: CompetencyFramework) -> dict:
    item = DevelopmentItem.objects.get(plan=plan)
    group = fw.groups.first()
    competency = group.competencies.first()
    return {
        "expectations": (
            reverse("planning:plan_expectations", args=[plan.pk]),
            {"expectations": "x"},
            EDITORS_OF_ANN,
        ),
        "add development item": (
            reverse("planning:development_add", args=[plan.pk]),
            {"need": "n", "action": "a"},
            EDITORS_OF_ANN,
        ),
        "update development item": (
            reverse("planning:development_update", args=[item.pk]),
            {"need": "n", "action": "a"},
            EDITORS_OF_ANN,
        ),
        "propose": (reverse("planning:plan_propose", args=[plan.pk]), {}, EDITORS_OF_ANN),
        "open": (
            reverse("planning:plan_open"),
            {"person": c.target.pk, "period": plan.period_id},
            EDITORS_OF_ANN,
        ),
        "create period": (
            reverse("planning:periods"),
            {"name": "P", "kind": "year", "starts_on": "2030-01-01", "ends_on": "2030-12-31"},
            HR,
        ),
        "activate period": (reverse("planning:period_activate", args=[plan.period_id]), {}, HR),
        "new framework": (reverse("planning:framework_create"), {"name": "F"}, HR),
        "add group": (reverse("planning:group_add", args=[fw.pk]), {"name": "G"}, HR),
        "rename group": (reverse("planning:group_edit", args=[group.pk]), {"name": "G2"}, HR),
        "add competency": (reverse("planning:competency_add", args=[group.pk]), {"name": "C"}, HR),
        "edit competency": (
            reverse("planning:competency_edit", args=[competency.pk]),
            {"name": competency.name},
            HR,
        ),
        "set expectation": (
            reverse("planning:expectation_set", args=[competency.pk]),
            {"level": "L9", "behaviour": "b"},
            HR,
        ),
        "confirm import": (reverse("planning:competencies_confirm", args=[fw.pk]), {}, HR),
    }


FORM_NAMES = [
    "expectations",
    "add development item",
    "update development item",
    "propose",
    "open",
    "create period",
    "activate period",
    "new framework",
    "add group",
    "rename group",
    "add competency",
    "edit competency",
    "set expectation",
    "confirm import",
]


@pytest.mark.parametrize("name", FORM_NAMES)
def test_refused_forms(
    org: Org, cast: Cast, plan: PerformancePlan, framework: CompetencyFramework, name: str
) -> None:
    """Signed out → sign-in; unrelated employee and another branch's manager → 404 for
    Ann's plan (they may not know it exists) or 403 for HR pages; executives → 403."""
    services.development_item_add(actor=org.eng_manager.user, plan=plan, need="n", action="a")
    url, data, allowed = _forms(cast, plan, framework)[name]
    hr_only = allowed == HR
    for role in ("anonymous", "employee", "other_manager", "executive", "no_person"):
        expected = {"anonymous": 302, "no_person": 404}.get(role)
        if expected is None:
            expected = 403 if hr_only or role == "executive" else 404
        assert cast.client(role).post(url, data).status_code == expected, role
    assert not PerformancePeriod.objects.filter(name="P").exists()
    assert not CompetencyFramework.objects.filter(name="F").exists()


def test_sign_refusals(cast: Cast, plan: PerformancePlan) -> None:
    url = reverse("planning:plan_sign", args=[plan.pk])
    statuses = {
        role: cast.client(role).post(url, {"comment": "x"}).status_code
        for role in ("anonymous", "employee", "colleague", "other_manager", "hr_admin", "executive")
    }
    assert statuses == {
        "anonymous": 302,
        "employee": 404,
        "colleague": 404,
        "other_manager": 404,
        "hr_admin": 403,
        "executive": 403,
    }
    plan.refresh_from_db()
    assert plan.employee_signed_at is None and plan.manager_signed_at is None


# --- the sign-off flow through the pages ----------------------------------------------


def test_sign_off_flow(org: Org, period: PerformancePeriod, framework) -> None:
    manager = org.client_for(org.eng_manager)
    response = manager.post(
        reverse("planning:plan_open"), {"person": org.engineer.pk, "period": period.pk}
    )
    plan = PerformancePlan.objects.get(person=org.engineer, period=period)
    assert response.url == reverse("planning:plan", args=[plan.pk])
    url = response.url
    manager.post(
        reverse("planning:plan_expectations", args=[plan.pk]),
        {"expectations": "Own the billing service"},
    )
    manager.post(
        reverse("planning:development_add", args=[plan.pk]),
        {"need": "System design", "action": "Design review course", "due_on": "2027-05-01"},
    )
    manager.post(reverse("planning:plan_propose", args=[plan.pk]))
    manager.post(reverse("planning:plan_sign", args=[plan.pk]), {"comment": "Looks right"})
    page = manager.get(url).content.decode()
    assert "Own the billing service" in page and "System design" in page
    assert "Looks right" in page and "Sign as manager" not in page
    assert "Delivers own work end to end" in page  # competencies at L3
    employee = org.client_for(org.engineer)
    mine = employee.get(reverse("planning:my_plan")).content.decode()
    assert "Sign as employee" in mine and "Proposed" in mine
    employee.post(reverse("planning:plan_sign", args=[plan.pk]), {"comment": "Agreed"})
    plan.refresh_from_db()
    assert plan.state == PerformancePlan.State.AGREED
    page = employee.get(url).content.decode()
    assert "Agreed on" in page and page.count("Signed <time") == 2


def test_change_after_agreement_reopens(org: Org, plan: PerformancePlan) -> None:
    agree(org, plan)
    org.client_for(org.engineer).post(
        reverse("planning:development_add", args=[plan.pk]),
        {"need": "Mentoring", "action": "Mentor an intern"},
    )
    plan.refresh_from_db()
    assert (plan.state, plan.revision) == (PerformancePlan.State.PROPOSED, 2)
    page = (
        org.client_for(org.eng_manager)
        .get(reverse("planning:plan", args=[plan.pk]))
        .content.decode()
    )
    assert "Reopened" in page and "Development item added: Mentoring" in page
    assert "Sign as manager" in page


def test_invalid_development_item_shows_errors(org: Org, plan: PerformancePlan) -> None:
    response = org.client_for(org.eng_manager).post(
        reverse("planning:development_add", args=[plan.pk]), {"need": "", "action": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not plan.development_items.exists()


def test_start_from_previous_from_team_page(org: Org, previous_period, period) -> None:
    old = services.plan_open(
        actor=org.eng_manager.user, person=org.engineer, period=previous_period
    )
    services.plan_update(actor=org.eng_manager.user, plan=old, expectations="Keep this")
    manager = org.client_for(org.eng_manager)
    team = manager.get(reverse("planning:team") + f"?period={period.pk}").content.decode()
    assert "2 reports without an agreed plan" in team
    manager.post(
        reverse("planning:plan_open"),
        {"person": org.engineer.pk, "period": period.pk, "from_previous": "on"},
    )
    new = PerformancePlan.objects.get(person=org.engineer, period=period)
    assert new.started_from == old and new.expectations == "Keep this"


def test_team_page_costs_constant_queries(
    org: Org, period: PerformancePeriod, django_assert_max_num_queries
) -> None:
    from tests.conftest import make_person

    client = org.client_for(org.eng_manager)
    url = reverse("planning:team") + f"?period={period.pk}"
    client.get(url)
    with django_assert_max_num_queries(7):
        client.get(url)
    for i in range(8):
        person = make_person(f"extra.{i}@example.com", manager=org.eng_manager)
        services.plan_open(actor=None, person=person, period=period)
    with django_assert_max_num_queries(7):
        assert "10 reports without an agreed plan" in client.get(url).content.decode()


def test_plan_page_queries(
    org: Org, plan: PerformancePlan, framework, django_assert_max_num_queries
) -> None:
    for i in range(5):
        services.development_item_add(actor=None, plan=plan, need=f"n{i}", action="a")
    client = org.client_for(org.eng_manager)
    # 10: the goals' visibility rule resolves the reader's departments once; +1 for the
    # periods of the period selector.
    with django_assert_max_num_queries(11):
        assert client.get(reverse("planning:plan", args=[plan.pk])).status_code == 200


def test_closed_period_plan_is_read_only(org: Org, plan: PerformancePlan) -> None:
    services.period_close(actor=org.hr.user, period=plan.period)
    manager = org.client_for(org.eng_manager)
    page = manager.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert "is closed: this plan is kept as it was" in page
    assert "Save expectations" not in page and "Propose plan" not in page
    response = manager.post(
        reverse("planning:plan_expectations", args=[plan.pk]), {"expectations": "late"}
    )
    assert response.status_code == 403
    assert "FY2027 is closed" in response.content.decode()


def test_executive_reads_without_forms(org: Org, plan: PerformancePlan) -> None:
    page = (
        org.client_for(org.exec_viewer)
        .get(reverse("planning:plan", args=[plan.pk]))
        .content.decode()
    )
    assert "Expectations of the role" in page
    # Nothing to submit; the period selector (a GET form) only navigates.
    assert '<form method="post"' not in page.split("<main", 1)[1]


# --- periods admin -------------------------------------------------------------------


def test_periods_admin(org: Org) -> None:
    hr = org.client_for(org.hr)
    response = hr.post(
        reverse("planning:periods"),
        {"name": "FY2027", "kind": "year", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
    )
    assert response.status_code == 302
    period = PerformancePeriod.objects.get(name="FY2027")
    response = hr.post(
        reverse("planning:periods"),
        {
            "name": "2027-H2",
            "kind": "half",
            "starts_on": "2027-07-01",
            "ends_on": "2028-03-31",
            "parent": period.pk,
        },
    )
    assert response.status_code == 400
    assert "must lie between" in response.content.decode()
    hr.post(reverse("planning:period_activate", args=[period.pk]))
    hr.post(reverse("planning:period_close", args=[period.pk]))
    period.refresh_from_db()
    assert period.is_closed


# --- competency editor -----------------------------------------------------------------


def _upload(client: Client, framework: CompetencyFramework, text: str):
    return client.post(
        reverse("planning:competencies_upload", args=[framework.pk]),
        {"file": SimpleUploadedFile("c.csv", text.encode())},
    )


def test_upload_shows_every_error_and_writes_nothing(org: Org) -> None:
    framework = services.framework_create(actor=org.hr.user, name="Support")
    response = _upload(
        org.client_for(org.hr),
        framework,
        "Group,Competency,Description,Level,Expected behaviour\n,Care,,L1,Listens\nTone,,,L1,\n",
    )
    page = response.content.decode()
    assert response.status_code == 400
    for error in (
        "line 2: Group: is empty",
        "line 3: Competency: is empty",
        "line 3: Expected behaviour: is empty",
    ):
        assert error in page
    assert not framework.groups.exists()


def test_upload_preview_then_confirm(org: Org) -> None:
    framework = services.framework_create(actor=org.hr.user, name="Support")
    hr = org.client_for(org.hr)
    response = _upload(
        hr,
        framework,
        "Group;Competency;Description;Level;Expected behaviour\n"
        "Care;Listening;;L1;Listens to the customer\n",
    )
    assert response.status_code == 200
    assert "Listens to the customer" in response.content.decode()
    assert not framework.groups.exists()
    hr.post(reverse("planning:competencies_confirm", args=[framework.pk]))
    assert (
        CompetencyExpectation.objects.get(competency__group__framework=framework).behaviour
        == "Listens to the customer"
    )


def test_editor_changes_and_frozen_versions(org: Org, framework: CompetencyFramework) -> None:
    hr = org.client_for(org.hr)
    page = hr.get(reverse("planning:competencies") + f"?framework={framework.pk}")
    assert "Delivers own work end to end" in page.content.decode()
    competency = framework.groups.get(name="Delivery").competencies.get()
    hr.post(
        reverse("planning:expectation_set", args=[competency.pk]),
        {"level": "L5", "behaviour": "Sets direction"},
    )
    assert competency.expectations.filter(level="L5").exists()
    services.period_close(actor=org.hr.user, period=framework.period)
    response = hr.post(
        reverse("planning:expectation_set", args=[competency.pk]),
        {"level": "L5", "behaviour": "Changed later"},
    )
    new = CompetencyFramework.objects.get(name="Engineering", version=2)
    assert response.url.endswith(f"?framework={new.pk}")
    assert competency.expectations.get(level="L5").behaviour == "Sets direction"
    page = hr.get(response.url).content.decode()
    assert "stays as it was" in page and "Changed later" in page


def test_command_imports_competencies(org: Org, period: PerformancePeriod, tmp_path) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    good = tmp_path / "c.csv"
    good.write_text(
        "Group,Competency,Description,Level,Expected behaviour\n"
        "Delivery,Focus,,L3,Finishes what they start\n"
    )
    call_command("import_competencies", str(good), framework="Engineering", period="FY2027")
    framework = CompetencyFramework.objects.get(period=period)
    assert framework.name == "Engineering"
    bad = tmp_path / "bad.csv"
    bad.write_text("Group,Competency,Description,Level,Expected behaviour\n,,,,\n")
    with pytest.raises(CommandError):
        call_command("import_competencies", str(bad), framework="Engineering")
    assert CompetencyExpectation.objects.count() == 1
    assert datetime.date(2027, 1, 1) == period.starts_on


def test_refused_hr_forms_that_destroy_or_upload(
    org: Org, cast: Cast, framework: CompetencyFramework
) -> None:
    next_year = services.period_create(
        actor=org.hr.user,
        name="FY2028",
        kind="year",
        starts_on=datetime.date(2028, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
    )
    group = framework.groups.get(name="Delivery")
    competency = group.competencies.get()
    posts = {
        "close period": (reverse("planning:period_close", args=[framework.period_id]), {}),
        "copy framework": (
            reverse("planning:framework_copy", args=[framework.pk]),
            {"period": next_year.pk},
        ),
        "remove group": (
            reverse("planning:group_edit", args=[group.pk]),
            {"name": "x", "delete": "1"},
        ),
        "remove competency": (
            reverse("planning:competency_edit", args=[competency.pk]),
            {"name": "x", "delete": "1"},
        ),
    }
    for name, (url, data) in posts.items():
        for role, status in {
            "anonymous": 302,
            "employee": 403,
            "other_manager": 403,
            "executive": 403,
            "no_person": 404,
        }.items():
            assert cast.client(role).post(url, data).status_code == status, (name, role)
    upload = reverse("planning:competencies_upload", args=[framework.pk])
    for role, status in {
        "anonymous": 302,
        "employee": 403,
        "other_manager": 403,
        "executive": 403,
    }.items():
        file = SimpleUploadedFile("c.csv", b"Group,Competency,Level,Expected behaviour\nA,B,L1,C\n")
        assert cast.client(role).post(upload, {"file": file}).status_code == status, role
    framework.refresh_from_db()
    assert framework.period.state == PerformancePeriod.State.ACTIVE
    assert competency.expectations.count() == 2
    assert CompetencyFramework.objects.count() == 1
