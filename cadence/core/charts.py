"""Server-rendered SVG charts, shared by every area that draws a trend.

The markup is built here from numbers and dates we format ourselves; every piece of text
given by a caller (title, unit) is escaped, so the result may be passed to ``mark_safe``.
The Content-Security-Policy forbids inline styles, so the markup carries only SVG
presentation attributes (which are a fallback) and CSS classes (``chart-*`` in
cadence.css, which win over presentation attributes).
"""

import datetime
import math
import secrets
from collections.abc import Callable
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

# Room around the plot (the left side grows with the widest value label).
_PAD_RIGHT = 16
_PAD_TOP = 14
_TITLE_HEIGHT = 20
_FONT_SIZE = 12
# Space kept between two labels on the date axis, in px.
_LABEL_GAP = 10
# The chart in three drawing widths, each shown while its container is about that wide
# (container queries in cadence.css): text scales with the drawing, so one drawing for
# every width would print 5 px labels on a phone or 20 px ones on a wide screen.
# (name, width, height, font size); .chart-sizes in cadence.css switches at 480 and
# 800 px, so that text renders at 11–17 px whatever the container's width.
SIZES = (("s", 320, 220, 12), ("m", 560, 220, 13), ("l", 960, 250, 14))


def format_value(value: float) -> str:
    """A number as people write it: no trailing zeros, at most two decimals, thousands
    grouped as everywhere else ("1,300,000")."""
    if value == 0:
        return "0"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text == "-0":
        return "0"
    places = len(text.partition(".")[2])
    return number_format(Decimal(text), places, force_grouping=True)


