"""The people forms refuse what the API refuses: text beyond its bound and the NUL
character, which PostgreSQL cannot store."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadence.core.limits import LONG_TEXT
from cadence.people.models import PeopleImport, Person
from tests.conftest import Org
from tests.people.test_edit import form_data


@pytest.mark.parametrize("field", ["first_name", "job_title", "location", "manager"])
def test_a_person_form_refuses_the_nul_character(org: Org, field: str) -> None:
    before = Person.objects.get(pk=org.engineer.pk)
    response = org.client_for(org.hr).post(
        reverse("people:person_edit", args=[org.engineer.pk]),
        form_data(org.engineer, **{field: "Ann\x00"}),
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Null characters are not allowed." in response.content.decode()
    after = Person.objects.get(pk=org.engineer.pk)
    assert (after.first_name, after.job_title, after.location, after.manager_id) == (
        before.first_name,
        before.job_title,
        before.location,
        before.manager_id,
    )


def test_the_import_mapping_is_bounded(org: Org) -> None:
    response = org.client_for(org.hr).post(
        reverse("people:import_start"),
        {
            "file": SimpleUploadedFile("roster.csv", b"Employee ID,Work Email\r\n"),
            "mapping": "Team=custom:Squad\n" * (LONG_TEXT // 10),
        },
    )
    assert "Ensure this value has at most 10000 characters" in response.content.decode()
    assert not PeopleImport.objects.exists()
