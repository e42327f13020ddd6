"""HR's cycle pages: who may open them (exact statuses), the form naming bad fields,
the preview with its reasons and pages, the launch with its confirmation, late joiners,
people changes and the next phase."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cadence.accounts.models import User
from cadence.people.models import Department
from cadence.reviews.models import Assignment, Review, ReviewCycle
from cadence.reviews.services import cycles
from tests.conftest import Org

TODAY = datetime.date.today()


def day(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def form_data(version: Any, period: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "FY2027 annual review",
        "template": version.template_id,
        "period": period.pk,
        "review_types": ["self", "manager", "peer", "upward"],
        "nomination_deadline": day(7),
        "approval_deadline": day(10),
        "writing_deadline": day(30),
        "calibration_deadline": day(40),
        "acknowledgement_deadline": day(60),
        "grace_days": 0,
        "peers_min": 3,
        "peers_max": 5,
        "peer_load_cap": 5,
        "anonymity_threshold": 3,
        "manager_sees_peer_results": "on",
        "reminder_days_before": 3,
        "escalate_after_days": 3,
        "weight_goals": 50,
        "weight_competencies": 30,
        "weight_questions": 20,
        "weight_manager": 60,
        "weight_self": 10,
        "weight_peer": 20,
        "weight_upward": 10,
    }
    data.update(overrides)
    return data


@pytest.fixture
def hr(org: Org) -> Client:
    return org.client_for(org.hr)


@pytest.fixture
def draft(org: Org, period: Any, version: Any) -> ReviewCycle:
    return cycles.cycle_create(
        actor=org.hr.user,
        name="FY2027 annual review",
        template=version.template,
        period=period,
        review_types=["self", "manager", "upward"],
        writing_deadline=TODAY + datetime.timedelta(days=30),
    )


def urls(cycle: ReviewCycle) -> dict[str, tuple[str, str]]:
    pk = cycle.pk
    return {
        "list": ("get", reverse("reviews:cycle_list")),
        "new": ("get", reverse("reviews:cycle_create")),
        "detail": ("get", reverse("reviews:cycle_detail", args=[pk])),
        "edit": ("get", reverse("reviews:cycle_edit", args=[pk])),
        "participants": ("get", reverse("reviews:cycle_participants", args=[pk])),
        "launch": ("get", reverse("reviews:cycle_launch", args=[pk])),
        "launch post": ("post", reverse("reviews:cycle_launch", args=[pk])),
        "late joiners": ("post", reverse("reviews:cycle_late_joiners", args=[pk])),
        "sync": ("post", reverse("reviews:cycle_sync", args=[pk])),
        "advance": ("post", reverse("reviews:cycle_advance", args=[pk])),
    }


@pytest.mark.parametrize(
    "page",
    [
        "list",
        "new",
        "detail",
        "edit",
        "participants",
        "launch",
        "launch post",
        "late joiners",
        "sync",
        "advance",
    ],
)
def test_only_hr_opens_the_cycle_pages(org: Org, draft: ReviewCycle, page: str) -> None:
    method, url = urls(draft)[page]
    robot = User.objects.create_user("robot@example.com", "pw-robot-123")
    outsiders = {
        "anonymous": (Client(), 302),
        "employee": (org.client_for(org.engineer), 403),
        "another team's manager": (org.client_for(org.sales_manager), 403),
        "executive": (org.client_for(org.exec_viewer), 403),
        "no person": (Client(), 404),
    }
    outsiders["no person"][0].force_login(robot)
    for who, (client, status) in outsiders.items():
        response = getattr(client, method)(url, {"phase": "writing"})
        assert response.status_code == status, who
    assert not Review.objects.filter(cycle=draft).exists()
    draft.refresh_from_db()
    assert draft.phase == ReviewCycle.Phase.DRAFT


def test_hr_creates_a_cycle_through_the_form(hr: Client, version: Any, period: Any) -> None:
    engineering = Department.objects.get(full_name="Engineering")
    page = hr.get(reverse("reviews:cycle_create"))
    assert page.status_code == 200
    assert b"Anonymity threshold" in page.content
    response = hr.post(
        reverse("reviews:cycle_create"),
        form_data(
            version,
            period,
            departments=[engineering.pk],
            exclude="bob.engineer@example.com\n",
            anonymity_threshold=4,
        ),
    )
    cycle = ReviewCycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:cycle_detail", args=[cycle.pk])
    assert cycle.criteria["departments"] == [engineering.pk]
    assert len(cycle.criteria["exclude"]) == 1
    assert cycle.anonymity_threshold == 4
    assert cycle.score_weights == {}  # the defaults
    detail = hr.get(response["Location"])
    assert detail.status_code == 200
    assert "3 people take part" in detail.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"approval_deadline": day(6)}, "approval_deadline", "after the peer nomination deadline"),
        ({"weight_goals": 60}, "weight_goals", "add up to 100 (they add up to 110)"),
        ({"anonymity_threshold": 1}, "anonymity_threshold", "greater than or equal to 2"),
        ({"exclude": "nobody@example.com"}, "exclude", "Nobody has the work email"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    hr: Client, version: Any, period: Any, overrides: dict, field: str, words: str
) -> None:
    response = hr.post(reverse("reviews:cycle_create"), form_data(version, period, **overrides))
    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors[field])
    assert not ReviewCycle.objects.exists()


def test_a_draft_is_edited(hr: Client, draft: ReviewCycle, version: Any, period: Any) -> None:
    url = reverse("reviews:cycle_edit", args=[draft.pk])
    page = hr.get(url)
    assert page.status_code == 200
    assert page.context["form"]["name"].value() == draft.name
    response = hr.post(url, form_data(version, period, name="Renamed", review_types=["self"]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.review_types) == ("Renamed", ["self"])


def test_the_preview_lists_who_is_in_and_why_others_are_not(
    org: Org, hr: Client, draft: ReviewCycle
) -> None:
    draft.criteria = {"levels": ["L3"]}
    draft.save(update_fields=["criteria"])
    url = reverse("reviews:cycle_participants", args=[draft.pk])
    response = hr.get(url)
    assert response.status_code == 200
    assert [p.pk for p in response.context["included"]] == [org.engineer.pk]
    assert "Level not chosen" in response.content.decode()
    one_reason = hr.get(url, {"reason": "level", "out": 1})
    assert {p.left_out for p in one_reason.context["left_out"]} == {"level"}


def test_launch_asks_first_then_launches(org: Org, hr: Client, draft: ReviewCycle) -> None:
    url = reverse("reviews:cycle_launch", args=[draft.pk])
    confirm = hr.get(url)
    assert confirm.status_code == 200
    estimate = confirm.context["estimate"]
    assert estimate.preview.included == 10
    assert estimate.assignments == {"self": 10, "manager": 9, "upward": 9}
    assert not Review.objects.filter(cycle=draft).exists()
    response = hr.post(url)
    assert response.status_code == 302
    assert Review.objects.filter(cycle=draft).count() == 10
    assert Assignment.objects.filter(cycle=draft).count() == estimate.assignments_total
    detail = hr.get(reverse("reviews:cycle_detail", args=[draft.pk]))
    counts = detail.context["counts"]
    assert counts.assignments_total == 28
    assert [row.type for row in counts.rows] == ["self", "manager", "upward"]
    # A second launch from a stale page adds nothing.
    assert hr.post(url).status_code == 302
    assert Assignment.objects.filter(cycle=draft).count() == 28


def test_launch_with_nobody_says_why(hr: Client, draft: ReviewCycle) -> None:
    draft.criteria = {"locations": ["Nowhere"]}
    draft.save(update_fields=["criteria"])
    response = hr.post(reverse("reviews:cycle_launch", args=[draft.pk]), follow=True)
    assert "Nobody matches the participants" in response.content.decode()
    draft.refresh_from_db()
    assert draft.phase == ReviewCycle.Phase.DRAFT


def test_late_joiners_sync_and_advance_buttons(org: Org, hr: Client, draft: ReviewCycle) -> None:
    cycles.cycle_launch(actor=org.hr.user, cycle=draft)
    detail = reverse("reviews:cycle_detail", args=[draft.pk])
    response = hr.post(reverse("reviews:cycle_late_joiners", args=[draft.pk]), follow=True)
    assert "Nobody was missing" in response.content.decode()
    response = hr.post(reverse("reviews:cycle_sync", args=[draft.pk]), follow=True)
    assert "0 manager reviews moved" in response.content.decode()
    response = hr.post(
        reverse("reviews:cycle_advance", args=[draft.pk]), {"phase": "release"}, follow=True
    )
    assert "the next phase is Calibration" in response.content.decode()
    response = hr.post(reverse("reviews:cycle_advance", args=[draft.pk]), {"phase": "calibration"})
    assert response.status_code == 302 and response["Location"] == detail
    draft.refresh_from_db()
    assert draft.phase == ReviewCycle.Phase.CALIBRATION
    edit = hr.get(reverse("reviews:cycle_edit", args=[draft.pk]))
    assert edit.status_code == 302


def test_the_list_shows_cycles(hr: Client, draft: ReviewCycle) -> None:
    response = hr.get(reverse("reviews:cycle_list"))
    assert response.status_code == 200
    assert draft.name in response.content.decode()


def test_the_list_comes_a_page_at_a_time(hr: Client, draft: ReviewCycle, monkeypatch) -> None:
    monkeypatch.setattr("cadence.reviews.views_cycles.PAGE_SIZE", 1)
    clone = ReviewCycle.objects.get(pk=draft.pk)
    clone.pk = None
    clone.name = "Mid-year check"
    clone.save()
    first = hr.get(reverse("reviews:cycle_list")).content.decode()
    second = hr.get(reverse("reviews:cycle_list") + "?page=2").content.decode()
    assert "Page 1 of 2" in first and "Mid-year check" in first and draft.name not in first
    assert draft.name in second