def axis_value(value: float, top: float) -> str:
    """A value on the axis, short enough to read at a glance: "12.5M", "250k" once the
    axis reaches tens of thousands (``top``: its largest absolute value)."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e4, "k")):
        if top >= size:
            divisor = 1e3 if suffix == "k" else size
            return format_value(value / divisor) + suffix if value else "0"
    return format_value(value)


def text_width(text: str, font_size: float) -> float:
    """A generous estimate of the rendered width of ``text`` in a proportional sans-serif
    font: about 0.6 em for a letter or digit, less for spaces and punctuation. The
    labels are placed with it, so it errs wide."""
    narrow = sum(1 for ch in text if ch in " .,:;'|!il1-")
    return font_size * (0.62 * (len(text) - narrow) + 0.36 * narrow)


def _nice_step(span: float, count: int) -> float:
    """A 1/2/5 × 10ⁿ step that splits ``span`` into about ``count`` intervals."""
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _value_range(values: list[float]) -> tuple[float, float, float]:
    """Low and high bounds of the value axis, rounded outwards to whole ticks, and the tick step."""
    low, high = min(values), max(values)
    if low == high:
        # A flat series still gets an axis around it rather than a zero-height one.
        margin = abs(low) * 0.1 or 1.0
        low, high = low - margin, high + margin
    # Start at zero when that costs little space: a trend read from zero misleads less.
    if low > 0 and low < (high - low):
        low = 0.0
    step = _nice_step(high - low, 4)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _date_label(day: datetime.date, with_year: bool) -> str:
    return date_format(day, "DATE_FORMAT" if with_year else "MONTH_DAY_FORMAT")


def _place_date_labels(
    candidates: list[tuple[float, str]], *, left: float, right: float, font_size: float
) -> list[tuple[float, str, str, float, float]]:
    """Labels for the date axis that fit: ``(x, text, anchor, start, end)`` with no two
    closer than ``_LABEL_GAP`` and all inside ``left``–``right``. ``candidates`` come in
    date order; the last and the first are placed first, so they always stay."""
    placed: list[tuple[float, str, str, float, float]] = []
    order = [*candidates[-1:], *candidates[:1], *candidates[1:-1]]
    for x, text in order:
        width = text_width(text, font_size)
        # Centred under its tick, or pulled in from an edge so that it stays in view
        # (the first and the last date sit flush with the ends of the axis).
        anchor, begin = "middle", x - width / 2
        if begin < left:
            anchor, begin = "start", left
        elif begin + width > right:
            anchor, begin = "end", right - width
        end = begin + width
        if any(begin < e + _LABEL_GAP and b < end + _LABEL_GAP for _x, _t, _a, b, e in placed):
            continue
        placed.append((x, text, anchor, begin, end))
    return sorted(placed)


def _summary(
    points: list[tuple[datetime.date, float]],
    target: float | None,
    unit: str,
    date_text: Callable[[datetime.date], str] = date_format,
) -> str:
    def amount(value: float) -> str:
        return f"{format_value(value)} {unit}".strip()

    if not points:
        text = _("No values recorded yet.")
    elif len(points) == 1:
        day, value = points[0]
        text = _("One value: %(value)s on %(date)s.") % {
            "value": amount(value),
            "date": date_text(day),
        }
    else:
        (first_day, first), (last_day, last) = points[0], points[-1]
        text = _(
            "%(count)s values from %(first_date)s (%(first)s) to %(last_date)s (latest %(last)s)."
        ) % {
            "count": len(points),
            "first_date": date_text(first_day),
            "first": amount(first),
            "last_date": date_text(last_day),
            "last": amount(last),
        }
    if target is not None:
        text += " " + _("Target: %(target)s.") % {"target": amount(target)}
    return text


def line_chart(
    points: list[tuple[datetime.date, float]],
    *,
    target: float | None = None,
    width: int = 640,
    height: int = 220,
    y_label: str = "",
    title: str = "",
    font_size: int = _FONT_SIZE,
    css_class: str = "",
    date_text: Callable[[datetime.date], str] | None = None,
    axis_text: Callable[[datetime.date], str] | None = None,
) -> str:
    """An accessible SVG line chart of ``points`` with an optional dashed target line.

    Returns complete ``<svg>`` markup, safe to ``mark_safe``: all caller text is escaped.
    Points are drawn in date order; values that are not finite numbers are left out.
    With no points the chart says so; with one point it shows a single dot. Labels are
    measured (``text_width``) and placed so that none overlaps another or leaves the
    drawing. ``line_chart_sizes`` gives the same chart for every width of its container.

    ``date_text`` writes a point's date in its tooltip and the description, ``axis_text``
    on the date axis; both default to the date format. A series of periods passes their
    names ("Dec 2026" rather than "1 Dec 2026", the day its period starts).
    """
    point_date = date_text or date_format
    series = sorted(
        ((day, float(value)) for day, value in points if math.isfinite(float(value))),
        key=lambda point: point[0],
    )
    if target is not None and not math.isfinite(float(target)):
        target = None
    target = float(target) if target is not None else None
    width, height = max(int(width), 160), max(int(height), 100)
    fs = font_size

    uid = secrets.token_hex(4)
    title_id, desc_id = f"chart-{uid}-title", f"chart-{uid}-desc"
    heading = title or y_label or _("Trend")
    summary = _summary(series, target, y_label, point_date)
    classes = f"chart-svg {css_class}".strip()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(classes)}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{title_id} {desc_id}" focusable="false">',
        f'<title id="{title_id}">{escape(heading)}</title>',
        f'<desc id="{desc_id}">{escape(summary)}</desc>',
    ]
    values = [value for _day, value in series]
    if series:
        low, high, step = _value_range(values + ([target] if target is not None else []))
        ticks = int(round((high - low) / step))
        tick_values = [low + i * step for i in range(ticks + 1)]
    else:
        tick_values = []
    top_value = max((abs(v) for v in tick_values), default=0.0)
    tick_texts = [axis_value(v, top_value) for v in tick_values]
    widest = max((text_width(t, fs) for t in tick_texts), default=0.0)
    # Left of the plot: the rotated axis label (if any), then the widest value, then a gap.
    label_band = fs + 6 if y_label else 0
    left = max(40, round(label_band + widest + 12))
    top = _PAD_TOP
    if title:
        out.append(
            f'<text class="chart-title" x="{left}" y="{_PAD_TOP + 2}" '
            f'font-size="{fs + 2}" font-weight="600" fill="#1f2937" '
            f'aria-hidden="true">{escape(title)}</text>'
        )
        top += _TITLE_HEIGHT
    right, bottom = width - _PAD_RIGHT, height - (fs * 2 + 8)

    if not series:
        out.append(
            f'<rect class="chart-frame" x="{left}" y="{top}" width="{right - left}" '
            f'height="{bottom - top}" fill="none" stroke="#d1d5db"/>'
            f'<text class="chart-empty" x="{(left + right) / 2:.1f}" y="{(top + bottom) / 2:.1f}" '
            f'text-anchor="middle" font-size="{fs + 1}" fill="#4b5563">'
            f"{escape(_('No values yet'))}</text></svg>"
        )
        return "".join(out)

    first_day, last_day = series[0][0], series[-1][0]
    days = (last_day - first_day).days

    def x_of(day: datetime.date) -> float:
        if days == 0:
            return (left + right) / 2
        return left + (right - left) * (day - first_day).days / days

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value - low) / (high - low)

    # Value axis: horizontal grid lines with their values on the left.
    for value, text in zip(tick_values, tick_texts, strict=True):
        y = y_of(value)
        out.append(
            f'<line class="chart-grid" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e5e7eb"/>'
            f'<text class="chart-tick chart-tick-value" x="{left - 6}" y="{y + fs / 3:.1f}" '
            f'text-anchor="end" font-size="{fs}" fill="#4b5563" aria-hidden="true">'
            f"{escape(text)}</text>"
        )
    if y_label:
        middle = (top + bottom) / 2
        x = fs * 0.8
        out.append(
            f'<text class="chart-axis-label" x="{x:.1f}" y="{middle:.1f}" '
            f'text-anchor="middle" font-size="{fs}" fill="#4b5563" '
            f'transform="rotate(-90 {x:.1f} {middle:.1f})" aria-hidden="true">'
            f"{escape(y_label)}</text>"
        )
    # Date axis: the base line and as many dates as fit, always the first and the last.
    out.append(
        f'<line class="chart-axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" '
        f'stroke="#6b7280"/>'
    )
    with_year = first_day.year != last_day.year
    candidates = [
        (x_of(day), axis_text(day) if axis_text else _date_label(day, with_year))
        for day in sorted({d for d, _v in series})
    ]
    for x, text, anchor, begin, end in _place_date_labels(
        candidates, left=left, right=right, font_size=fs
    ):
        text_x = {"start": begin, "end": end}.get(anchor, x)
        out.append(
            f'<line class="chart-axis" x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" '
            f'y2="{bottom + 4}" stroke="#6b7280"/>'
            f'<text class="chart-tick chart-tick-date" x="{text_x:.1f}" y="{bottom + fs + 5}" '
            f'text-anchor="{anchor}" font-size="{fs}" fill="#4b5563" aria-hidden="true">'
            f"{escape(text)}</text>"
        )
    if target is not None:
        y = y_of(target)
        out.append(
            f'<line class="chart-target" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#166534" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text class="chart-target-label" x="{right}" y="{y - 4:.1f}" text-anchor="end" '
            f'font-size="{fs}" fill="#166534" aria-hidden="true">'
            f"{escape(_('target %(value)s') % {'value': axis_value(target, top_value)})}</text>"
        )
    coordinates = [(x_of(day), y_of(value)) for day, value in series]
    if len(coordinates) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        out.append(
            f'<polyline class="chart-line" points="{line}" fill="none" stroke="#1d4ed8" '
            f'stroke-width="2" stroke-linejoin="round"/>'
        )
    for (day, value), (x, y) in zip(series, coordinates, strict=True):
        # A tooltip per dot for pointer users; screen readers get the summary in <desc>.
        out.append(
            f'<circle class="chart-dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1d4ed8">'
            f"<title>{escape(f'{point_date(day)}: {format_value(value)} {y_label}'.strip())}"
            f"</title></circle>"
        )
    out.append("</svg>")
    return "".join(out)


def line_chart_sizes(points: list[tuple[datetime.date, float]], **options: object) -> str:
    """The chart drawn at each of ``SIZES``, in a wrapper whose width picks the one shown
    (``.chart-sizes`` in cadence.css): it fills its card and its labels keep a legible
    size from a 320 px phone to a wide screen. Same arguments as ``line_chart``."""
    drawings = [
        line_chart(
            points,
            width=width,
            height=height,
            font_size=font_size,
            css_class=f"chart-size-{name}",
            **options,  # type: ignore[arg-type]
        )
        for name, width, height, font_size in SIZES
    ]
    return f'<div class="chart-sizes">{"".join(drawings)}</div>'
