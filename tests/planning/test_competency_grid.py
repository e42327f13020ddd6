"""Job levels in natural order, and the framework shown as a level × competency grid."""

import re

from django.urls import reverse

from cadence.planning import services
from cadence.planning.models import CompetencyFramework
from cadence.planning.queries import level_sort_key
from tests.conftest import Org


def test_levels_sort_naturally() -> None:
    levels = ["L10", "L2", "l1", "Senior", "IC10", "IC9", "L3"]
    assert sorted(levels, key=level_sort_key) == ["IC9", "IC10", "l1", "L2", "L3", "L10", "Senior"]


def cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row_html)]


def test_framework_page_is_a_level_by_competency_grid(
    org: Org, framework: CompetencyFramework
) -> None:
    # The fixture's CSV describes L3 and L4; L10 (and a level only one competency has)
    # must come after them, not between L1 and L2 as text would put it.
    ownership = framework.groups.get(name="Delivery").competencies.get()
    for level, behaviour in [("L10", "Shapes the company"), ("L2", "Finishes tasks")]:
        services.expectation_set(
            actor=org.hr.user, competency=ownership, level=level, behaviour=behaviour
        )
    page = org.client_for(org.hr).get(
        reverse("planning:competencies") + f"?framework={framework.pk}"
    )
    assert page.context["levels"] == ["L2", "L3", "L4", "L10"]
    html = page.text
    grid = re.search(r'<table class="competency-grid">.*?</table>', html, re.S).group(0)
    header = re.findall(r'<th scope="col">(.*?)</th>', grid)
    assert header == ["Competency", "L2", "L3", "L4", "L10"]
    row = re.search(r'<th scope="row">Ownership.*?</tr>', grid, re.S).group(0)
    assert cells(row) == [
        "Finishes tasks",
        "Delivers own work end to end",
        "Owns a team&#x27;s outcomes",
        "Shapes the company",
    ]
    # Another group's grid has the same columns; a level it does not describe is a dash.
    feedback = re.search(r'<th scope="row">Feedback.*?</tr>', html, re.S).group(0)
    assert cells(feedback) == ["—", "Asks for feedback every sprint", "—", "—"]


def test_the_api_lists_levels_in_natural_order(org: Org, framework: CompetencyFramework) -> None:
    ownership = framework.groups.get(name="Delivery").competencies.get()
    services.expectation_set(
        actor=org.hr.user, competency=ownership, level="L10", behaviour="Shapes the company"
    )
    body = org.client_for(org.hr).get(f"/api/v1/competency-frameworks/{framework.pk}").json()
    delivery = next(g for g in body["groups"] if g["name"] == "Delivery")
    assert [e["level"] for e in delivery["competencies"][0]["expectations"]] == [
        "L3",
        "L4",
        "L10",
    ]
