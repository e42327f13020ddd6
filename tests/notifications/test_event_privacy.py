"""Every event about a private goal (and the plans and imports around them): nobody who
may not read the goal is told of it, a reader who loses access later reads "a private
goal", never the title, and every sentence reads as words — names, not emails or codes.
People who left hear nothing; nobody hears of their own act."""

import re

import pytest

from cadence.accounts.models import User
from cadence.goals import access as goal_access
from cadence.goals import services as goals
from cadence.goals.models import Goal
from cadence.goals.notifications import goal_readers
from cadence.notifications import kinds
from cadence.notifications.models import Notification
from cadence.people import services as people
from cadence.people.models import Person
from cadence.planning import services as planning
from cadence.planning.models import PerformancePeriod
from tests.conftest import Org
from tests.notifications.events_world import (
    check_in,
    fresh_user,
    goal_with_kr,
    open_period,
    texts,
    told,
)

pytestmark = pytest.mark.django_db

SECRET = "Negotiate my raise"


@pytest.fixture
def period(org: Org) -> PerformancePeriod:
    return open_period()


def _private_draft(org: Org, period: PerformancePeriod) -> Goal:
    return goals.goal_create(
        actor=fresh_user(org.engineer),
        period=period,
        title=SECRET,
        owner_type=Goal.Owner.PERSON,
        owner_person=org.engineer,
        visibility=Goal.Visibility.PRIVATE,
    )


def _only_readers_were_told(goal: Goal) -> None:
    notes = Notification.objects.filter(target_type="goals.goal", target_id=goal.pk)
    assert notes.exists()
    for note in notes.select_related("recipient"):
        assert goal_access.can_read_goal(fresh_user(note.recipient), goal), note


def _move_ann_to_sales(org: Org) -> None:
    people.person_update(
        actor=None, person=Person.objects.get(pk=org.engineer.pk), manager=org.sales_manager
    )


def test_the_readers_filter_drops_everyone_who_may_not_read_a_private_goal(
    org: Org, period
) -> None:
    goal = _private_draft(org, period)
    everyone = [org.exec_viewer, org.sales_manager, org.seller, org.engineer2, org.eng_manager]
    assert {p.pk for p in goal_readers(goal, [*everyone, org.engineer, org.hr])} == {
        org.eng_manager.pk,
        org.engineer.pk,
        org.hr.pk,
    }
    public, _ = goal_with_kr(org.hr, period, org.engineer, "Ship the importer")
    assert len(goal_readers(public, everyone)) == len(everyone)


def test_a_private_goal_sent_for_approval_and_the_approver_moved_away(org: Org, period) -> None:
    goal = _private_draft(org, period)
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    assert told("goal.submitted") == {org.eng_manager.pk}
    _only_readers_were_told(goal)
    assert texts(org.eng_manager) == [f"Ann Engineer sent a goal for your approval: {SECRET}."]
    _move_ann_to_sales(org)
    assert texts(org.eng_manager) == ["Ann Engineer sent a goal for your approval: a private goal."]


def test_a_private_goal_approved_or_returned_tells_its_owner_only(org: Org, period) -> None:
    goal = _private_draft(org, period)
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    goals.goal_return_to_draft(actor=fresh_user(org.eng_head), goal=goal, comment="Smaller")
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    goals.goal_approve(actor=fresh_user(org.hr), goal=goal)
    assert told("goal.returned") == told("goal.approved") == {org.engineer.pk}
    _only_readers_were_told(goal)
    assert texts(org.engineer) == [
        f"Hr Admin approved your goal: {SECRET}.",
        f"Eng Head sent your goal back to draft: {SECRET}. “Smaller”",
    ]


def test_a_check_in_on_a_private_goal_reaches_its_owner_only(org: Org, period) -> None:
    goal, kr = goal_with_kr(
        org.hr, period, org.engineer, SECRET, visibility=Goal.Visibility.PRIVATE
    )
    check_in(org.eng_manager, kr)
    assert told("goal.check_in") == {org.engineer.pk}
    _only_readers_were_told(goal)


def test_a_goal_made_private_after_a_check_in_reads_as_private_to_who_lost_it(
    org: Org, period
) -> None:
    top, _ = goal_with_kr(org.hr, period, org.eng_manager, "Run the platform")
    goal, kr = goal_with_kr(org.hr, period, org.engineer, SECRET, parent=top)
    check_in(org.hr, kr)
    assert told("goal.check_in") == {org.engineer.pk, org.eng_manager.pk}
    goals.goal_align(actor=fresh_user(org.hr), goal=goal, parent=None)
    goals.goal_update(actor=fresh_user(org.hr), goal=goal, visibility=Goal.Visibility.PRIVATE)
    assert texts(org.eng_manager) == [f"Hr Admin checked in on {SECRET}."]  # still her manager
    _move_ann_to_sales(org)
    assert texts(org.eng_manager) == ["Hr Admin checked in on a private goal."]
    assert texts(org.engineer) == [f"Hr Admin checked in on {SECRET}."]


