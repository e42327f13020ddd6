"""The feedback pages through their URLs: each flow, each refusal, constant queries."""

import pytest
from django.test import Client
from django.urls import reverse

from cadence.feedback import services
from cadence.feedback.models import (
    AbuseReport,
    CompanyValue,
    Feedback,
    FeedbackAsk,
    FeedbackRequest,
    Reaction,
)
from cadence.people import services as people
from tests.conftest import make_person
from tests.feedback.conftest import PRAISE_TEXT, PRIVATE_TEXT


def url(name, *args):
    return reverse(f"feedback:{name}", args=args)


PAGES = [
    ("get", "index", False),
    ("get", "give", False),
    ("post", "give", False),
    ("get", "wall", False),
    ("get", "detail", True),
    ("post", "report", True),
    ("post", "react", True),
    ("get", "request_new", False),
    ("get", "reports", False),
    ("get", "moderate", True),
    ("get", "values", False),
]


@pytest.mark.parametrize(("method", "name", "needs_id"), PAGES)
def test_anonymous_is_sent_to_login(org, fb, method, name, needs_id):
    response = getattr(Client(), method)(url(name, *([fb.praise.pk] if needs_id else [])))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nav_tab_and_my_feedback_tabs(org, fb):
    client = org.client_for(org.engineer)
    html = client.get(url("index")).content.decode()
    assert 'href="/feedback/"' in html and 'aria-current="page">Feedback' in html
    assert PRIVATE_TEXT in html and PRAISE_TEXT in html
    html = client.get(url("index") + "?tab=received&q=demo").content.decode()
    assert PRAISE_TEXT in html and PRIVATE_TEXT not in html
    given = org.client_for(org.engineer2).get(url("index") + "?tab=given").content.decode()
    assert PRIVATE_TEXT in given and PRAISE_TEXT not in given


def test_giving_private_feedback_and_public_praise(org, fb):
    client = org.client_for(org.engineer)
    page = client.get(url("give") + f"?to={org.seller.pk}")
    # From a profile's link the colleague is already chosen: a chip, with their id.
    assert f'name="receiver_ids" value="{org.seller.pk}"' in page.content.decode()
    response = client.post(
        url("give"),
        {
            "receiver": org.seller.work_email.upper(),
            "text": "You closed the loop with the customer.",
            "visibility": "public",
            "values": [fb.values["Customer first"].pk],
        },
    )
    feedback = Feedback.objects.get(text="You closed the loop with the customer.")
    assert response.status_code == 302 and response["Location"] == url("detail", feedback.pk)
    assert feedback.visibility == "public" and feedback.receiver == org.seller
    assert [v.name for v in feedback.values.all()] == ["Customer first"]
    wall = client.get(url("wall") + f"?value={fb.values['Customer first'].pk}").content.decode()
    assert "closed the loop" in wall and PRAISE_TEXT in wall


@pytest.mark.parametrize(
    ("receiver", "words"),
    [("ann.engineer@example.com", "yourself"), ("nobody@example.com", "active colleague")],
)
def test_giving_to_oneself_or_nobody_is_refused_on_the_field(org, fb, receiver, words):
    response = org.client_for(org.engineer).post(
        url("give"), {"receiver": receiver, "text": "Hi", "visibility": "private"}
    )
    assert response.status_code == 422 and words in response.content.decode()


