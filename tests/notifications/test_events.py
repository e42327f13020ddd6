"""The events the areas report through ``notify``: plans, goal approval, check-ins and
the people import — who is told, what they read, and once only. Through the real
services, and for each area once through its page or endpoint."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.goals import services as goals
from cadence.goals.models import Goal
from cadence.notifications import services as notifications
from cadence.notifications.models import Channel, Notification
from cadence.people import services as people
from cadence.people.models import PeopleImport, Person
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod, PerformancePlan
from tests.conftest import Org, make_person
from tests.notifications.events_world import (
    check_in,
    fresh_user,
    goal_with_kr,
    open_period,
    texts,
    told,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def period(org: Org) -> PerformancePeriod:
    return open_period()


@pytest.fixture
def plan(org: Org, period: PerformancePeriod) -> PerformancePlan:
    """Ann's draft plan, opened by her manager."""
    return planning.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)


def agree(org: Org, plan: PerformancePlan) -> PerformancePlan:
    planning.plan_sign(actor=fresh_user(org.eng_manager), plan=plan)
    return planning.plan_sign(actor=fresh_user(org.engineer), plan=plan)


# --- plans -----------------------------------------------------------------------------


def test_a_plan_proposed_by_the_manager_is_told_to_the_employee_only(org: Org, plan) -> None:
    planning.plan_propose(actor=fresh_user(org.eng_manager), plan=plan)
    assert told("plan.proposed") == {org.engineer.pk}
    assert texts(org.engineer) == ["Eng Manager proposed your FY2027 plan for signing."]


def test_a_plan_proposed_by_the_employee_is_told_to_their_manager(org: Org, plan) -> None:
    planning.plan_propose(actor=fresh_user(org.engineer), plan=plan)
    assert told("plan.proposed") == {org.eng_manager.pk}


def test_a_plan_proposed_by_hr_is_told_to_both_sides(org: Org, plan) -> None:
    planning.plan_propose(actor=fresh_user(org.hr), plan=plan)
    assert told("plan.proposed") == {org.engineer.pk, org.eng_manager.pk}


def test_one_signature_is_told_to_the_other_side_and_a_draft_signed_is_not_also_proposed(
    org: Org, plan
) -> None:
    planning.plan_sign(actor=fresh_user(org.eng_manager), plan=plan)
    assert told("plan.signed") == {org.engineer.pk}
    assert not told("plan.proposed")
    assert texts(org.engineer) == [
        "Eng Manager signed your FY2027 plan; it now needs your signature."
    ]


def test_the_agreeing_signature_tells_the_other_side_once_and_not_the_signer(
    org: Org, plan
) -> None:
    agree(org, plan)
    assert told("plan.agreed") == {org.eng_manager.pk}
    # Ann hears of the manager's signature, the manager of the agreement: one item each.
    assert Notification.objects.filter(recipient=org.eng_manager).count() == 1
    assert texts(org.eng_manager) == [
        "The FY2027 plan of Ann Engineer is agreed: Ann Engineer signed it last."
    ]


def test_a_skip_level_manager_signing_is_on_the_manager_side(org: Org, plan) -> None:
    planning.plan_sign(actor=fresh_user(org.eng_head), plan=plan)
    assert told("plan.signed") == {org.engineer.pk}


def test_a_change_to_an_agreed_plan_tells_both_sides_but_the_author_and_cannot_be_off(
    org: Org, plan
) -> None:
    agree(org, plan)
    with pytest.raises(ValueError):
        notifications.preferences_set(org.engineer, {"plan.reopened": Channel.OFF})
    planning.plan_update(
        actor=fresh_user(org.eng_manager), plan=plan, expectations="Lead the importer"
    )
    assert told("plan.reopened") == {org.engineer.pk}
    assert texts(org.engineer, "plan.reopened") == [
        "Eng Manager changed your FY2027 plan after it was agreed: it needs both signatures again."
    ]


def test_a_goal_change_that_reopens_the_plan_tells_both_sides(org: Org, plan) -> None:
    goal, _ = goal_with_kr(org.eng_manager, plan.period, org.engineer, "Ship the importer")
    agree(org, plan)
    goals.goal_update(actor=fresh_user(org.hr), goal=goal, title="Ship the new importer")
    assert told("plan.reopened") == {org.engineer.pk, org.eng_manager.pk}


def test_the_manager_side_is_the_current_manager_when_the_plans_manager_left(
    org: Org, plan
) -> None:
    people.person_mark_left(actor=None, person=org.eng_manager)
    planning.plan_propose(actor=fresh_user(org.engineer), plan=plan)
    # The recorded manager left; Ann's manager is still recorded as them until HR
    # assigns another, so nobody on the manager side is told — never the one who left.
    assert told("plan.proposed") == set()
    people.person_update(
        actor=None, person=Person.objects.get(pk=org.engineer.pk), manager=org.eng_head
    )
    planning.plan_sign(actor=fresh_user(org.engineer), plan=plan)
    assert told("plan.signed") == {org.eng_head.pk}


