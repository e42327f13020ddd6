"""Feedback fixtures, built through the real services on top of the ``org`` fixture.

values     "Customer first", "Own it", "Build trust" (HR's list)
private    Bob (engineer2) → Ann (engineer), private, "Own it", on Ann's goal
praise     Sam (seller) → Ann, public praise, "Customer first"
"""

from dataclasses import dataclass

import pytest

from cadence.feedback import services
from cadence.feedback.models import CompanyValue, Feedback
from tests.conftest import Org

PRIVATE_TEXT = "Your release notes confused the support team twice."
PRAISE_TEXT = "Ann rescued the customer demo on Friday."


@dataclass
class Fb:
    values: dict[str, CompanyValue]
    private: Feedback
    praise: Feedback


def build_feedback(org: Org) -> Fb:
    values = {
        name: services.value_create(actor=org.hr.user, name=name)
        for name in ("Customer first", "Own it", "Build trust")
    }
    private = services.feedback_give(
        giver=org.engineer2,
        receiver=org.engineer,
        text=PRIVATE_TEXT,
        values=[values["Own it"]],
    )
    praise = services.feedback_give(
        giver=org.seller,
        receiver=org.engineer,
        text=PRAISE_TEXT,
        visibility=Feedback.Visibility.PUBLIC,
        values=[values["Customer first"]],
    )
    return Fb(values, private, praise)


@pytest.fixture
def fb(org: Org) -> Fb:
    return build_feedback(org)
