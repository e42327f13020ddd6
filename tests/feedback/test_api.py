"""The feedback API beyond the shapes tests/test_openapi.py checks: refusals that name
their field, the pages' rules, and lists whose cost does not grow with their length."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.feedback import services

API = "/api/v1"


def post(client, url, data):
    return client.post(API + url, json.dumps(data), content_type="application/json")


def test_refusals_name_their_field(org, fb):
    client = org.client_for(org.engineer)
    body = post(client, "/feedback", {"receiver_id": org.engineer.pk, "text": "Me"})
    assert body.status_code == 422 and body.json()["detail"].startswith("receiver_id:")
    body = post(
        client,
        "/feedback-requests",
        {"recipient_ids": [org.engineer.pk], "topic": "skill", "topic_text": "SQL"},
    )
    assert body.status_code == 422 and "recipients" in body.json()["detail"]
    body = post(
        client,
        "/feedback-requests",
        {
            "recipient_ids": [org.seller.pk],
            "subject_id": org.engineer2.pk,
            "topic": "skill",
            "topic_text": "SQL",
        },
    )
    assert body.status_code == 422 and "subject" in body.json()["detail"]
    body = post(client, "/company-values", {"name": "Mine"})
    assert body.status_code == 403
    body = post(client, f"/feedback/{fb.private.pk}/hide", {"reason": "x"})
    assert body.status_code == 403


def test_a_manager_asks_about_a_report_and_reads_the_answers(org, fb):
    manager = org.client_for(org.eng_manager)
    body = post(
        manager,
        "/feedback-requests",
        {
            "recipient_ids": [org.engineer2.pk],
            "subject_id": org.engineer.pk,
            "topic": "project",
            "topic_text": "Atlas",
        },
    )
    assert body.status_code == 201, body.content
    request = body.json()
    [ask] = request["asks"]
    bob = org.client_for(org.engineer2)
    answer = post(bob, f"/feedback-asks/{ask['id']}/answer", {"text": "Ann led it well."})
    assert answer.status_code == 201 and answer.json()["receiver_id"] == org.engineer.pk
    again = manager.get(f"{API}/feedback-requests/{request['id']}").json()
    assert again["asks"][0]["answer_id"] == answer.json()["id"]
    # Ann reads it as her own feedback; the colleague sees only their part of the request.
    ann = org.client_for(org.engineer)
    assert ann.get(f"{API}/feedback/{answer.json()['id']}").status_code == 200
    assert bob.get(f"{API}/feedback-requests/{request['id']}").json()["asks"][0]["id"] == ask["id"]
    assert (
        org.client_for(org.seller).get(f"{API}/feedback-requests/{request['id']}").status_code
        == 404
    )


def test_a_decline_reason_is_for_the_requester_not_the_subject(org, fb):
    request = services.request_create(
        requester=org.eng_manager,
        subject=org.engineer,
        recipients=[org.engineer2],
        topic="project",
        topic_text="Atlas",
    )
    services.ask_decline(ask=request.asks.get(), reason="Ann and I do not get along.")
    url = f"{API}/feedback-requests/{request.pk}"
    manager = org.client_for(org.eng_manager).get(url).json()
    assert manager["asks"][0]["decline_reason"] == "Ann and I do not get along."
    ann = org.client_for(org.engineer).get(url).json()
    assert ann["asks"][0]["state"] == "declined" and ann["asks"][0]["decline_reason"] == ""
    page = org.client_for(org.engineer).get(f"/feedback/requests/{request.pk}/")
    assert "do not get along" not in page.content.decode()


def _requests(org, n):
    for i in range(n):
        r = services.request_create(
            requester=org.engineer,
            subject=org.engineer,
            recipients=[org.engineer2, org.seller],
            topic="project",
            topic_text=f"Project {i}",
        )
        services.ask_answer(ask=r.asks.order_by("pk")[0], text="Fine.")


def test_request_lists_cost_the_same_for_few_and_many(org, fb):
    client = org.client_for(org.engineer)
    bob = org.client_for(org.engineer2)

    def counts():
        out = []
        for c, url in ((client, "/feedback-requests"), (bob, "/feedback-asks")):
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(API + url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    _requests(org, 1)
    small = counts()
    _requests(org, 8)
    assert counts() == small
