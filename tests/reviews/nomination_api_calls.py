"""The nominations API's operations for tests/test_openapi.py: Ann's review in a cycle of
its own in the nomination phase (built row by row), with three colleagues to nominate;
every operation answers with success once."""

import datetime
from typing import Any

from django.utils import timezone

from cadence.accounts.services import api_token_create
from cadence.reviews.models import (
    PeerNomination,
    Review,
    ReviewCycle,
    ReviewerType,
    TemplateVersion,
)
from tests.api_world import World
from tests.conftest import make_person


def nomination_calls(w: World) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    org = w.org
    version = TemplateVersion.objects.filter(template=w.review_template).order_by("number").first()
    assert version is not None
    version.locked_at = version.locked_at or timezone.now()
    version.save(update_fields=["locked_at"])
    cycle = ReviewCycle.objects.create(
        name="API nominations",
        template_version=version,
        period=w.period,
        phase=ReviewCycle.Phase.NOMINATION,
        review_types=[ReviewerType.SELF, ReviewerType.PEER],
        writing_deadline=datetime.date.today() + datetime.timedelta(days=30),
        peers_min=1,
        peers_max=5,
    )
    review = Review.objects.create(cycle=cycle, reviewee=org.engineer, manager=org.eng_manager)
    peers = [
        make_person(f"api{i}.peer@example.com", manager=org.eng_manager, department="Engineering")
        for i in range(3)
    ]
    kept, withdrawn, removed = (
        PeerNomination.objects.create(review=review, nominee=p, nominated_by=org.engineer.user)
        for p in peers
    )
    _, peer_token = api_token_create(actor=peers[0].user, name="contract")
    base = f"/reviews/{review.pk}/nominations"
    reviewee, manager = w.engineer_token, w.manager_token
    return [
        ("GET", base, reviewee, None),
        ("GET", f"{base}/suggestions", reviewee, None),
        ("POST", base, reviewee, {"nominee_id": org.engineer2.pk}),
        ("DELETE", f"{base}/{withdrawn.pk}", reviewee, None),
        ("POST", f"{base}/{kept.pk}/approve", manager, None),
        ("POST", f"{base}/{removed.pk}/remove", manager, {"reason": "Another team"}),
        ("GET", "/reviews/nominations/asked", peer_token, None),
        ("POST", f"/reviews/nominations/{kept.pk}/decline", peer_token, {"reason": "On leave"}),
    ]
