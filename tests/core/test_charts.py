import datetime
import re
from xml.etree import ElementTree

from cadence.core.charts import format_value, line_chart

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
    assert "2026-01-01" in texts and "2026-03-01" in texts
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
    assert "2026-01-05" in desc.text and "3 calls" in desc.text
    assert "2026-01-12" in desc.text and "4.25 calls" in desc.text
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
    assert "One value: 7 on 2026-04-01" in svg.find(f"{SVG}desc").text


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
    dates = [e.text for e in svg.iter(f"{SVG}text") if re.fullmatch(r"\d{4}-\d\d-\d\d", e.text)]
    assert 2 <= len(dates) <= 6
    assert dates[0] == points[0][0].isoformat() and dates[-1] == points[-1][0].isoformat()


def test_ids_are_unique_per_chart():
    a = parse(line_chart([(D(2026, 1, 1), 1.0)]))
    b = parse(line_chart([(D(2026, 1, 1), 1.0)]))
    assert a.find(f"{SVG}title").get("id") != b.find(f"{SVG}title").get("id")


def test_format_value():
    assert format_value(3.0) == "3"
    assert format_value(2.5) == "2.5"
    assert format_value(1 / 3) == "0.33"
    assert format_value(-0.001) == "0"
    assert format_value(1234567.0) == "1234567"


def test_date_labels_never_overlap_when_values_crowd_together():
    start = datetime.date(2026, 1, 1)
    points = [(start, 0.0)]
    points += [(start + datetime.timedelta(days=300 + i), float(i)) for i in range(6)]
    svg = line_chart(points, width=640)
    dates = r'class="chart-tick" x="([0-9.]+)"[^>]*>\d{4}-\d{2}-\d{2}<'
    xs = sorted(float(x) for x in re.findall(dates, svg))
    assert len(xs) >= 2  # the first and the last date always
    assert all(b - a >= 80 for a, b in zip(xs, xs[1:], strict=False))
    assert "2026-01-01" in svg and (start + datetime.timedelta(days=305)).isoformat() in svg