def test_signing_through_the_page_notifies(org: Org, plan) -> None:
    client = org.client_for(org.eng_manager)
    response = client.post(reverse("planning:plan_sign", args=[plan.pk]), {"comment": ""})
    assert response.status_code == 302
    assert told("plan.signed") == {org.engineer.pk}


# --- goal approval ---------------------------------------------------------------------


def _own_draft(org: Org, period: PerformancePeriod, owner: Person, title: str) -> Goal:
    return goals.goal_create(
        actor=fresh_user(owner),
        period=period,
        title=title,
        owner_type=Goal.Owner.PERSON,
        owner_person=owner,
    )


def test_a_goal_sent_for_approval_goes_to_the_owners_manager(org: Org, period) -> None:
    goal = _own_draft(org, period, org.engineer, "Learn Rust")
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    assert told("goal.submitted") == {org.eng_manager.pk}
    assert texts(org.eng_manager) == ["Ann Engineer sent a goal for your approval: Learn Rust."]


def test_with_the_manager_gone_the_next_one_up_is_asked(org: Org, period) -> None:
    people.person_mark_left(actor=None, person=org.eng_manager)
    goal = _own_draft(org, period, org.engineer, "Learn Rust")
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    assert told("goal.submitted") == {org.eng_head.pk}


def test_the_top_of_the_organisation_is_approved_by_hr(org: Org, period) -> None:
    goal = _own_draft(org, period, org.ceo, "Raise series B")
    goals.goal_submit(actor=fresh_user(org.ceo), goal=goal)
    assert told("goal.submitted") == {org.hr.pk}


def test_approved_and_returned_tell_the_owner_with_the_comment(org: Org, period) -> None:
    goal = _own_draft(org, period, org.engineer, "Learn Rust")
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    goals.goal_return_to_draft(
        actor=fresh_user(org.eng_manager), goal=goal, comment="Add a measure,\n please."
    )
    assert texts(org.engineer) == [
        "Eng Manager sent your goal back to draft: Learn Rust. “Add a measure, please.”"
    ]
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    goals.goal_approve(actor=fresh_user(org.eng_manager), goal=goal)
    assert texts(org.engineer, "goal.approved") == ["Eng Manager approved your goal: Learn Rust."]
    assert told("goal.submitted") == {org.eng_manager.pk}  # twice, to the manager only
    assert Notification.objects.filter(kind="goal.submitted").count() == 2


def test_returned_without_a_comment_ends_with_the_goal(org: Org, period) -> None:
    goal = _own_draft(org, period, org.engineer, "Learn Rust")
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    goals.goal_return_to_draft(actor=fresh_user(org.eng_manager), goal=goal)
    assert texts(org.engineer) == ["Eng Manager sent your goal back to draft: Learn Rust."]


def test_other_moves_tell_no_one(org: Org, period) -> None:
    goal, _ = goal_with_kr(org.eng_manager, period, org.engineer, "Ship the importer")
    goals.goal_set_state(actor=fresh_user(org.eng_manager), goal=goal, state=Goal.State.COMPLETED)
    assert not Notification.objects.exists()


def test_submitting_and_approving_through_the_pages_notify(org: Org, period) -> None:
    goal = _own_draft(org, period, org.engineer, "Learn Rust")
    response = org.client_for(org.engineer).post(reverse("goals:goal_submit", args=[goal.pk]))
    assert response.status_code == 302
    assert told("goal.submitted") == {org.eng_manager.pk}
    response = org.client_for(org.eng_manager).post(reverse("goals:goal_approve", args=[goal.pk]))
    assert response.status_code == 302
    assert told("goal.approved") == {org.engineer.pk}


