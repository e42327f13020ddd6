"""The compliance view's bars: one stacked bar per certification type and per top-level
department (missing, expired, expiring within 30 days), drawn by the home page's
``stacked_bar`` (server-side SVG, no script); the tables beside them carry the figures."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cadence.certifications import queries
from cadence.home.charts import Segment, stacked_bar


@dataclass(frozen=True)
class Bar:
    label: str
    counts: queries.Counts
    bar: SafeString
    needing: int | None = None


def _bar(
    label: str, counts: queries.Counts, link: dict[str, str | int], compliant: int = 0
) -> SafeString:
    url = reverse("certifications:compliance")

    def segment(value: int, colour: str, status: str, words: str) -> Segment:
        return Segment(
            value,
            colour,
            f"{url}?{urlencode({**link, 'status': status})}#rows",
            f"{label}: {value} {words}",
        )

    return stacked_bar(
        [
            Segment(
                compliant, "ok", f"{url}?{urlencode(link)}", f"{label}: {compliant} {_('in order')}"
            ),
            segment(counts.missing, "bad", queries.MISSING, _("missing")),
            segment(counts.expired, "warn", queries.EXPIRED, _("expired")),
            segment(counts.expiring, "brand", queries.EXPIRING, _("expiring within 30 days")),
        ]
    )


def compliance_charts(summary: queries.ComplianceSummary) -> dict[str, list[Bar]]:
    by_type = [
        Bar(
            t.name,
            counts,
            _bar(t.name, counts, {"type": t.pk}, max(needing - counts.total, 0)),
            needing,
        )
        for t, counts, needing in summary.by_type
    ]
    by_department = [
        Bar(name or _("No department"), counts, _bar(name or _("No department"), counts, {}))
        for name, counts in summary.by_department[:20]
    ]
    return {"types": by_type, "departments": by_department}
