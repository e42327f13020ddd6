"""HR keeps one person's record by hand: add, edit, mark as left, reactivate.

Who may open these pages is in ``test_views.PAGES``; here: what the forms do, what they
refuse and with which message, and that a refused POST changes nothing.
"""

import datetime

import pytest
from django.urls import reverse

from cadence.accounts.models import User
from cadence.core.models import AuditEvent
from cadence.people.models import Department, Person
from tests.conftest import Org
from tests.people.test_access import MEMBERS, ROLES, Cast, build_cast


@pytest.fixture
def cast(org: Org) -> Cast:
    return build_cast(org)


def form_data(person: Person, **overrides: str) -> dict[str, str]:
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "work_email": person.work_email,
        "employee_id": person.employee_id or "",
        "job_title": person.job_title,
        "level": person.level,
        "department": str(person.department_id or ""),
        "location": person.location,
        "start_date": person.start_date.isoformat() if person.start_date else "",
        "manager": person.manager.work_email if person.manager else "",
    }
    data.update(overrides)
    return data


def test_hr_adds_a_person_with_an_account(cast: Cast) -> None:
    platform = Department.objects.get(full_name="Engineering/Platform")
    response = cast.client("hr_admin").post(
        reverse("people:person_new"),
        {
            "first_name": "Nia",
            "last_name": "Newcomer",
            "work_email": " Nia.Newcomer@Example.com ",
            "employee_id": "E500",
            "job_title": "Engineer",
            "level": "L2",
            "department": str(platform.pk),
            "location": "Lisbon",
            "start_date": "2026-12-01",
            "manager": "E100",
        },
    )
    person = Person.objects.get(work_email="nia.newcomer@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person", args=[person.pk])
    assert person.manager == cast.target
    assert person.reporting_path.startswith(cast.target.reporting_path)
    assert person.department == platform
    assert person.start_date == datetime.date(2026, 12, 1)
    assert person.user is not None and person.user.is_active
    assert not person.user.has_usable_password()
    assert AuditEvent.objects.filter(action="person.create", target_id=str(person.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"work_email": "BOB.engineer@example.com"},
            "work_email",
            "Another person already has this work email.",
        ),
        ({"work_email": "not-an-email"}, "work_email", "Enter a valid email address."),
        ({"employee_id": "E999"}, "employee_id", "Another person already has this employee ID."),
        (
            {"manager": "nobody@example.com"},
            "manager",
            "Nobody has the work email or employee ID “nobody@example.com”.",
        ),
        (
            {"manager": "lee.leaver@example.com"},
            "manager",
            "Lee Leaver has left; choose an active manager.",
        ),
        ({"start_date": "31/31/2026"}, "start_date", "Enter a valid date."),
    ],
)
def test_bad_input_names_the_field_and_adds_nobody(
    cast: Cast, overrides: dict[str, str], field: str, message: str
) -> None:
    before = Person.objects.count()
    data = {"first_name": "Nia", "work_email": "nia@example.com", "manager": ""} | overrides
    response = cast.client("hr_admin").post(reverse("people:person_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in response.text
    assert Person.objects.count() == before


def test_hr_edits_a_person_and_only_the_changes_are_audited(cast: Cast) -> None:
    url = reverse("people:person_edit", args=[cast.target.pk])
    client = cast.client("hr_admin")
    form = client.get(url).context["form"]
    assert form.initial["manager"] == cast.org.eng_manager.work_email
    response = client.post(url, form_data(cast.target, job_title="Senior Engineer", level="L4"))
    assert response.status_code == 302
    cast.target.refresh_from_db()
    assert (cast.target.job_title, cast.target.level) == ("Senior Engineer", "L4")
    event = AuditEvent.objects.filter(action="person.update").latest("pk")
    assert event.summary.endswith("job_title, level")
    # Saving the unchanged form writes nothing.
    client.post(url, form_data(cast.target))
    assert AuditEvent.objects.filter(action="person.update").count() == 1


def test_changing_the_manager_moves_the_whole_line(cast: Cast) -> None:
    org = cast.org
    url = reverse("people:person_edit", args=[org.eng_manager.pk])
    response = cast.client("hr_admin").post(
        url, form_data(org.eng_manager, manager=org.sales_head.work_email)
    )
    assert response.status_code == 302
    for person in (org.eng_manager, org.engineer, org.engineer2, cast.leaver):
        person.refresh_from_db()
    org.sales_head.refresh_from_db()
    assert org.eng_manager.manager == org.sales_head
    for report in (org.engineer, org.engineer2, cast.leaver):
        assert report.reporting_path.startswith(org.eng_manager.reporting_path), report
        assert report.reporting_path.startswith(org.sales_head.reporting_path), report


def test_a_manager_cycle_is_refused_on_the_manager_field(cast: Cast) -> None:
    org = cast.org
    path = org.eng_head.reporting_path
    response = cast.client("hr_admin").post(
        reverse("people:person_edit", args=[org.eng_head.pk]),
        form_data(org.eng_head, manager=org.engineer.work_email),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "manager": ["Ann Engineer reports to Eng Head: that would make a cycle."]
    }
    org.eng_head.refresh_from_db()
    assert org.eng_head.reporting_path == path and org.eng_head.manager == org.ceo


def test_a_person_who_reports_to_a_leaver_can_still_be_edited(cast: Cast) -> None:
    """Reports keep pointing at a manager who left until HR moves them; editing another
    field must not be blocked by that unchanged manager."""
    report = Person.objects.create(work_email="r@example.com", manager=cast.leaver)
    response = cast.client("hr_admin").post(
        reverse("people:person_edit", args=[report.pk]),
        form_data(report, job_title="Analyst"),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.job_title == "Analyst" and report.manager == cast.leaver


def test_mark_as_left_and_reactivate(cast: Cast) -> None:
    client = cast.client("hr_admin")
    engineer = cast.target
    edit = client.get(reverse("people:person_edit", args=[cast.org.eng_manager.pk])).text
    assert "2 people report to them" in edit
    response = client.post(
        reverse("people:person_leave", args=[engineer.pk]), {"left_on": "2026-11-30"}
    )
    assert response.status_code == 302
    engineer.refresh_from_db()
    assert engineer.status == Person.Status.LEFT
    assert engineer.left_on == datetime.date(2026, 11, 30)
    assert not User.objects.get(pk=engineer.user_id).is_active
    assert "Reactivate" in client.get(reverse("people:person_edit", args=[engineer.pk])).text

    client.post(reverse("people:person_reactivate", args=[engineer.pk]))
    engineer.refresh_from_db()
    assert engineer.status == Person.Status.ACTIVE and engineer.left_on is None
    assert User.objects.get(pk=engineer.user_id).is_active


@pytest.mark.parametrize(
    ("left_on", "message"),
    [
        ("", "Give the last day as a date."),
        (
            "2020-01-31",
            "The last day (2020-01-31) is before the start date of Ann Engineer (2021-03-01).",
        ),
    ],
)
def test_mark_as_left_needs_a_date_after_the_start(cast: Cast, left_on: str, message: str) -> None:
    Person.objects.filter(pk=cast.target.pk).update(start_date=datetime.date(2021, 3, 1))
    client = cast.client("hr_admin")
    response = client.post(
        reverse("people:person_leave", args=[cast.target.pk]), {"left_on": left_on}, follow=True
    )
    assert response.redirect_chain == [(reverse("people:person_edit", args=[cast.target.pk]), 302)]
    assert message in response.text
    cast.target.refresh_from_db()
    assert cast.target.status == Person.Status.ACTIVE


@pytest.mark.parametrize("action", ["edit", "leave", "reactivate", "new"])
def test_nobody_but_hr_can_write(cast: Cast, action: str) -> None:
    target = cast.leaver if action == "reactivate" else cast.target
    url = (
        reverse("people:person_new")
        if action == "new"
        else reverse(f"people:person_{action}", args=[target.pk])
    )
    email = "x@example.com" if action == "new" else target.work_email
    data = form_data(target, job_title="Hacked") | {"left_on": "2026-01-01", "work_email": email}
    audited = AuditEvent.objects.filter(action__startswith="person.").count()
    for role in ROLES:
        if role == "hr_admin":
            continue
        response = cast.client(role).post(url, data)
        expected = 403 if role in MEMBERS else 302 if role != "no_person" else 404
        assert response.status_code == expected, role
        target.refresh_from_db()
        assert target.job_title != "Hacked" and target.status == (
            Person.Status.LEFT if action == "reactivate" else Person.Status.ACTIVE
        ), role
    assert not Person.objects.filter(work_email="x@example.com").exists()
    assert AuditEvent.objects.filter(action__startswith="person.").count() == audited


def test_profile_and_directory_link_to_the_forms_for_hr_only(cast: Cast) -> None:
    edit = reverse("people:person_edit", args=[cast.target.pk])
    new = reverse("people:person_new")
    for role in MEMBERS:
        profile = cast.client(role).get(reverse("people:person", args=[cast.target.pk])).text
        directory = cast.client(role).get(reverse("people:directory")).text
        assert (f'href="{edit}"' in profile) is (role == "hr_admin"), role
        assert (f'href="{new}"' in directory) is (role == "hr_admin"), role
