"""How a KPI's values read on pages, in audit summaries and in imports: one rule."""

from decimal import Decimal

from cadence.core.templatetags.cadence_format import format_quantity
from cadence.kpis.models import Kpi


def value_text(kpi: Kpi, value: Decimal | float | int | None) -> str:
    """A value of ``kpi`` written as the pages write numbers (``format_quantity``):
    "34.3 h", "99.9%", "€1,250", never the column's "34.3000". A KPI has no kind of its
    own, so its unit tells: "%" is a percentage, a lone symbol such as "€" a currency."""
    unit = kpi.unit.strip()
    if unit == "%":
        return format_quantity(value, "percentage")
    if len(unit) == 1 and not unit.isalnum():
        return format_quantity(value, "currency", unit)
    return format_quantity(value, "number", unit)
