"""The KPI form bounds its description as the API does (``core.limits``)."""

import pytest
from django.urls import reverse

from cadence.core.limits import LONG_TEXT
from cadence.kpis.models import Kpi


def kpi_data(**overrides: str) -> dict[str, str]:
    return {
        "name": "Review turnaround",
        "unit": "h",
        "target": "24",
        "direction": "decrease",
        "frequency": "weekly",
        "scope": "person",
        "person": "E100",
        **overrides,
    }


@pytest.mark.parametrize(
    ("description", "error"),
    [
        ("x" * (LONG_TEXT + 1), "Ensure this value has at most 10000 characters"),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_a_kpi_description_too_long_or_with_nul_is_refused(org, description, error):
    response = org.client_for(org.eng_manager).post(
        reverse("kpis:kpi_create"), kpi_data(description=description)
    )
    assert response.status_code == 422  # the form again, with the error
    assert error in response.content.decode()
    assert not Kpi.objects.filter(name="Review turnaround").exists()


def test_a_kpi_description_at_the_limit_is_kept(org):
    response = org.client_for(org.eng_manager).post(
        reverse("kpis:kpi_create"), kpi_data(description="x" * LONG_TEXT)
    )
    assert response.status_code == 302
    assert len(Kpi.objects.get(name="Review turnaround").description) == LONG_TEXT


def test_editing_a_kpi_bounds_its_description(org, person_kpi):
    response = org.client_for(org.eng_manager).post(
        reverse("kpis:kpi_edit", args=[person_kpi.pk]),
        kpi_data(
            name=person_kpi.name,
            code=person_kpi.code,
            person=person_kpi.person.work_email,
            description="x" * (LONG_TEXT + 1),
        ),
    )
    assert "Ensure this value has at most 10000 characters" in response.content.decode()
    person_kpi.refresh_from_db()
    assert len(person_kpi.description) <= LONG_TEXT
