"""The period selector is on every plan page, so another period is always one choice away."""

import re

import pytest
from django.urls import reverse

from cadence.planning.models import CompetencyFramework, PerformancePeriod, PerformancePlan
from tests.conftest import Org


def picker(html: str) -> tuple[str, list[str]]:
    """The selector form's action and the periods it offers, the selected one marked *."""
    form = re.search(
        r'<form method="get" action="([^"]+)" class="filters period-picker">(.*?)</form>',
        html,
        re.S,
    )
    assert form, "no period selector"
    options = re.findall(r'<option value="\d+"( selected)?>([^<(]+)', form.group(2))
    return form.group(1), [name.strip() + ("*" if chosen else "") for chosen, name in options]


@pytest.mark.parametrize(
    ("who", "page", "action", "chosen"),
    [
        ("engineer", "my plan", "planning:my_plan", "FY2027*"),
        ("engineer", "own plan", "planning:my_plan", "FY2027*"),
        ("eng_manager", "report's plan", "planning:team", "FY2027*"),
        ("eng_manager", "team plans", "planning:team", "FY2027*"),
        # An executive viewer reading someone's plan has no team page to go to.
        ("exec_viewer", "report's plan", "planning:my_plan", "FY2027*"),
        ("eng_manager", "my plan without one", "planning:my_plan", "FY2027*"),
        # Pages about no one period open the selector on the default period too, not on
        # whichever period the browser lists first.
        ("hr", "periods", "planning:my_plan", "FY2027*"),
        ("hr", "competencies", "planning:my_plan", "FY2027*"),
    ],
)
def test_every_plan_page_offers_the_period_selector(
    org: Org,
    previous_period: PerformancePeriod,
    plan: PerformancePlan,
    framework: CompetencyFramework,
    who: str,
    page: str,
    action: str,
    chosen: str,
) -> None:
    urls = {
        "my plan": reverse("planning:my_plan"),
        "own plan": reverse("planning:plan", args=[plan.pk]),
        "report's plan": reverse("planning:plan", args=[plan.pk]),
        "team plans": reverse("planning:team"),
        "my plan without one": reverse("planning:my_plan"),
        "periods": reverse("planning:periods"),
        "competencies": reverse("planning:competencies"),
    }
    response = org.client_for(getattr(org, who)).get(urls[page])
    assert response.status_code == 200
    form_action, options = picker(response.text)
    assert form_action == reverse(action)
    assert options == [chosen, "FY2026"]
