"""The writing API's operations for tests/test_openapi.py: a self-review to write in a
cycle of its own (built row by row, in the writing phase), read, saved, then submitted
twice — the second time refused as stale, the documented 422 — and reopened."""

import datetime
from typing import Any

from django.utils import timezone

from cadence.reviews.models import Assignment, Review, ReviewCycle, ReviewerType, TemplateVersion
from cadence.reviews.services.writing import form_for
from tests.api_world import World


def writing_calls(w: World) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    version = TemplateVersion.objects.filter(template=w.review_template).order_by("number").first()
    assert version is not None
    # A cycle freezes its version: the template edit among the calls makes a new one.
    version.locked_at = timezone.now()
    version.save(update_fields=["locked_at"])
    cycle = ReviewCycle.objects.create(
        name="API writing",
        template_version=version,
        period=w.period,
        phase=ReviewCycle.Phase.WRITING,
        review_types=[ReviewerType.SELF],
        writing_deadline=datetime.date.today() + datetime.timedelta(days=14),
    )
    review = Review.objects.create(cycle=cycle, reviewee=w.org.engineer)
    own = Assignment.objects.create(
        review=review, cycle=cycle, writer=w.org.engineer, type=ReviewerType.SELF
    )
    # The template's own questions: answer each as its kind asks.
    answers: dict[str, dict[str, Any]] = {}
    for key, item in form_for(w.org.engineer.user, own).items.items():
        if item.kind == "rating":
            answers[key] = {"rating": min(p.value for p in version.scale.all())}
        elif item.kind == "choice":
            answers[key] = {"choice": item.choices[0]}
        else:
            answers[key] = {"text": "Steady work."}
    token, path = w.engineer_token, f"/review-assignments/{own.pk}"
    return [
        ("GET", "/review-assignments", token, None),
        ("GET", path, token, None),
        ("PUT", f"{path}/answers", token, {"version": 0, "answers": {}}),
        ("POST", f"{path}/submit", token, {"version": 1, "answers": answers}),
        ("POST", f"{path}/submit", token, {"version": 1}),
        ("POST", f"{path}/reopen", token, {"version": 2, "reason": "Rated the wrong project."}),
    ]
