"""The health of a goal and its check-in chart in a real browser, on a phone (390 px) and
a desktop (1280 px): the reason shows beside the badge, the chart fills its card, its
tick labels (measured from the rendered glyphs) never overlap and stay legible, and the
history table below scrolls with the keyboard."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cadence.goals import services
from cadence.goals.models import CheckIn, Goal, KeyResult
from cadence.planning import services as planning
from tests.browser.conftest import DESKTOP, MOBILE, Console, _new_page, check_page, sign_in

pytestmark = pytest.mark.browser

# Every visible label of the chart shown: its box on screen and its rendered font size.
LABELS_JS = """() => {
  const svg = [...document.querySelectorAll("figure.chart svg")]
    .find((s) => s.getBoundingClientRect().width > 0);
  const figure = svg.closest("figure").getBoundingClientRect();
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const labels = [...svg.querySelectorAll("text.chart-tick-date, text.chart-tick-value")]
    .map((t) => {
      const b = t.getBoundingClientRect();
      return {text: t.textContent, kind: t.classList.contains("chart-tick-date") ? "date" : "value",
              left: b.left, right: b.right, top: b.top, bottom: b.bottom,
              px: parseFloat(t.getAttribute("font-size")) * scale};
    });
  const box = svg.getBoundingClientRect();
  return {figure: figure.width, svg: box.width, svgLeft: box.left, svgRight: box.right,
          labels: labels, visible: [...document.querySelectorAll("figure.chart svg")]
            .filter((s) => s.getBoundingClientRect().width > 0).length};
}"""


def _goal(org) -> tuple[Goal, KeyResult]:
    """Ann's revenue goal, half-way through its year, with monthly check-ins: wide value
    labels (millions) and many dates to crowd the axis."""
    today = timezone.localdate()
    period = planning.period_activate(
        actor=org.hr.user,
        period=planning.period_create(
            actor=org.hr.user,
            name="Browser year",
            kind="year",
            starts_on=today - datetime.timedelta(days=182),
            ends_on=today + datetime.timedelta(days=182),
        ),
    )
    goal = services.goal_create(
        actor=org.eng_manager.user,
        period=period,
        title="Grow recurring revenue",
        owner_type=Goal.Owner.PERSON,
        owner_person=org.engineer,
    )
    kr = services.key_result_create(
        actor=org.eng_manager.user,
        goal=goal,
        title="Annual recurring revenue",
        kind="currency",
        start_value=Decimal(12_000_000),
        target_value=Decimal(18_000_000),
        unit="EUR",
    )
    for month in range(6, 0, -1):
        check_in = services.check_in_create(
            actor=org.engineer.user,
            key_result=kr,
            value=Decimal(12_000_000 + (6 - month) * 260_000),
            confidence="at_risk" if month == 1 else "on_track",
            comment="A long comment about the pipeline, the hires and the pricing change.",
        )
        when = timezone.now() - datetime.timedelta(days=30 * month - 20)
        CheckIn.objects.filter(pk=check_in.pk).update(at=when)
    return Goal.objects.get(pk=goal.pk), kr


def _check_chart(page: Page) -> None:
    chart = page.evaluate(LABELS_JS)
    assert chart["visible"] == 1, "one drawing of the chart is shown"
    # It fills its card (the figure spans the card's content box).
    assert chart["svg"] >= chart["figure"] - 1, chart
    dates = sorted(
        (lab for lab in chart["labels"] if lab["kind"] == "date"), key=lambda x: x["left"]
    )
    assert len(dates) >= 2
    for a, b in zip(dates, dates[1:], strict=False):
        assert a["right"] <= b["left"], f"{a['text']!r} overlaps {b['text']!r}"
    values = sorted(
        (lab for lab in chart["labels"] if lab["kind"] == "value"), key=lambda x: x["top"]
    )
    for a, b in zip(values, values[1:], strict=False):
        assert a["bottom"] <= b["top"], f"{a['text']!r} overlaps {b['text']!r}"
    for label in chart["labels"]:
        assert chart["svgLeft"] - 0.5 <= label["left"], label
        assert label["right"] <= chart["svgRight"] + 0.5, label
        assert 11 <= label["px"] <= 18, f"{label['text']!r} renders at {label['px']:.1f} px"


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390px", "1280px"])
def test_goal_page_reason_chart_and_history(
    browser: Browser, live_server, console: Console, org, viewport
) -> None:
    goal, kr = _goal(org)
    page = _new_page(browser, live_server, console, viewport)
    try:
        sign_in(page, org.engineer.work_email)
        page.goto(f"/goals/{goal.pk}/")
        progress = page.locator(f"#goal-progress-{goal.pk}")
        expect(progress.locator(".badge.goal-health-at_risk")).to_have_text("At risk")
        expect(progress.locator(".health-reason")).to_contain_text("expected by today")
        expect(progress.locator(".health-reason")).to_contain_text("owner says: at risk")
        _check_chart(page)

        # The history table: in view, and reachable and scrollable with the keyboard.
        table = page.locator(".kr-history .table-wrap").first
        expect(table).to_have_attribute("tabindex", "0")
        wide = table.evaluate("(el) => el.scrollWidth > el.clientWidth")
        if viewport is MOBILE:
            assert wide, "at 390 px the history table scrolls inside its frame"
        if wide:
            table.focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            # Scrolling by key may be animated: wait for it to move.
            page.wait_for_function("(el) => el.scrollLeft > 0", arg=table.element_handle())
        check_page(page, "goal-health-chart")

        page.goto("/goals/")
        expect(page.locator(f"#goal-progress-{goal.pk} .health-reason")).to_contain_text(
            "owner says: at risk"
        )
        check_page(page, "goal-health-my-goals")
        assert not console.errors(), console
    finally:
        page.context.close()
    assert not console.csp_violations(), console.csp_violations()


def test_team_goals_show_why_at_390px(mobile_page: Page, org) -> None:
    goal, _kr = _goal(org)
    sign_in(mobile_page, org.eng_manager.work_email)
    mobile_page.goto("/goals/team/")
    row = mobile_page.locator("tr.row-at_risk")
    expect(row).to_contain_text("Grow recurring revenue")
    reason = row.locator(".health-reason")
    expect(reason).to_contain_text("owner says: at risk")
    # Readable without scrolling the table sideways: inside the screen's width.
    box = reason.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    expect(mobile_page.locator(".team-member .table-wrap").first).to_have_attribute("tabindex", "0")
    check_page(mobile_page, "goal-health-team")
