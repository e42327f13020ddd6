"""The feedback operations for tests/test_openapi.py: praise given, reacted to, reported,
kept and hidden; a request asked, answered and declined; HR's values — and the
documented refusals (a request to oneself, another's ask)."""

from typing import Any

from cadence.feedback import services
from cadence.feedback.models import Feedback
from tests.api_world import World


def feedback_calls(w: World) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    org = w.org
    value = services.value_create(actor=None, name="API value")
    praise = services.feedback_give(
        giver=org.eng_manager,
        receiver=org.engineer,
        text="Great import.",
        visibility=Feedback.Visibility.PUBLIC,
        values=[value],
    )
    to_hide = services.feedback_give(giver=org.eng_manager, receiver=org.engineer, text="Meh.")
    services.abuse_report(feedback=to_hide, reporter=org.engineer, reason="Rude")
    services.abuse_report(feedback=praise, reporter=org.engineer, reason="Not sure")
    request = services.request_create(
        requester=org.engineer,
        subject=org.engineer,
        recipients=[org.eng_manager, org.engineer2],
        topic="project",
        topic_text="Import",
    )
    asks = {a.recipient_id: a.pk for a in request.asks.all()}
    request2 = services.request_create(
        requester=org.engineer,
        subject=org.engineer,
        recipients=[org.eng_manager],
        topic="skill",
        topic_text="SQL",
    )
    [ask2] = request2.asks.all()
    engineer, manager, hr = w.engineer_token, w.manager_token, w.hr_token
    return [
        ("GET", "/feedback", engineer, None),
        ("GET", f"/feedback?box=given&person={org.eng_manager.pk}&q=import", manager, None),
        (
            "POST",
            "/feedback",
            engineer,
            {
                "receiver_id": org.eng_manager.pk,
                "text": "Thanks!",
                "visibility": "public",
                "value_ids": [value.pk],
            },
        ),
        ("POST", "/feedback", engineer, {"receiver_id": org.engineer.pk, "text": "Me"}),
        ("GET", f"/feedback/{praise.pk}", engineer, None),
        ("POST", f"/feedback/{praise.pk}/reactions", engineer, {"kind": "applause"}),
        ("POST", f"/feedback/{to_hide.pk}/reactions", engineer, {"kind": "heart"}),
        ("POST", f"/feedback/{praise.pk}/reports", engineer, {"reason": "Again"}),
        ("POST", f"/feedback/{praise.pk}/reports", hr, {"reason": "Sarcastic"}),
        ("GET", "/praise", engineer, None),
        ("GET", f"/praise?value={value.pk}", engineer, None),
        ("GET", "/feedback-reports", hr, None),
        ("GET", "/feedback-reports", engineer, None),
        ("POST", f"/feedback/{praise.pk}/keep", hr, None),
        ("POST", f"/feedback/{to_hide.pk}/hide", hr, {"reason": "Insulting"}),
        ("GET", "/feedback-requests", engineer, None),
        ("GET", f"/feedback-requests/{request.pk}", engineer, None),
        (
            "POST",
            "/feedback-requests",
            engineer,
            {"recipient_ids": [org.engineer2.pk], "topic": "skill", "topic_text": "Rust"},
        ),
        (
            "POST",
            "/feedback-requests",
            engineer,
            {"recipient_ids": [org.engineer.pk], "topic": "skill", "topic_text": "Rust"},
        ),
        ("GET", "/feedback-asks", manager, None),
        ("POST", f"/feedback-asks/{asks[org.eng_manager.pk]}/answer", manager, {"text": "Good"}),
        ("POST", f"/feedback-asks/{ask2.pk}/decline", manager, {"reason": "No idea"}),
        ("POST", f"/feedback-asks/{asks[org.engineer2.pk]}/decline", manager, {"reason": "x"}),
        ("GET", "/company-values", engineer, None),
        ("POST", "/company-values", hr, {"name": "API value 2"}),
        ("POST", "/company-values", engineer, {"name": "Mine"}),
        ("PATCH", f"/company-values/{value.pk}", hr, {"active": False}),
    ]