def test_requesting_answering_and_declining_through_the_pages(org, fb):
    client = org.client_for(org.engineer)
    response = client.post(
        url("request_new"),
        {
            "recipients": f"{org.engineer2.work_email}, {org.seller.work_email}",
            "subject": org.engineer.pk,
            "topic": "project",
            "topic_text": "Atlas",
            "message": "What should I do differently?",
        },
    )
    request = FeedbackRequest.objects.get(topic_text="Atlas")
    assert response.status_code == 302 and response["Location"] == url("request", request.pk)
    asks = {a.recipient_id: a for a in request.asks.all()}
    bob = org.client_for(org.engineer2)
    home = bob.get(reverse("home")).content.decode()
    assert "Ann Engineer asks for feedback on the project Atlas" in home
    page = bob.get(url("ask", asks[org.engineer2.pk].pk))
    assert page.status_code == 200 and "What should I do differently?" in page.content.decode()
    response = bob.post(
        url("ask_answer", asks[org.engineer2.pk].pk),
        {"text": "Write the plan down earlier.", "visibility": "private"},
    )
    assert response.status_code == 302
    assert FeedbackAsk.objects.get(pk=asks[org.engineer2.pk].pk).state == "answered"
    sam = org.client_for(org.seller)
    response = sam.post(url("ask_decline", asks[org.seller.pk].pk), {"reason": ""})
    assert response.status_code == 422
    response = sam.post(url("ask_decline", asks[org.seller.pk].pk), {"reason": "Not my project"})
    assert response.status_code == 302
    # Answering twice is refused; someone else's ask is not found.
    again = bob.post(url("ask_answer", asks[org.engineer2.pk].pk), {"text": "x"})
    assert again.status_code == 403
    assert sam.get(url("ask", asks[org.engineer2.pk].pk)).status_code == 404
    # The requester sees both outcomes.
    html = client.get(url("request", request.pk)).content.decode()
    assert "Not my project" in html and "Read the answer" in html
    # The subject (here the requester too) reads the reason; asked about by a manager,
    # a subject would see only that the colleague declined (test_api).
    # An asked colleague sees their own part only.
    html = sam.get(url("request", request.pk)).content.decode()
    assert "Bob" not in html
    assert org.client_for(org.sales_manager).get(url("request", request.pk)).status_code == 404


def test_request_form_refuses_oneself_and_leavers(org, fb):
    leaver = make_person("lee.gone@example.com", manager=org.eng_manager)
    people.person_mark_left(actor=None, person=leaver)
    client = org.client_for(org.engineer)
    for recipients, words in (
        (org.engineer.work_email, "cannot ask yourself"),
        (leaver.work_email, "has left"),
    ):
        response = client.post(
            url("request_new"),
            {"recipients": recipients, "topic": "skill", "topic_text": "SQL"},
        )
        assert response.status_code == 422 and words in response.content.decode()


