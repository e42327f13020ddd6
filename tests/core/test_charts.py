import datetime
import re
from xml.etree import ElementTree

import pytest

from cadence.core.charts import SIZES, format_value, line_chart, line_chart_sizes

SVG = "{http://www.w3.org/2000/svg}"
D = datetime.date


def parse(markup: str) -> ElementTree.Element:
    # Well-formed XML is the first guarantee: the browser inlines it as is.
    return ElementTree.fromstring(markup)  # noqa: S314 - our own markup, not untrusted input


def test_series_is_drawn_with_line_dots_target_and_ticks():
    points = [(D(2026, 1, 1), 10.0), (D(2026, 2, 1), 14.5), (D(2026, 3, 1), 12.0)]
    svg = parse(line_chart(points, target=15, y_label="%"))

    assert svg.get("role") == "img"
    polyline = svg.find(f"{SVG}polyline")
    assert polyline is not None and len(polyline.get("points").split()) == 3
    assert len(svg.findall(f"{SVG}circle")) == 3
    target = [e for e in svg.iter(f"{SVG}line") if e.get("class") == "chart-target"]
    assert len(target) == 1 and target[0].get("stroke-dasharray")
    texts = [e.text for e in svg.iter(f"{SVG}text")]
    assert "1 Jan" in texts and "1 Mar" in texts  # the year is the same: left out
    assert "target 15" in texts
    # The dashed target sits above every dot: higher value, smaller y.
    target_y = float(target[0].get("y1"))
    assert all(float(c.get("cy")) > target_y for c in svg.findall(f"{SVG}circle"))


def test_points_are_drawn_in_date_order():
    points = [(D(2026, 3, 1), 3.0), (D(2026, 1, 1), 1.0), (D(2026, 2, 1), 2.0)]
    svg = parse(line_chart(points))
    xs = [float(pair.split(",")[0]) for pair in svg.find(f"{SVG}polyline").get("points").split()]
    ys = [float(pair.split(",")[1]) for pair in svg.find(f"{SVG}polyline").get("points").split()]
    assert xs == sorted(xs)
    assert ys == sorted(ys, reverse=True)  # values rise left to right


def test_title_and_desc_summarise_for_screen_readers():
    points = [(D(2026, 1, 5), 3.0), (D(2026, 1, 12), 4.25)]
    svg = parse(line_chart(points, target=5, y_label="calls", title="Calls per day"))

    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.text == "Calls per day"
    assert "5 Jan 2026" in desc.text and "3 calls" in desc.text
    assert "12 Jan 2026" in desc.text and "4.25 calls" in desc.text
    assert "Target: 5 calls" in desc.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_no_inline_styles_only_classes():
    markup = line_chart([(D(2026, 1, 1), 1.0), (D(2026, 1, 2), 2.0)], target=1.5, title="T")
    assert "style=" not in markup
    assert "<script" not in markup
    assert 'class="chart-svg"' in markup


def test_caller_text_is_escaped():
    evil = '<script>alert("x")</script>&'
    markup = line_chart([(D(2026, 1, 1), 1.0)], y_label=evil, title=evil)
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    parse(markup)  # still well-formed


def test_no_points_says_so():
    svg = parse(line_chart([], target=10))
    assert svg.find(f"{SVG}polyline") is None
    assert not svg.findall(f"{SVG}circle")
    assert "No values" in svg.find(f"{SVG}desc").text
    assert any(e.get("class") == "chart-empty" for e in svg.iter(f"{SVG}text"))


def test_one_point_is_a_single_centred_dot():
    svg = parse(line_chart([(D(2026, 4, 1), 7.0)], width=400))
    assert svg.find(f"{SVG}polyline") is None
    (dot,) = svg.findall(f"{SVG}circle")
    # Centred between the left and right padding of the plot area.
    assert 150 < float(dot.get("cx")) < 250
    assert "One value: 7 on 1 Apr 2026" in svg.find(f"{SVG}desc").text


def test_flat_series_and_same_day_points_do_not_divide_by_zero():
    svg = parse(line_chart([(D(2026, 1, 1), 5.0), (D(2026, 1, 1), 5.0)], target=5))
    cys = {c.get("cy") for c in svg.findall(f"{SVG}circle")}
    assert len(cys) == 1
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", c.get("cx")) for c in svg.findall(f"{SVG}circle"))


def test_values_that_are_not_numbers_are_left_out():
    markup = line_chart([(D(2026, 1, 1), float("nan")), (D(2026, 1, 2), 2.0)], target=float("inf"))
    svg = parse(markup)
    assert len(svg.findall(f"{SVG}circle")) == 1
    assert "nan" not in markup.lower() and "inf" not in markup.lower()


def test_negative_values_and_decimals_are_labelled():
    svg = parse(line_chart([(D(2026, 1, 1), -2.5), (D(2026, 6, 1), 1.25)]))
    texts = [e.text for e in svg.iter(f"{SVG}text")]
    assert any(t.startswith("-") for t in texts)
    for circle in svg.findall(f"{SVG}circle"):
        assert 0 <= float(circle.get("cy")) <= 200


def test_many_points_keep_a_few_date_labels():
    start = D(2025, 1, 6)
    points = [(start + datetime.timedelta(weeks=i), float(i)) for i in range(60)]
    svg = parse(line_chart(points))
    dates = [e.text for e in svg.iter(f"{SVG}text") if "chart-tick-date" in e.get("class")]
    assert 2 <= len(dates) <= 8
    # Over two calendar years the labels carry the year.
    assert dates[0] == "6 Jan 2025" and dates[-1] == "23 Feb 2026"


