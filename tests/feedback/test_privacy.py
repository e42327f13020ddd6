"""Private feedback is read by the giver, the receiver and the receiver's manager chain —
nobody else: not a peer, not another team's manager, not the executive, not HR (until
someone reports it). Tried through the pages, the API, search, counts and
notifications. Hidden feedback is gone for everyone but HR."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cadence.feedback import access, queries, services
from cadence.feedback.models import Feedback
from cadence.notifications.models import Notification
from cadence.notifications.rendering import render
from tests.feedback.conftest import PRAISE_TEXT, PRIVATE_TEXT

API = "/api/v1"
READERS = ("engineer", "engineer2", "eng_manager", "eng_head", "ceo")
OUTSIDERS = ("seller", "sales_manager", "sales_head", "exec_viewer", "hr")


def readers_of(org, feedback) -> set[str]:
    return {
        name
        for name in (*READERS, *OUTSIDERS)
        if access.can_read_feedback(getattr(org, name).user, feedback)
    }


def test_private_feedback_reaches_giver_receiver_and_manager_chain_only(org, fb):
    assert readers_of(org, fb.private) == set(READERS)
    for name in (*READERS, *OUTSIDERS):
        user = getattr(org, name).user
        listed = access.feedback_visible_to(user).filter(pk=fb.private.pk).exists()
        assert listed == (name in READERS), name


def test_public_praise_is_for_every_member(org, fb):
    assert readers_of(org, fb.praise) == {*READERS, *OUTSIDERS}
    assert not access.can_read_feedback(None, fb.praise)


@pytest.mark.parametrize("name", OUTSIDERS)
def test_outsiders_meet_no_trace_of_private_feedback(org, fb, name):
    person = getattr(org, name)
    client = org.client_for(person)
    # Page and API: 404, as for feedback that does not exist.
    assert client.get(reverse("feedback:detail", args=[fb.private.pk])).status_code == 404
    assert client.get(f"{API}/feedback/{fb.private.pk}").status_code == 404
    # Reporting or reacting to it: 404 too.
    assert (
        client.post(reverse("feedback:report", args=[fb.private.pk]), {"reason": "x"}).status_code
        == 404
    )
    # The receiver's feedback list, searched for the private words.
    body = client.get(f"{API}/feedback", {"person": org.engineer.pk, "q": "release notes"}).json()
    assert body["items"] == []
    body = client.get(f"{API}/feedback", {"person": org.engineer.pk}).json()
    assert [i["id"] for i in body["items"]] == [fb.praise.pk]
    # Counts: only the praise.
    assert queries.counts_for(person.user, org.engineer) == {
        "received": 1,
        "given": 0,
        "praise": 1,
    }
    # The receiver's profile card and the wall.
    card = client.get(
        reverse("feedback:recognition", args=[org.engineer.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert PRAISE_TEXT in card and PRIVATE_TEXT not in card
    wall = client.get(reverse("feedback:wall")).content.decode()
    assert PRIVATE_TEXT not in wall
    # The review form's evidence.
    import datetime

    day = datetime.date.today()
    evidence = queries.feedback_for_review(person.user, org.engineer, day, day)
    assert [c.feedback.pk for c in evidence] == [fb.praise.pk]


def test_manager_chain_sees_it_in_lists_and_counts(org, fb):
    client = org.client_for(org.eng_head)
    body = client.get(f"{API}/feedback", {"person": org.engineer.pk, "q": "release"}).json()
    assert [i["id"] for i in body["items"]] == [fb.private.pk]
    assert queries.counts_for(org.eng_head.user, org.engineer)["received"] == 2


def test_only_the_receiver_is_told_and_the_words_stay_on_the_page(org, fb):
    told = Notification.objects.filter(target_type="feedback.feedback", target_id=fb.private.pk)
    assert {n.recipient_id for n in told} == {org.engineer.pk}
    [item] = render(org.engineer.user, list(told))
    assert item.text == "Bob Engineer gave you feedback."  # named once, not the words
    # Read by someone else (a notification is never theirs, but the target type's loader
    # is the rule): the neutral words, no name of the giver.
    [seen] = render(org.seller.user, list(told))
    assert seen.url is None, seen.text


def test_hr_reads_private_feedback_only_once_reported(org, fb):
    hr = org.client_for(org.hr)
    assert hr.get(reverse("feedback:detail", args=[fb.private.pk])).status_code == 404
    assert hr.get(reverse("feedback:moderate", args=[fb.private.pk])).status_code == 404
    services.abuse_report(feedback=fb.private, reporter=org.engineer, reason="Hurtful.")
    assert hr.get(reverse("feedback:detail", args=[fb.private.pk])).status_code == 200
    page = hr.get(reverse("feedback:moderate", args=[fb.private.pk]))
    assert page.status_code == 200 and PRIVATE_TEXT in page.content.decode()
    # Still in no list or count of HR's.
    assert not access.feedback_visible_to(org.hr.user).filter(pk=fb.private.pk).exists()
    assert queries.counts_for(org.hr.user, org.engineer)["received"] == 1
    # HR are told, without the reporter's name or the words.
    told = Notification.objects.filter(kind="feedback.reported")
    assert {n.recipient_id for n in told} == {org.hr.pk}
    [item] = render(org.hr.user, list(told))
    assert "Ann" not in item.text and PRIVATE_TEXT not in item.text


def test_hidden_feedback_is_gone_for_everyone_but_hr(org, fb):
    services.abuse_report(feedback=fb.praise, reporter=org.engineer2, reason="Mocking.")
    services.feedback_hide(actor=org.hr.user, feedback=fb.praise, reason="Sarcastic praise.")
    for name in (*READERS, "seller", "exec_viewer"):
        user = getattr(org, name).user
        assert not access.can_read_feedback(user, fb.praise), name
        assert not queries.wall(user).filter(pk=fb.praise.pk).exists()
    assert queries.counts_for(org.engineer.user, org.engineer) == {
        "received": 1,
        "given": 0,
        "praise": 0,
    }
    client = org.client_for(org.engineer)
    assert client.get(f"{API}/feedback/{fb.praise.pk}").status_code == 404
    assert client.get(f"{API}/praise").json()["items"] == []
    assert access.can_read_feedback(org.hr.user, fb.praise)
    body = org.client_for(org.hr).get(f"{API}/feedback/{fb.praise.pk}").json()
    assert body["hidden"] is True
    # The receiver's notification now reads the neutral words.
    told = Notification.objects.filter(target_type="feedback.feedback", target_id=fb.praise.pk)
    [item] = render(org.engineer.user, list(told))
    assert item.url is None and "praise" not in item.text, item.text
    fb.praise.refresh_from_db()
    assert fb.praise.hidden_reason == "Sarcastic praise." and fb.praise.hidden_by == org.hr.user


def test_a_new_manager_reads_what_the_report_received_before(org, fb):
    from cadence.people import services as people

    people.person_update(actor=None, person=org.engineer, manager=org.sales_manager)
    org.engineer.refresh_from_db()
    sales_manager = type(org.sales_manager).objects.get(pk=org.sales_manager.pk)
    assert access.can_read_feedback(sales_manager.user, Feedback.objects.get(pk=fb.private.pk))
    eng_manager = type(org.eng_manager).objects.get(pk=org.eng_manager.pk)
    assert not access.can_read_feedback(eng_manager.user, Feedback.objects.get(pk=fb.private.pk))


def test_anonymous_and_non_members_see_nothing(org, fb):
    anonymous = Client()
    assert anonymous.get(f"{API}/feedback/{fb.praise.pk}").status_code == 401
    assert anonymous.get(f"{API}/praise").status_code == 401
    page = anonymous.get(reverse("feedback:wall"))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_a_linked_goal_is_shown_only_to_readers_of_the_goal(org, fb):
    from cadence.goals.services import goal_create
    from tests.conftest import make_active_period

    period = make_active_period(org, "FY feedback")
    goal = goal_create(
        actor=org.engineer.user,
        period=period,
        title="Private stretch goal",
        owner_type="person",
        owner_person=org.engineer,
        visibility="private",
    )
    # The giver must be able to read it: a peer cannot link it.
    with pytest.raises(ValidationError) as error:
        access.goal_for_link(org.engineer2.user, goal.pk)
    assert "goal" in error.value.message_dict
    praise = services.feedback_give(
        giver=org.eng_manager,
        receiver=org.engineer,
        text="Great progress on your stretch goal.",
        visibility=Feedback.Visibility.PUBLIC,
        goal=access.goal_for_link(org.eng_manager.user, goal.pk),
    )
    mine = org.client_for(org.engineer).get(f"{API}/feedback/{praise.pk}").json()
    assert mine["goal_title"] == "Private stretch goal"
    theirs = org.client_for(org.seller).get(f"{API}/feedback/{praise.pk}").json()
    assert theirs["goal_id"] is None and theirs["goal_title"] is None
    page = org.client_for(org.seller).get(reverse("feedback:detail", args=[praise.pk]))
    assert "Private stretch goal" not in page.content.decode()
