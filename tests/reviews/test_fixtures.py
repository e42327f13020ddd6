"""The shared fixtures make what the other review tests rely on."""

import pytest

from cadence.reviews.models import Assignment, ReviewerType
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def test_a_made_cycle_has_self_manager_peer_and_upward_assignments(org: Org, make_cycle) -> None:
    cycle = make_cycle([org.eng_manager], peers={org.eng_manager: [org.sales_manager]})
    kinds = sorted(Assignment.objects.filter(cycle=cycle).values_list("type", "writer__work_email"))
    assert kinds == sorted(
        [
            (ReviewerType.SELF, org.eng_manager.work_email),
            (ReviewerType.MANAGER, org.eng_head.work_email),
            (ReviewerType.PEER, org.sales_manager.work_email),
            (ReviewerType.UPWARD, org.engineer.work_email),
            (ReviewerType.UPWARD, org.engineer2.work_email),
        ]
    )
