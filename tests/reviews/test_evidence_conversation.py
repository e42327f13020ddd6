"""The review form's evidence from the year-round conversation: feedback the reviewee
received in the period, as the writer may read it (a peer writer reads praise, never
private feedback), and the manager's own coaching notes on the manager review only."""

import datetime

from django.urls import reverse

from cadence.feedback import services as feedback_services
from cadence.feedback.models import Feedback
from cadence.meetings import services_notes
from cadence.reviews.models import Assignment, ReviewerType
from tests.conftest import Org

PRIVATE = "Your incident write-up was clear and calm."
PRAISE = "Thank you for pairing with the new starters all week!"
NOTE = "Talked about leading the billing migration next quarter."


def test_feedback_and_coaching_notes_reach_only_the_writers_who_may_read_them(
    org: Org, make_cycle
) -> None:
    cycle = make_cycle([org.engineer], peers={org.engineer: [org.seller]})
    feedback_services.feedback_give(giver=org.engineer2, receiver=org.engineer, text=PRIVATE)
    feedback_services.feedback_give(
        giver=org.seller,
        receiver=org.engineer,
        text=PRAISE,
        visibility=Feedback.Visibility.PUBLIC,
    )
    services_notes.coaching_note_add(
        actor=org.eng_manager.user,
        manager=org.eng_manager,
        report=org.engineer,
        text=NOTE,
        written_on=datetime.date.today(),
    )

    def form(kind: str) -> str:
        assignment = Assignment.objects.get(cycle=cycle, type=kind)
        client = org.client_for(assignment.writer)
        response = client.get(reverse("reviews:write", args=[assignment.pk]))
        assert response.status_code == 200
        return response.content.decode()

    manager = form(ReviewerType.MANAGER)
    assert PRIVATE in manager and PRAISE in manager and NOTE in manager
    self_form = form(ReviewerType.SELF)
    assert PRIVATE in self_form and PRAISE in self_form
    assert NOTE not in self_form
    peer = form(ReviewerType.PEER)
    assert PRAISE in peer
    assert PRIVATE not in peer and NOTE not in peer
