"""A KPI's trend is drawn like a check-in chart (``charts.line_chart_sizes``): one
drawing per size in a wrapper whose width picks the one shown, so it fills its card.
How it looks at 390 and 1280 px: ``tests/browser/test_kpi_chart.py``."""

import datetime

from django.urls import reverse

from cadence.kpis import services


def test_the_trend_is_drawn_at_every_size(org, team_kpi):
    services.measurement_record(
        actor=org.hr.user, kpi=team_kpi, value=8, period_start=datetime.date(2026, 1, 5)
    )
    page = (
        org.client_for(org.eng_manager)
        .get(reverse("kpis:kpi", args=[team_kpi.pk]))
        .content.decode()
    )
    figure = page[page.index('<figure class="chart kpi-chart">') :]
    figure = figure[: figure.index("</figure>")]
    assert '<div class="chart-sizes">' in figure
    for size in ("s", "m", "l"):
        assert f"chart-size-{size}" in figure
    assert 'width="520"' not in figure  # the old fixed-width drawing
    assert "the dashed line is the target" in figure