def test_approving_through_the_api_notifies(org: Org, period) -> None:
    goal = _own_draft(org, period, org.engineer, "Learn Rust")
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    response = org.client_for(org.eng_manager).patch(
        f"{API}/goals/{goal.pk}", {"state": "active"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert told("goal.approved") == {org.engineer.pk}


# --- check-ins -------------------------------------------------------------------------


@pytest.fixture
def chain(org: Org, period):
    """Eng Manager's goal ← Ann's goal ← Bob's goal (each with a key result)."""
    top, top_kr = goal_with_kr(org.hr, period, org.eng_manager, "Run the platform")
    mid, mid_kr = goal_with_kr(org.hr, period, org.engineer, "Ship the importer", parent=top)
    low, low_kr = goal_with_kr(org.hr, period, org.engineer2, "Import tests", parent=mid)
    return top_kr, mid_kr, low_kr


def test_a_check_in_tells_the_owners_up_the_chain_but_the_author(org: Org, chain) -> None:
    _, _, low_kr = chain
    check_in(org.engineer2, low_kr)
    assert told("goal.check_in") == {org.engineer.pk, org.eng_manager.pk}
    assert texts(org.engineer) == ["Bob Engineer checked in on Import tests."]


def test_check_ins_collapse_to_one_item_per_goal_per_day(org: Org, chain, monkeypatch) -> None:
    top_kr, mid_kr, low_kr = chain
    check_in(org.hr, low_kr, 3)
    check_in(org.hr, low_kr, 4)
    check_in(org.engineer2, low_kr, 5)
    assert Notification.objects.filter(recipient=org.engineer).count() == 1
    assert Notification.objects.filter(recipient=org.engineer2).count() == 1  # HR's
    # Another goal is another item; the next day is another item.
    check_in(org.hr, mid_kr, 6)
    assert Notification.objects.filter(recipient=org.engineer).count() == 2
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    check_in(org.hr, low_kr, 7)
    keys = set(
        Notification.objects.filter(recipient=org.engineer).values_list("dedup_key", flat=True)
    )
    low = low_kr.goal_id
    assert keys == {
        f"check-in:{low}:{timezone.localdate(tomorrow - datetime.timedelta(days=1))}",
        f"check-in:{mid_kr.goal_id}:{timezone.localdate(tomorrow - datetime.timedelta(days=1))}",
        f"check-in:{low}:{timezone.localdate(tomorrow)}",
    }


def test_a_check_in_through_the_api_notifies(org: Org, chain) -> None:
    _, _, low_kr = chain
    response = org.client_for(org.engineer2).post(
        f"{API}/key-results/{low_kr.pk}/check-ins",
        {"value": "5", "confidence": "on_track", "comment": ""},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert told("goal.check_in") == {org.engineer.pk, org.eng_manager.pk}


def test_a_check_in_through_the_page_notifies(org: Org, chain) -> None:
    _, mid_kr, _ = chain
    response = org.client_for(org.eng_manager).post(
        reverse("goals:check_in", args=[mid_kr.pk]), {"value": "5", "confidence": "at_risk"}
    )
    assert response.status_code in (200, 302)
    assert told("goal.check_in") == {org.engineer.pk}


def _deep_chain(org: Org, period: PerformancePeriod, depth: int, tag: str):
    """A chain of ``depth`` public goals, each owned by a different person."""
    parent, kr = None, None
    for level in range(depth):
        owner = make_person(f"owner{level}.{tag}@example.com", manager=org.ceo)
        parent, kr = goal_with_kr(org.hr, period, owner, f"{tag} level {level}", parent=parent)
    return kr


def test_a_check_ins_queries_do_not_grow_with_the_depth_or_the_owners(org: Org, period) -> None:
    shallow = _deep_chain(org, period, 2, "short")
    deep = _deep_chain(org, period, 8, "long")
    author = fresh_user(org.hr)
    # A first check-in by the same request's user loads what is cached per request.
    check_in(author, _deep_chain(org, period, 1, "warm"))
    counts = []
    for kr in (shallow, deep):
        # The same value again: nothing changes progress, so the roll-up writes no
        # ancestor and what is left to count is the check-in and its notifications.
        value = kr.current_value
        with CaptureQueriesContext(connection) as queries:
            goals.check_in_create(actor=author, key_result=kr, value=value, confidence="on_track")
        counts.append(len(queries))
    assert told("goal.check_in") == set(
        Person.objects.filter(work_email__startswith="owner").values_list("pk", flat=True)
    )
    assert Notification.objects.filter(kind="goal.check_in").count() == 1 + 2 + 8
    assert counts[0] == counts[1]


# --- the people import -----------------------------------------------------------------

ROSTER = (
    "Employee ID,Work Email,First Name,Last Name,Job Title,Manager Email\r\n"
    "E500,new.lead@example.com,Nia,Lead,Team Lead,eng.head@example.com\r\n"
    "E501,new.dev@example.com,Kai,Dev,Engineer,new.lead@example.com\r\n"
)


def _upload(org: Org, text: str) -> PeopleImport:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = org.client_for(org.hr)
    client.post(
        reverse("people:import_start"),
        {"file": SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")},
    )
    return PeopleImport.objects.get()


def test_an_applied_import_tells_the_hr_admin_who_confirmed_it(org: Org) -> None:
    imported = _upload(org, ROSTER + f"E100,{org.engineer.work_email},Ann,Engineer,Staff,\r\n")
    response = org.client_for(org.hr).post(reverse("people:import_confirm", args=[imported.pk]))
    assert response.status_code == 302
    [note] = Notification.objects.filter(kind="people.import_applied")
    assert note.recipient_id == org.hr.pk and note.actor is None
    assert note.params["counts"] == {
        "created": 2,
        "updated": 1,
        "left": 0,
        "unchanged": 0,
        "errors": 0,
    }
    assert texts(org.hr) == [
        "Your people import is applied (roster.csv): 2 people added, 1 updated, "
        "0 marked as left, 0 unchanged."
    ]


def test_a_failed_import_tells_the_hr_admin_too(org: Org) -> None:
    imported = _upload(org, "Work Email,Manager ID\r\nnew.dev@example.com,E100\r\n")
    people.person_update(actor=None, person=org.engineer, employee_id="E100-B")
    org.client_for(org.hr).post(reverse("people:import_confirm", args=[imported.pk]))
    assert told("people.import_failed") == {org.hr.pk}
    assert texts(org.hr) == [
        "Your people import could not be applied (roster.csv); nothing was changed. "
        "Problems found: 1."
    ]
