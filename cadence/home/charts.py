"""The organisation's health as server-rendered SVG (no script; CSP-clean like
``cadence.core.charts``): one stacked bar per department and a column per week. Each
segment and column is a link to the people or goals behind it, with a ``<title>`` for
pointer users; the table beside each chart is the accessible version (the SVGs are
``aria-hidden`` so screen readers read the table once, not the figures twice).

Only the bars are drawn in SVG; labels and numbers are HTML around them, so they keep
the page's font size from a phone to a wide screen (a scaled drawing shrank them).
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from cadence.home.queries import DepartmentHealth

# Fill colours as presentation attributes (the CSP allows no inline style); the classes
# let cadence's forced-colours rules take over.
COLOURS = {
    "ok": "#15803d",
    "warn": "#b45309",
    "bad": "#b91c1c",
    "none": "#d1d5db",
    "brand": "#1d4ed8",
}


@dataclass(frozen=True)
class Segment:
    value: int
    colour: str  # a key of COLOURS
    url: str
    title: str  # "Engineering: 12 goals at risk"


def stacked_bar(segments: list[Segment]) -> SafeString:
    """A 100 % bar split in proportion to the segments' values (empty segments are
    left out); an all-zero bar is drawn as an empty track."""
    total = sum(s.value for s in segments)
    parts = [
        '<svg class="health-bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false">',
        f'<rect x="0" y="0" width="100" height="10" fill="{COLOURS["none"]}" opacity=".35"/>',
    ]
    x = 0.0
    for segment in segments:
        if segment.value <= 0 or total == 0:
            continue
        width = 100 * segment.value / total
        parts.append(
            f'<a href="{escape(segment.url)}" tabindex="-1">'
            f'<rect class="health-seg health-{escape(segment.colour)}" x="{x:.3f}" y="0" '
            f'width="{width:.3f}" height="10" fill="{COLOURS[segment.colour]}">'
            f"<title>{escape(segment.title)}</title></rect></a>"
        )
        x += width
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every caller text is escaped above


def columns(
    values: list[int], urls: list[str], titles: list[str], top: int | None = None
) -> SafeString:
    """One column per value (weeks, oldest first), heights relative to ``top`` (by
    default the largest value)."""
    top = top or max(values, default=0) or 1
    n = len(values)
    width = 100 / max(n, 1)
    parts = [
        '<svg class="health-columns" viewBox="0 0 100 40" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false">'
        '<line x1="0" x2="100" y1="40" y2="40" stroke="#6b7280" stroke-width=".5"/>'
    ]
    for i, (value, url, title) in enumerate(zip(values, urls, titles, strict=True)):
        height = 38 * value / top
        parts.append(
            f'<a href="{escape(url)}" tabindex="-1">'
            f'<rect class="health-seg health-brand" x="{i * width + width * 0.15:.3f}" '
            f'y="{40 - height:.3f}" width="{width * 0.7:.3f}" height="{max(height, 0.4):.3f}" '
            f'fill="{COLOURS["brand"]}"><title>{escape(title)}</title></rect></a>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every caller text is escaped above


def plan_bar(row: "DepartmentHealth") -> SafeString:
    name = row.name or _("No department")
    return stacked_bar(
        [
            Segment(
                row.agreed,
                "ok",
                row.url("plans", agreed="yes"),
                _("%(department)s: %(count)s with an agreed plan")
                % {"department": name, "count": number_format(row.agreed, force_grouping=True)},
            ),
            Segment(
                row.without_plan,
                "none",
                row.url("plans", agreed="no"),
                _("%(department)s: %(count)s without an agreed plan")
                % {
                    "department": name,
                    "count": number_format(row.without_plan, force_grouping=True),
                },
            ),
        ]
    )


def goal_bar(row: "DepartmentHealth") -> SafeString:
    name = row.name or _("No department")
    words = {
        "on_track": (_("on track"), "ok"),
        "at_risk": (_("at risk"), "warn"),
        "off_track": (_("off track"), "bad"),
    }
    return stacked_bar(
        [
            Segment(
                getattr(row.goals, status),
                colour,
                row.url("goals", status=status),
                _("%(department)s: %(count)s goals %(status)s")
                % {
                    "department": name,
                    "count": number_format(getattr(row.goals, status), force_grouping=True),
                    "status": word,
                },
            )
            for status, (word, colour) in words.items()
        ]
    )


def check_in_columns(
    row: "DepartmentHealth", weeks: list[datetime.date], top: int | None = None
) -> SafeString:
    """``top``: the scale shared by the departments' rows, so that a department with
    two check-ins does not draw columns as tall as one with thousands."""
    name = row.name or _("No department")
    return columns(
        row.check_ins,
        [row.url("check-ins", week=day.isoformat()) for day in weeks],
        [
            _("%(department)s, week of %(date)s: %(count)s check-ins")
            % {
                "department": name,
                "date": date_format(day),
                "count": number_format(count, force_grouping=True),
            }
            for day, count in zip(weeks, row.check_ins, strict=True)
        ],
        top,
    )
