"""``{{ m.value|kpi_value:kpi }}``: a KPI's value as every page writes it."""

from decimal import Decimal

from django import template

from cadence.kpis.display import value_text
from cadence.kpis.models import Kpi

register = template.Library()


@register.filter
def kpi_value(value: Decimal | float | int | None, kpi: Kpi) -> str:
    return value_text(kpi, value)
