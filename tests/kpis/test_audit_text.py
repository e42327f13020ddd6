"""Audit summaries of KPI values write numbers as the pages do (``format_quantity``):
"34.3 deploys", never the column's "34.3000"."""

import datetime

import pytest

from cadence.core.models import AuditEvent
from cadence.kpis import display, services
from cadence.kpis.models import Kpi

D = datetime.date


def recorded_summary(org, kpi: Kpi, value) -> str:
    services.measurement_record(
        actor=org.eng_manager.user, kpi=kpi, value=value, period_start=D(2026, 2, 3)
    )
    return AuditEvent.objects.filter(action__startswith="kpi.measurement.").latest("id").summary


@pytest.mark.parametrize(
    ("value", "shown"),
    [("34.3", "34.3 deploys"), ("12", "12 deploys"), ("1250.5", "1,250.5 deploys")],
)
def test_a_recorded_value_reads_as_a_number_with_its_unit(org, team_kpi, value, shown):
    summary = recorded_summary(org, team_kpi, value)
    assert summary == f"Deploys, Feb 2026: {shown}"
    assert "0000" not in summary


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        ("%", "99.9", "99.9%"),
        ("€", "1250", "€1,250"),
        ("€", "1250.5", "€1,250.50"),
        ("EUR", "100000", "100,000 EUR"),
        ("", "7", "7"),
    ],
)
def test_the_unit_tells_the_kind(org, platform, unit, value, shown):
    kpi = services.kpi_define(
        actor=org.hr.user,
        name="Measure",
        unit=unit,
        target=1,
        frequency="monthly",
        scope="team",
        department=platform,
    )
    assert recorded_summary(org, kpi, value).endswith(f": {shown}")
    assert display.value_text(kpi, value) == shown
