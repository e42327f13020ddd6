"""The results API's operations for tests/test_openapi.py: a cycle of its own in the
calibration phase (built row by row) with two reviews — one calibrated, released on its
own, commented and acknowledged, the other released with "release all" — its PDF, and
the documented 422 of a second acknowledgement."""

import datetime
from typing import Any

from cadence.reviews.models import Review, ReviewCycle, ReviewerType, TemplateVersion
from tests.api_world import World


def results_calls(w: World) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    version = TemplateVersion.objects.filter(template=w.review_template).order_by("number").first()
    assert version is not None
    cycle = ReviewCycle.objects.create(
        name="API results",
        template_version=version,
        period=w.period,
        phase=ReviewCycle.Phase.CALIBRATION,
        review_types=[ReviewerType.SELF, ReviewerType.MANAGER],
        writing_deadline=datetime.date.today(),
    )
    review = Review.objects.create(
        cycle=cycle, reviewee=w.org.engineer, manager=w.org.engineer.manager
    )
    Review.objects.create(cycle=cycle, reviewee=w.org.engineer2, manager=w.org.engineer2.manager)
    hr, me, path = w.hr_token, w.engineer_token, f"/reviews/{review.pk}/results"
    return [
        ("GET", path, hr, None),
        ("POST", f"{path}/calibrate", hr, {"score": "1.5", "reason": "Panel view"}),
        ("POST", f"{path}/release", hr, None),
        ("POST", f"/reviews/cycles/{cycle.pk}/results/release", hr, None),
        ("GET", path, me, None),
        ("GET", f"{path}.pdf", me, None),
        ("PUT", f"{path}/comment", me, {"comment": "Read it."}),
        ("POST", f"{path}/acknowledge", me, {}),
        ("POST", f"{path}/acknowledge", me, {}),
    ]
