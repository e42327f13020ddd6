"""Giving, requesting, answering, declining, reacting, reporting and company values,
through the services and the access rules that guard them."""

import pytest
from django.core.exceptions import ValidationError

from cadence.feedback import access, services
from cadence.feedback.models import Feedback, FeedbackAsk, FeedbackRequest, Reaction
from cadence.notifications.models import Notification
from cadence.people import services as people
from tests.conftest import make_person


def kinds_for(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_feedback_to_oneself_or_someone_who_left_is_refused(org, fb):
    with pytest.raises(ValidationError) as error:
        access.receiver_for_give(org.engineer.user, org.engineer.pk)
    assert "receiver" in error.value.message_dict
    leaver = make_person("lee.leaver@example.com", manager=org.eng_manager)
    people.person_mark_left(actor=None, person=leaver)
    leaver.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        access.receiver_for_give(org.engineer.user, leaver.pk)
    assert "receiver" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.feedback_give(giver=org.engineer, receiver=leaver, text="Thanks")
    assert "receiver" in error.value.message_dict


def test_empty_text_and_retired_values_are_refused(org, fb):
    with pytest.raises(ValidationError) as error:
        services.feedback_give(giver=org.engineer, receiver=org.seller, text="   ")
    assert "text" in error.value.message_dict
    value = services.value_update(actor=None, value=fb.values["Build trust"], active=False)
    with pytest.raises(ValidationError) as error:
        services.feedback_give(
            giver=org.engineer, receiver=org.seller, text="Thanks", values=[value]
        )
    assert "Build trust" in error.value.message_dict["values"][0]


def test_a_goal_link_must_be_a_goal_the_giver_can_read(org, fb):
    with pytest.raises(ValidationError) as error:
        access.goal_for_link(org.engineer.user, 999999)
    assert "goal" in error.value.message_dict


def test_a_request_refuses_oneself_the_subject_and_leavers_naming_the_field(org, fb):
    me = org.engineer
    for ids in ([me.pk], [], [999999]):
        with pytest.raises(ValidationError) as error:
            access.recipients_for_request(me.user, me, ids)
        assert "recipients" in error.value.message_dict
    leaver = make_person("lea.left@example.com", manager=org.eng_manager)
    people.person_mark_left(actor=None, person=leaver)
    with pytest.raises(ValidationError) as error:
        access.recipients_for_request(me.user, me, [leaver.pk])
    assert "left" in error.value.message_dict["recipients"][0]
    # A manager asks about a report; the report is not asked about themself.
    subject = access.subject_for_request(org.eng_manager.user, org.engineer.pk)
    assert subject == org.engineer
    with pytest.raises(ValidationError) as error:
        access.recipients_for_request(org.eng_manager.user, subject, [org.engineer.pk])
    assert "recipients" in error.value.message_dict
    # Only oneself or one's line.
    with pytest.raises(ValidationError) as error:
        access.subject_for_request(org.engineer.user, org.engineer2.pk)
    assert "subject" in error.value.message_dict
    # The service refuses too, whatever the caller did.
    leaver.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.request_create(
            requester=me, subject=me, recipients=[leaver], topic="project", topic_text="Atlas"
        )
    assert "recipients" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.request_create(
            requester=me, subject=me, recipients=[me], topic="project", topic_text="Atlas"
        )
    assert "recipients" in error.value.message_dict


def test_ask_answer_and_decline(org, fb):
    request = services.request_create(
        requester=org.eng_manager,
        subject=org.engineer,
        recipients=[org.engineer2, org.seller],
        topic=FeedbackRequest.Topic.PROJECT,
        topic_text="Atlas",
        message="How did Ann lead the Atlas launch?",
    )
    asks = {a.recipient_id: a for a in request.asks.all()}
    assert "feedback.asked" in kinds_for(org.engineer2)
    assert "feedback.asked" in kinds_for(org.seller)
    answer = services.ask_answer(ask=asks[org.engineer2.pk], text="Calm and clear.")
    assert answer.receiver == org.engineer and answer.giver == org.engineer2
    assert answer.visibility == Feedback.Visibility.PRIVATE
    assert FeedbackAsk.objects.get(pk=asks[org.engineer2.pk].pk).state == "answered"
    assert "feedback.answered" in kinds_for(org.eng_manager)
    # The answer is private feedback to Ann: the manager reads it through the chain.
    assert access.can_read_feedback(org.eng_manager.user, answer)
    assert not access.can_read_feedback(org.seller.user, answer)
    services.ask_decline(ask=asks[org.seller.pk], reason="I did not work on Atlas.")
    assert "feedback.declined" in kinds_for(org.eng_manager)
    with pytest.raises(ValidationError):
        services.ask_decline(ask=FeedbackAsk.objects.get(pk=asks[org.seller.pk].pk), reason="x")
    with pytest.raises(ValidationError) as error:
        services.ask_decline(
            ask=FeedbackAsk.objects.create(request=request, recipient=org.ceo), reason=" "
        )
    assert "decline_reason" in error.value.message_dict


def test_an_ask_is_answered_only_by_its_recipient(org, fb):
    request = services.request_create(
        requester=org.engineer,
        subject=org.engineer,
        recipients=[org.seller],
        topic="skill",
        topic_text="Negotiation",
    )
    ask = request.asks.get()
    from django.http import Http404

    with pytest.raises(Http404):
        access.ask_for_answer(org.engineer.user, ask.pk)
    assert access.ask_for_answer(org.seller.user, ask.pk) == ask
    # Who sees what of the request.
    assert access.request_for_read(org.seller.user, request.pk) == request
    with pytest.raises(Http404):
        access.request_for_read(org.eng_manager.user, request.pk)


def test_reactions_toggle_and_count_once_per_kind(org, fb):
    on = services.reaction_toggle(feedback=fb.praise, person=org.ceo, kind="applause")
    assert on and Reaction.objects.filter(feedback=fb.praise).count() == 1
    assert not services.reaction_toggle(feedback=fb.praise, person=org.ceo, kind="applause")
    assert Reaction.objects.filter(feedback=fb.praise).count() == 0
    with pytest.raises(ValidationError):
        services.reaction_toggle(feedback=fb.praise, person=org.ceo, kind="thumbs")
    from cadence.people.access import Refused

    with pytest.raises(Refused):
        access.feedback_for_react(org.engineer.user, fb.private.pk)


def test_reporting_once_and_not_by_the_giver(org, fb):
    from cadence.people.access import Refused

    with pytest.raises(Refused):
        access.feedback_for_report(org.engineer2.user, fb.private.pk)
    services.abuse_report(feedback=fb.private, reporter=org.engineer, reason="Rude")
    with pytest.raises(ValidationError):
        services.abuse_report(feedback=fb.private, reporter=org.engineer, reason="Again")
    closed = services.feedback_keep(actor=org.hr.user, feedback=fb.private)
    assert closed == 1
    assert access.can_read_feedback(org.engineer.user, fb.private)


def test_company_values_are_hrs_list(org, fb):
    from cadence.people.access import Refused

    with pytest.raises(Refused):
        access.require_values_manager(org.eng_manager.user)
    with pytest.raises(ValidationError) as error:
        services.value_create(actor=org.hr.user, name="own IT")
    assert "name" in error.value.message_dict
    value = services.value_update(
        actor=org.hr.user, value=fb.values["Own it"], name="Own the outcome"
    )
    assert value.name == "Own the outcome"
    # Feedback tagged before keeps its tag under the new name.
    assert list(fb.private.values.values_list("name", flat=True)) == ["Own the outcome"]
