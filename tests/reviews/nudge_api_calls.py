"""The nudge's operation for tests/test_openapi.py: a cycle of its own in writing, past
its deadline, with Ann's self-review still open — reminded once, then (the same day)
nobody again, and the documented 422 of a cycle nobody is late in yet."""

import datetime
from typing import Any

from cadence.reviews.models import Assignment, Review, ReviewCycle, ReviewerType, TemplateVersion
from tests.api_world import World


def nudge_calls(w: World) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    version = TemplateVersion.objects.filter(template=w.review_template).order_by("number").first()
    assert version is not None
    today = datetime.date.today()
    late, early = (
        ReviewCycle.objects.create(
            name=name,
            template_version=version,
            period=w.period,
            phase=ReviewCycle.Phase.WRITING,
            review_types=[ReviewerType.SELF],
            writing_deadline=deadline,
        )
        for name, deadline in (
            ("API nudge late", today - datetime.timedelta(days=2)),
            ("API nudge early", today + datetime.timedelta(days=5)),
        )
    )
    review = Review.objects.create(cycle=late, reviewee=w.org.engineer)
    Assignment.objects.create(
        review=review, cycle=late, writer=w.org.engineer, type=ReviewerType.SELF
    )
    hr = w.hr_token
    return [
        ("POST", f"/reviews/cycles/{late.pk}/nudge", hr, None),
        ("POST", f"/reviews/cycles/{late.pk}/nudge", hr, None),
        ("POST", f"/reviews/cycles/{early.pk}/nudge", hr, None),
    ]
