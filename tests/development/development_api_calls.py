"""The development operations for tests/test_openapi.py: an item of Ann's with an
action (and one to delete), added through the services, then every endpoint called as
the person, her manager or HR — with a documented 422 (done without evidence)."""

import datetime
from typing import Any

from django.utils import timezone

from cadence.development import services
from tests.api_world import World


def development_calls(w: World) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    org = w.org
    ann, manager, hr = w.engineer_token, w.manager_token, w.hr_token
    due = timezone.localdate() + datetime.timedelta(days=14)
    item = services.item_add(actor=None, person=org.engineer, skill="API writing", due_on=due)
    spare = services.item_add(actor=None, person=org.engineer, skill="To remove")
    action = services.action_add(actor=None, item=item, kind="course", description="A course")
    spare_action = services.action_add(actor=None, item=item, kind="other", description="Spare")
    base = "/development"
    return [
        ("POST", f"{base}/items", manager, {"person_id": org.engineer.pk, "skill": "Go"}),
        ("GET", f"{base}/items", ann, None),
        ("GET", f"{base}/items?person_id={org.engineer.pk}", manager, None),
        ("GET", f"{base}/items/{item.pk}", hr, None),
        ("PATCH", f"{base}/items/{item.pk}", ann, {"status": "in_progress"}),
        ("PATCH", f"{base}/items/{item.pk}", ann, {"status": "done"}),  # 422: no evidence
        (
            "POST",
            f"{base}/items/{item.pk}/actions",
            ann,
            {"kind": "mentoring", "description": "Pair"},
        ),
        ("PATCH", f"{base}/actions/{action.pk}", ann, {"done": True}),
        ("DELETE", f"{base}/actions/{spare_action.pk}", ann, None),
        ("DELETE", f"{base}/items/{spare.pk}", ann, None),
        ("PUT", f"{base}/people/{org.engineer.pk}/aspiration", ann, {"text": "Lead a team"}),
        ("GET", f"{base}/people/{org.engineer.pk}/aspiration", manager, None),
        ("GET", f"{base}/team", manager, None),
        ("GET", f"{base}/coverage", hr, None),
        ("GET", f"{base}/team.csv?line=all", manager, None),
        ("GET", f"{base}/coverage.csv", hr, None),
        ("GET", f"{base}/items/{item.pk}", "cad_revoked", None),
    ]
