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

from django.utils.html import escape
from django.utils.translation import gettext as _

# Room around the plot for the axis labels (left: values, bottom: dates).
_PAD_LEFT = 56
_PAD_RIGHT = 16
_PAD_TOP = 14
_PAD_BOTTOM = 30
_TITLE_HEIGHT = 20
_FONT_SIZE = 11


def format_value(value: float) -> str:
    """A number as people write it: no trailing zeros, at most two decimals."""
    if value == 0:
        return "0"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


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


def _date_ticks(dates: list[datetime.date], most: int) -> list[datetime.date]:
    """Up to ``most`` distinct dates from the series, evenly spread, always first and last."""
    unique = sorted(set(dates))
    if len(unique) <= most:
        return unique
    last = len(unique) - 1
    picks = {round(i * last / (most - 1)) for i in range(most)}
    return [unique[i] for i in sorted(picks)]


def _summary(points: list[tuple[datetime.date, float]], target: float | None, unit: str) -> str:
    def amount(value: float) -> str:
        return f"{format_value(value)} {unit}".strip()

    if not points:
        text = _("No values recorded yet.")
    elif len(points) == 1:
        day, value = points[0]
        text = _("One value: %(value)s on %(date)s.") % {
            "value": amount(value),
            "date": day.isoformat(),
        }
    else:
        (first_day, first), (last_day, last) = points[0], points[-1]
        text = _(
            "%(count)s values from %(first_date)s (%(first)s) to %(last_date)s (latest %(last)s)."
        ) % {
            "count": len(points),
            "first_date": first_day.isoformat(),
            "first": amount(first),
            "last_date": last_day.isoformat(),
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
    height: int = 200,
    y_label: str = "",
    title: str = "",
) -> str:
    """An accessible SVG line chart of ``points`` with an optional dashed target line.

    Returns complete ``<svg>`` markup, safe to ``mark_safe``: all caller text is escaped.
    Points are drawn in date order; values that are not finite numbers are left out.
    With no points the chart says so; with one point it shows a single dot.
    """
    series = sorted(
        ((day, float(value)) for day, value in points if math.isfinite(float(value))),
        key=lambda point: point[0],
    )
    if target is not None and not math.isfinite(float(target)):
        target = None
    target = float(target) if target is not None else None
    width, height = max(int(width), 160), max(int(height), 100)

    uid = secrets.token_hex(4)
    title_id, desc_id = f"chart-{uid}-title", f"chart-{uid}-desc"
    heading = title or y_label or _("Trend")
    summary = _summary(series, target, y_label)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{title_id} {desc_id}" focusable="false">',
        f'<title id="{title_id}">{escape(heading)}</title>',
        f'<desc id="{desc_id}">{escape(summary)}</desc>',
    ]
    top = _PAD_TOP
    if title:
        out.append(
            f'<text class="chart-title" x="{_PAD_LEFT}" y="{_PAD_TOP + 2}" '
            f'font-size="{_FONT_SIZE + 2}" font-weight="600" fill="#1f2937" '
            f'aria-hidden="true">{escape(title)}</text>'
        )
        top += _TITLE_HEIGHT
    left, right, bottom = _PAD_LEFT, width - _PAD_RIGHT, height - _PAD_BOTTOM

    if not series:
        out.append(
            f'<rect class="chart-frame" x="{left}" y="{top}" width="{right - left}" '
            f'height="{bottom - top}" fill="none" stroke="#d1d5db"/>'
            f'<text class="chart-empty" x="{(left + right) / 2:.1f}" y="{(top + bottom) / 2:.1f}" '
            f'text-anchor="middle" font-size="{_FONT_SIZE + 1}" fill="#4b5563">'
            f"{escape(_('No values yet'))}</text></svg>"
        )
        return "".join(out)

    values = [value for _day, value in series]
    low, high, step = _value_range(values + ([target] if target is not None else []))
    first_day, last_day = series[0][0], series[-1][0]
    days = (last_day - first_day).days

    def x_of(day: datetime.date) -> float:
        if days == 0:
            return (left + right) / 2
        return left + (right - left) * (day - first_day).days / days

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value - low) / (high - low)

    # Value axis: horizontal grid lines with their values on the left.
    ticks = int(round((high - low) / step))
    for i in range(ticks + 1):
        value = low + i * step
        y = y_of(value)
        out.append(
            f'<line class="chart-grid" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e5e7eb"/>'
            f'<text class="chart-tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="{_FONT_SIZE}" fill="#4b5563" aria-hidden="true">'
            f"{escape(format_value(value))}</text>"
        )
    if y_label:
        out.append(
            f'<text class="chart-axis-label" x="12" y="{(top + bottom) / 2:.1f}" '
            f'text-anchor="middle" font-size="{_FONT_SIZE}" fill="#4b5563" '
            f'transform="rotate(-90 12 {(top + bottom) / 2:.1f})" aria-hidden="true">'
            f"{escape(y_label)}</text>"
        )
    # Date axis: the base line and a few dates, always the first and the last.
    out.append(
        f'<line class="chart-axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" '
        f'stroke="#6b7280"/>'
    )
    most = max(2, (right - left) // 110)
    candidates = _date_ticks([d for d, _v in series], most)
    # Dates are spread by count, not by time: drop a label that would overlap one
    # already placed (the last and first are placed first, so they always stay).
    placed: list[datetime.date] = []
    for day in [*candidates[-1:], *candidates[:1], *candidates[1:-1]]:
        if day not in placed and all(abs(x_of(day) - x_of(d)) >= 80 for d in placed):
            placed.append(day)
    for day in sorted(placed):
        x = x_of(day)
        anchor = "middle"
        if days and day == first_day and len(series) > 1:
            anchor = "start"
        elif days and day == last_day:
            anchor = "end"
        out.append(
            f'<line class="chart-axis" x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" '
            f'y2="{bottom + 4}" stroke="#6b7280"/>'
            f'<text class="chart-tick" x="{x:.1f}" y="{bottom + 17}" text-anchor="{anchor}" '
            f'font-size="{_FONT_SIZE}" fill="#4b5563" aria-hidden="true">'
            f"{day.isoformat()}</text>"
        )
    if target is not None:
        y = y_of(target)
        out.append(
            f'<line class="chart-target" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#166534" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text class="chart-target-label" x="{right}" y="{y - 4:.1f}" text-anchor="end" '
            f'font-size="{_FONT_SIZE}" fill="#166534" aria-hidden="true">'
            f"{escape(_('target %(value)s') % {'value': format_value(target)})}</text>"
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
            f"<title>{escape(f'{day.isoformat()}: {format_value(value)} {y_label}'.strip())}"
            f"</title></circle>"
        )
    out.append("</svg>")
    return "".join(out)
