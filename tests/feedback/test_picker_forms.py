"""Giving and asking for feedback with the people picker: colleagues posted as ids (the
chips' hidden inputs), or as work emails without JavaScript, and every refusal the server
makes of a posted id — unknown, forged, left or hidden from the user read alike."""

import pytest
from django.test import Client
from django.urls import reverse

from cadence.feedback.models import Feedback, FeedbackRequest
from cadence.people import services as people
from tests.conftest import make_active_period, make_person

GIVE = reverse("feedback:give")
ASK = reverse("feedback:request_new")


@pytest.fixture
def leaver(org):
    person = make_person("lee.gone@example.com", manager=org.eng_manager)
    people.person_mark_left(actor=None, person=person)
    return person


def give(client, **data):
    return client.post(GIVE, {"text": "Thanks for the review.", "visibility": "private", **data})


def ask(client, **data):
    return client.post(ASK, {"topic": "skill", "topic_text": "SQL", **data})


def test_giving_to_a_colleague_chosen_with_the_picker(org):
    client = org.client_for(org.engineer)
    page = client.get(GIVE).content.decode()
    # The search box is the field (its label reaches it) and asks the picker endpoint.
    assert '<label for="id_receiver">Colleague' in page
    assert 'id="id_receiver"' in page and f'hx-get="{reverse("people:picker")}"' in page
    response = give(client, receiver_ids=org.seller.pk)
    feedback = Feedback.objects.get(text="Thanks for the review.")
    assert response.status_code == 302 and feedback.receiver == org.seller
    # Without JavaScript, a typed work email still works.
    give(client, receiver=org.ceo.work_email, text="Without a script.")
    assert Feedback.objects.get(text="Without a script.").receiver == org.ceo


def test_a_posted_receiver_id_is_checked_like_any_other(org, leaver):
    client = org.client_for(org.engineer)
    for forged in (leaver.pk, 987654, "not-an-id"):
        response = give(client, receiver_ids=forged)
        html = response.content.decode()
        assert (
            response.status_code == 422
            and "Colleague: choose an active colleague from the suggestions" in html
        )
        assert "Lee Gone" not in html
    response = give(client, receiver_ids=org.engineer.pk)
    assert response.status_code == 422
    assert "you cannot give feedback to yourself" in response.content.decode()
    assert not Feedback.objects.filter(text="Thanks for the review.").exists()


def test_a_form_sent_back_keeps_the_chosen_colleague(org):
    response = give(org.client_for(org.engineer), receiver_ids=org.seller.pk, text="")
    html = response.content.decode()
    assert response.status_code == 422
    assert f'name="receiver_ids" value="{org.seller.pk}"' in html and "Remove Sam Seller" in html


def test_asking_colleagues_chosen_with_the_picker_and_typed(org):
    client = org.client_for(org.engineer)
    response = ask(
        client,
        recipients_ids=[org.engineer2.pk, org.seller.pk],
        recipients=org.ceo.work_email,
    )
    request = FeedbackRequest.objects.get(topic_text="SQL")
    assert response.status_code == 302
    assert [a.recipient for a in request.asks.order_by("id")] == [
        org.engineer2,
        org.seller,
        org.ceo,
    ]


@pytest.mark.parametrize(
    ("who", "words"),
    [
        ("leaver", "Colleagues: someone you chose has left or does not exist."),
        ("unknown", "Colleagues: someone you chose has left or does not exist."),
        ("forged", "Colleagues: someone you chose has left or does not exist."),
        ("self", "Colleagues: you cannot ask yourself."),
        ("nobody", "Colleagues: choose at least one colleague."),
    ],
)
def test_asking_refuses_posted_ids_on_the_field(org, leaver, who, words):
    ids = {
        "leaver": [org.engineer2.pk, leaver.pk],
        "unknown": [987654],
        "forged": ["1 OR 1=1"],
        "self": [org.engineer.pk],
        "nobody": [],
    }[who]
    response = ask(org.client_for(org.engineer), recipients_ids=ids)
    html = response.content.decode()
    assert response.status_code == 422 and words in html
    # The error sits with the field; the chips kept are the colleagues one may choose.
    assert html.index(words) > html.index('<label for="id_recipients">')
    assert "Lee Gone" not in html
    assert (f'value="{org.engineer2.pk}"' in html) == (who == "leaver")
    assert not FeedbackRequest.objects.exists()


def test_a_manager_asks_about_a_report_with_the_picker(org):
    client = org.client_for(org.eng_manager)
    page = client.get(ASK + f"?about={org.engineer.pk}").content.decode()
    assert f'<option value="{org.engineer.pk}" selected>Ann Engineer</option>' in page
    response = ask(client, subject=org.engineer.pk, recipients_ids=[org.engineer.pk])
    assert response.status_code == 422
    assert "Ann Engineer cannot be asked about themself" in response.content.decode()
    response = ask(client, subject=org.engineer.pk, recipients_ids=[org.engineer2.pk])
    assert response.status_code == 302
    request = FeedbackRequest.objects.get()
    assert request.subject == org.engineer and request.requester == org.eng_manager
    assert [a.recipient for a in request.asks.all()] == [org.engineer2]


def test_outsiders_cannot_use_the_forms(org):
    for url in (GIVE, ASK):
        response = Client().post(url, {"receiver_ids": org.seller.pk})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


GOAL_FIELD = reverse("feedback:give_goal")


@pytest.fixture
def goals_of_bob(org):
    return make_goals_of_bob(org)


def make_goals_of_bob(org):
    """Bob's public and private goal in an active period."""
    from cadence.goals.services import goal_create

    period = make_active_period(org, "FY picker")

    def goal(title: str, visibility: str):
        return goal_create(
            actor=org.engineer2.user,
            period=period,
            title=title,
            owner_type="person",
            owner_person=org.engineer2,
            visibility=visibility,
        )

    return goal("Ship the billing service", "public"), goal("Private stretch", "private")


def test_the_goal_field_follows_the_colleague_the_picker_holds(org, goals_of_bob):
    public, private = goals_of_bob
    # A peer reads Bob's public goal only; his manager both.
    peer = org.client_for(org.engineer).get(GOAL_FIELD, {"receiver_ids": org.engineer2.pk})
    html = peer.content.decode()
    assert peer.status_code == 200 and 'id="give-goal"' in html
    assert "About one of Bob Engineer&#x27;s goals" in html
    assert public.title in html and private.title not in html
    manager = org.client_for(org.eng_manager).get(GOAL_FIELD, {"receiver_ids": org.engineer2.pk})
    assert private.title in manager.content.decode()
    # Nobody chosen, oneself, someone unknown, or a forged id: the empty slot, no goals.
    for ids in ([], [org.engineer.pk], [999_999], ["x"]):
        empty = org.client_for(org.engineer).get(GOAL_FIELD, {"receiver_ids": ids})
        body = empty.content.decode()
        assert empty.status_code == 200 and 'id="give-goal"' in body and "<select" not in body


def test_the_goal_field_is_refused_to_outsiders(org, goals_of_bob):
    anonymous = Client().get(GOAL_FIELD, {"receiver_ids": org.engineer2.pk})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_pick_tells_the_page_once_the_chips_settled(org):
    client = org.client_for(org.engineer)
    response = client.get(
        reverse("people:picker"),
        {"picker": "receiver", "picker_id": "id_receiver", "pick": org.seller.pk},
    )
    assert response.status_code == 200
    assert response["HX-Trigger-After-Settle"] == '{"picker-changed": {"picker": "receiver"}}'