def test_ids_are_unique_per_chart():
    a = parse(line_chart([(D(2026, 1, 1), 1.0)]))
    b = parse(line_chart([(D(2026, 1, 1), 1.0)]))
    assert a.find(f"{SVG}title").get("id") != b.find(f"{SVG}title").get("id")


def test_axis_values_are_short_once_they_grow():
    from cadence.core.charts import axis_value

    assert [axis_value(v, 18e6) for v in (0, 12e6, 12.5e6, 18e6)] == ["0", "12M", "12.5M", "18M"]
    assert axis_value(250_000, 250_000) == "250k"
    assert axis_value(9_500, 9_500) == "9,500"
    svg = parse(line_chart([(D(2026, 1, 1), 12e6), (D(2026, 6, 1), 13e6)], target=18e6))
    texts = [e.text for e in svg.iter(f"{SVG}text")]
    assert "target 18M" in texts and "18M" in texts


def test_format_value():
    assert format_value(3.0) == "3"
    assert format_value(2.5) == "2.5"
    assert format_value(1 / 3) == "0.33"
    assert format_value(-0.001) == "0"
    # Thousands grouped as on every page (one number format everywhere).
    assert format_value(1234567.0) == "1,234,567"


def label_boxes(svg: ElementTree.Element, kind: str) -> list[tuple[float, float, float, str]]:
    """``(left, right, baseline, text)`` of each tick label of ``kind`` ("date" or
    "value"), measured independently of the chart code: 0.6 em a character, the width of
    a digit in common sans-serif fonts (the browser test measures the real glyphs)."""
    boxes = []
    for e in svg.iter(f"{SVG}text"):
        if f"chart-tick-{kind}" not in (e.get("class") or ""):
            continue
        width = len(e.text) * 0.6 * float(e.get("font-size"))
        x = float(e.get("x"))
        begin = {"start": x, "end": x - width}.get(e.get("text-anchor"), x - width / 2)
        boxes.append((begin, begin + width, float(e.get("y")), e.text))
    return sorted(boxes)


def assert_labels_fit(markup: str) -> ElementTree.Element:
    svg = parse(markup)
    width = float(svg.get("viewBox").split()[2])
    dates = label_boxes(svg, "date")
    assert len(dates) >= 2 or len({b[3] for b in dates}) == 1
    for (_l1, r1, _y1, t1), (l2, _r2, _y2, t2) in zip(dates, dates[1:], strict=False):
        assert r1 + 4 <= l2, f"{t1!r} overlaps {t2!r}"
    values = label_boxes(svg, "value")
    plot_left = min(float(e.get("x1")) for e in svg.iter(f"{SVG}line"))
    for left, right, _y, text in dates + values:
        assert left >= 0 and right <= width, f"{text!r} leaves the drawing"
    for _left, right, _y, text in values:
        assert right <= plot_left, f"{text!r} runs into the plot"
    baselines = sorted(y for _l, _r, y, _t in values)
    font = float(next(svg.iter(f"{SVG}text")).get("font-size") or 12)
    assert all(b - a >= font for a, b in zip(baselines, baselines[1:], strict=False))
    return svg


def test_date_labels_never_overlap_when_values_crowd_together():
    start = datetime.date(2026, 1, 1)
    points = [(start, 0.0)]
    points += [(start + datetime.timedelta(days=300 + i), float(i)) for i in range(6)]
    svg = assert_labels_fit(line_chart(points, width=640))
    texts = [b[3] for b in label_boxes(svg, "date")]
    assert texts[0] == "1 Jan" and texts[-1] == "2 Nov"  # the first and the last always


@pytest.mark.parametrize(("name", "width", "height", "font_size"), SIZES)
@pytest.mark.parametrize(
    "points",
    [
        # A year of monthly check-ins on revenue in euros (wide value labels).
        [(D(2026, m, 28), 12_000_000 + m * 450_000.5) for m in range(1, 13)],
        # Daily check-ins over two weeks.
        [(D(2026, 5, 1) + datetime.timedelta(days=i), float(i % 4)) for i in range(14)],
        # Two check-ins a day apart, then one at the end of the year.
        [(D(2026, 3, 1), 1.0), (D(2026, 3, 2), 2.0), (D(2026, 12, 30), 9.0)],
        # Across a new year: longer labels with the year.
        [(D(2025, 11, 3), 5.0), (D(2025, 12, 20), 6.0), (D(2026, 1, 8), 7.5), (D(2026, 2, 2), 8)],
    ],
)
def test_tick_labels_never_overlap_or_leave_the_drawing_at_any_size(
    points, name, width, height, font_size
):
    svg = assert_labels_fit(
        line_chart(
            points,
            width=width,
            height=height,
            font_size=font_size,
            y_label="EUR",
            target=20_000_000,
        )
    )
    assert len(label_boxes(svg, "date")) >= 2


def test_the_chart_comes_in_sizes_for_its_container():
    markup = line_chart_sizes([(D(2026, 1, 1), 1.0), (D(2026, 6, 1), 3.0)], target=4, y_label="h")
    assert markup.startswith('<div class="chart-sizes">') and markup.endswith("</div>")
    drawings = parse(markup).findall(f"{SVG}svg")
    assert [d.get("class") for d in drawings] == [f"chart-svg chart-size-{n}" for n, *_ in SIZES]
    for drawing, (_name, width, _height, _font) in zip(drawings, SIZES, strict=True):
        assert drawing.get("viewBox").split()[2] == str(width)
        assert float(next(drawing.iter(f"{SVG}text")).get("font-size")) >= 12