def test_reactions_toggle_with_htmx(org, fb):
    client = org.client_for(org.ceo)
    response = client.post(
        url("react", fb.praise.pk), {"kind": "applause"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    assert Reaction.objects.filter(feedback=fb.praise, person=org.ceo).count() == 1
    client.post(url("react", fb.praise.pk), {"kind": "applause"}, headers={"HX-Request": "true"})
    assert not Reaction.objects.filter(feedback=fb.praise).exists()
    # Private feedback takes no reactions.
    assert (
        org.client_for(org.eng_manager)
        .post(url("react", fb.private.pk), {"kind": "heart"})
        .status_code
        == 403
    )


def test_report_then_hr_hides_with_a_reason(org, fb):
    ann = org.client_for(org.engineer)
    response = ann.post(url("report", fb.private.pk), {"reason": "Hurtful"})
    assert response.status_code == 302
    report = AbuseReport.objects.get(feedback=fb.private)
    hr = org.client_for(org.hr)
    queue = hr.get(url("reports")).content.decode()
    assert "Hurtful" in queue
    assert "1 reported feedback to review" in hr.get(reverse("home")).content.decode()
    assert hr.post(url("moderate", fb.private.pk), {"decision": "hide"}).status_code == 422
    response = hr.post(url("moderate", fb.private.pk), {"decision": "hide", "reason": "Insults"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.outcome == "hidden"
    assert ann.get(url("detail", fb.private.pk)).status_code == 404
    assert "Insults" in hr.get(url("moderate", fb.private.pk)).content.decode()


def test_hr_pages_refuse_everyone_else(org, fb):
    services.abuse_report(feedback=fb.praise, reporter=org.engineer2, reason="x")
    for person in (org.engineer, org.eng_manager, org.exec_viewer):
        client = org.client_for(person)
        assert client.get(url("reports")).status_code == 403
        assert client.get(url("values")).status_code == 403
        assert client.get(url("moderate", fb.praise.pk)).status_code == 403
        value = fb.values["Own it"]
        assert client.post(url("value_edit", value.pk), {"active": "0"}).status_code == 403


def test_hr_keeps_the_list_of_values(org, fb):
    hr = org.client_for(org.hr)
    assert hr.post(url("values"), {"name": "Be kind"}).status_code == 302
    value = CompanyValue.objects.get(name="Be kind")
    hr.post(url("value_edit", value.pk), {"name": "Be kind, always", "description": ""})
    hr.post(url("value_edit", value.pk), {"active": "0"})
    value.refresh_from_db()
    assert value.name == "Be kind, always" and not value.active
    assert hr.post(url("values"), {"name": "be kind, ALWAYS"}).status_code == 422
    give = org.client_for(org.engineer).get(url("give")).content.decode()
    assert "Be kind, always" not in give and "Customer first" in give


def test_what_was_written_to_a_leaver_is_kept(org, fb):
    people.person_mark_left(actor=None, person=org.engineer)
    manager = org.client_for(org.eng_manager)
    assert manager.get(url("detail", fb.private.pk)).status_code == 200
    html = org.client_for(org.seller).get(url("wall")).content.decode()
    assert PRAISE_TEXT in html and "Former employee" in html


def _grow(org, values, n):
    for i in range(n):
        f = services.feedback_give(
            giver=org.seller if i % 2 else org.ceo,
            receiver=org.engineer2,
            text=f"Praise {i}",
            visibility="public",
            values=list(values.values())[: 1 + i % 3],
        )
        services.reaction_toggle(feedback=f, person=org.hr, kind="heart")


def test_wall_and_lists_cost_the_same_queries_for_few_and_many(org, fb, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = org.client_for(org.engineer2)
    pages = [url("wall"), url("index"), url("index") + "?tab=given", "/api/v1/praise"]

    def counts():
        out = []
        for page in pages:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(page).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    _grow(org, fb.values, 2)
    small = counts()
    _grow(org, fb.values, 25)
    assert counts() == small


def test_the_wall_by_value_lists_the_same_whether_the_value_is_common_or_rare(org, fb, monkeypatch):
    from cadence.feedback import queries

    _grow(org, fb.values, 6)
    second = list(fb.values.values())[1]  # on praise 1, 2, 4 and 5 of _grow

    def wall() -> list[str]:
        rows = queries.wall(org.engineer2.user, value=second).order_by("-created_at", "-id")
        return [f.text for f in rows]

    rare = wall()  # a value on few praise: the join
    monkeypatch.setattr(queries, "COMMON_VALUE", 1)  # on many: the wall walked (EXISTS)
    assert wall() == rare
    assert {"Praise 1", "Praise 2"} <= set(rare) and not {"Praise 0", "Praise 3"} & set(rare)
    assert (
        "Praise 2"
        in org.client_for(org.engineer2).get(url("wall") + f"?value={second.pk}").content.decode()
    )


def test_an_account_without_a_person_is_sent_to_what_it_can_use(org, fb):
    from cadence.accounts.models import User

    hr = User.objects.create_user(email="hr.only@example.com", password="x", is_hr_admin=True)
    viewer = User.objects.create_user(
        email="exec.only@example.com", password="x", is_executive=True
    )
    for user, target in ((hr, url("reports")), (viewer, url("wall"))):
        client = Client()
        client.force_login(user)
        response = client.get(url("index"))
        assert response.status_code == 302 and response["Location"] == target
        assert client.get(target).status_code == 200
        assert client.get(url("give")).status_code == 403