def test_a_plan_reopened_by_a_private_goal_never_names_it(org: Org, period) -> None:
    plan = planning.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)
    goal, _ = goal_with_kr(
        org.eng_manager, period, org.engineer, SECRET, visibility=Goal.Visibility.PRIVATE
    )
    planning.plan_sign(actor=fresh_user(org.eng_manager), plan=plan)
    planning.plan_sign(actor=fresh_user(org.engineer), plan=plan)
    goals.goal_update(actor=fresh_user(org.hr), goal=goal, title=f"{SECRET} now")
    assert told("plan.reopened") == {org.engineer.pk, org.eng_manager.pk}
    for person in (org.engineer, org.eng_manager):
        [text] = texts(person, "plan.reopened")
        assert SECRET not in text
    # Executives read plans but not private goals: they are told of neither.
    assert not Notification.objects.filter(recipient=org.exec_viewer).exists()
    # A manager who no longer manages Ann may not open her plan: "a plan", unnamed.
    _move_ann_to_sales(org)
    assert texts(org.eng_manager, "plan.reopened") == [
        "Hr Admin changed a plan after it was agreed: it needs both signatures again."
    ]


def test_an_import_reads_as_an_import_once_its_admin_is_no_longer_hr(org: Org) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from cadence.people.models import PeopleImport

    client = org.client_for(org.hr)
    csv = "Work Email,First Name,Last Name\r\nnew.dev@example.com,Kai,Dev\r\n"
    client.post(
        reverse("people:import_start"),
        {"file": SimpleUploadedFile("secret-roster.csv", csv.encode(), content_type="text/csv")},
    )
    client.post(reverse("people:import_confirm", args=[PeopleImport.objects.get().pk]))
    assert "secret-roster.csv" in texts(org.hr)[0]
    User.objects.filter(pk=org.hr.user_id).update(is_hr_admin=False)
    [text] = texts(org.hr)
    assert "secret-roster.csv" not in text and "(an import)" in text


def test_people_who_left_and_the_author_hear_nothing(org: Org, period) -> None:
    top, _ = goal_with_kr(org.hr, period, org.eng_manager, "Run the platform")
    goal, kr = goal_with_kr(org.hr, period, org.engineer, "Ship the importer", parent=top)
    people.person_mark_left(actor=None, person=org.eng_manager)
    check_in(org.engineer, kr)
    assert not Notification.objects.exists()  # the manager left, Ann is the author


def _every_event(org: Org, period: PerformancePeriod) -> None:
    """One of each kind this brief wires, private goals included."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from cadence.people.models import PeopleImport

    plan = planning.plan_open(actor=org.eng_manager.user, person=org.engineer, period=period)
    planning.plan_propose(actor=fresh_user(org.engineer), plan=plan)
    planning.plan_sign(actor=fresh_user(org.engineer), plan=plan)
    planning.plan_sign(actor=fresh_user(org.eng_manager), plan=plan)
    planning.plan_update(actor=fresh_user(org.eng_head), plan=plan, expectations="More")
    goal = _private_draft(org, period)
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    goals.goal_return_to_draft(actor=fresh_user(org.eng_manager), goal=goal, comment="Why?")
    goals.goal_submit(actor=fresh_user(org.engineer), goal=goal)
    goals.goal_approve(actor=fresh_user(org.eng_manager), goal=goal)
    kr = goals.key_result_create(actor=fresh_user(org.hr), goal=goal, title="Raise")
    check_in(org.eng_manager, kr, 1)
    client = org.client_for(org.hr)
    client.post(
        reverse("people:import_start"),
        {
            "file": SimpleUploadedFile(
                "roster.csv", b"Work Email\r\nnew.dev@example.com\r\n", content_type="text/csv"
            )
        },
    )
    client.post(reverse("people:import_confirm", args=[PeopleImport.objects.get().pk]))


WIRED = {
    "plan.proposed",
    "plan.signed",
    "plan.agreed",
    "plan.reopened",
    "goal.submitted",
    "goal.approved",
    "goal.returned",
    "goal.check_in",
    "people.import_applied",
}


def test_every_sentence_reads_as_words(org: Org, period) -> None:
    _every_event(org, period)
    assert set(Notification.objects.values_list("kind", flat=True)) == WIRED
    registered = {k.key for k in kinds.all_kinds()}
    assert registered >= WIRED | {"people.import_failed"}
    emails = re.compile(r"\S+@\S+")
    for person in Person.objects.filter(notifications__isnull=False).distinct():
        for text in texts(person):
            assert text[0].isupper() and text.endswith((".", "”")), text
            assert not emails.search(text), text
            assert not any(code in text for code in registered), text
            assert "{" not in text and "_" not in text and "  " not in text, text
