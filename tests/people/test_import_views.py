"""The web import: upload → preview → confirm, for HR admins only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cadence.core.models import AuditEvent
from cadence.people import services
from cadence.people.importing import plan_import, read_table
from cadence.people.models import PeopleImport, Person

NEW_PEOPLE = (
    "Employee ID,Work Email,First Name,Last Name,Job Title,Manager Email\r\n"
    "E500,new.lead@example.com,Nia,Lead,Team Lead,eng.head@example.com\r\n"
    "E501,new.dev@example.com,Kai,Dev,Engineer,new.lead@example.com\r\n"
)


def upload(client: Client, text: str, **data) -> object:
    return client.post(
        reverse("people:import_start"),
        {
            "file": SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv"),
            **data,
        },
    )


@pytest.mark.django_db
def test_hr_admin_uploads_previews_and_confirms(org):
    client = org.client_for(org.hr)
    assert client.get(reverse("people:import_start")).status_code == 200
    text = NEW_PEOPLE + f"E100,{org.engineer.work_email},Ann,Engineer,Staff Engineer,\r\n"
    response = upload(client, text)
    imported = PeopleImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:import_preview", args=[imported.pk])
    assert Person.objects.filter(employee_id="E500").count() == 0  # preview writes nothing

    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Confirm and import" in html
    assert "new.dev@example.com" in html and "Staff Engineer" in html
    preview = imported.summary["preview"]
    assert preview["counts"] == {"created": 2, "updated": 1, "deactivated": 0, "unchanged": 0}

    response = client.post(reverse("people:import_confirm", args=[imported.pk]))
    assert response.status_code == 302
    imported.refresh_from_db()
    assert imported.state == PeopleImport.State.APPLIED  # tests run tasks immediately
    assert imported.summary["result"]["created"] == 2
    lead = Person.objects.get(employee_id="E500")
    assert lead.manager == org.eng_head
    assert Person.objects.get(employee_id="E501").manager == lead
    event = AuditEvent.objects.get(action="people.import")
    assert event.actor == org.hr.user
    assert "Imported" in client.get(response.url).content.decode()

    # Confirming twice does not import twice.
    client.post(reverse("people:import_confirm", args=[imported.pk]))
    assert AuditEvent.objects.filter(action="people.import").count() == 1


@pytest.mark.django_db
def test_preview_lists_every_error_and_cannot_be_confirmed(org):
    client = org.client_for(org.hr)
    text = "Work Email,Manager ID,Hire Date\r\n,E9,2020-01-01\r\nok@example.com,,someday\r\n"
    response = upload(client, text)
    html = client.get(response.url).content.decode()
    assert "line 2: Work Email: missing" in html
    assert "line 2: Manager ID: no person with employee ID E9 in the file or in Cadence" in html
    assert "line 3: Hire Date: “someday” is not a date (use YYYY-MM-DD)" in html
    assert "Confirm and import" not in html
    imported = PeopleImport.objects.get()
    client.post(reverse("people:import_confirm", args=[imported.pk]))
    imported.refresh_from_db()
    assert imported.state == PeopleImport.State.PREVIEWED
    assert Person.objects.filter(work_email="ok@example.com").count() == 0


@pytest.mark.django_db
def test_unreadable_file_and_bad_mapping(org):
    client = org.client_for(org.hr)
    response = upload(client, NEW_PEOPLE, mapping="no equals sign here")
    assert response.status_code == 200
    assert "is not of the form" in response.content.decode()
    response = client.post(
        reverse("people:import_start"),
        {
            "file": SimpleUploadedFile("roster.xlsx", b"not a workbook"),
        },
    )
    assert "not a readable XLSX file" in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_mapping_and_full_roster_options(org, settings):
    settings.CADENCE_IMPORT_MAX_DEACTIVATE_SHARE = 0.5
    client = org.client_for(org.hr)
    keep = [org.ceo, org.eng_head, org.eng_manager, org.engineer, org.engineer2, org.hr]
    text = "Correo\r\n" + "".join(f"{p.work_email}\r\n" for p in keep)
    response = upload(client, text, mapping="Correo=work_email", full="on")
    imported = PeopleImport.objects.get()
    assert imported.options == {"full": True, "mapping": {"Correo": "work_email"}}
    assert imported.summary["preview"]["counts"]["deactivated"] == 4
    assert "sam.seller@example.com" in client.get(response.url).content.decode()
    client.post(reverse("people:import_confirm", args=[imported.pk]))
    assert Person.objects.filter(status=Person.Status.LEFT).count() == 4


@pytest.mark.django_db
def test_mass_deactivation_needs_the_box_ticked(org):
    client = org.client_for(org.hr)
    text = f"Work Email\r\n{org.ceo.work_email}\r\n{org.hr.work_email}\r\n"
    response = upload(client, text, full="on")
    imported = PeopleImport.objects.get()
    html = client.get(response.url).content.decode()
    assert "Yes, deactivate 8 people" in html and "80% of the organisation" in html
    client.post(reverse("people:import_confirm", args=[imported.pk]))
    imported.refresh_from_db()
    assert imported.state == PeopleImport.State.PREVIEWED
    assert Person.objects.filter(status=Person.Status.LEFT).count() == 0
    client.post(
        reverse("people:import_confirm", args=[imported.pk]), {"confirm_deactivation": "on"}
    )
    imported.refresh_from_db()
    assert imported.state == PeopleImport.State.APPLIED
    assert Person.objects.filter(status=Person.Status.LEFT).count() == 8


@pytest.mark.django_db
def test_a_file_that_became_invalid_fails_without_writing(org):
    client = org.client_for(org.hr)
    upload(client, "Work Email,Manager ID\r\nnew.dev@example.com,E100\r\n")
    imported = PeopleImport.objects.get()
    assert imported.errors == []
    # Meanwhile Ann's employee ID changes: the stored file now names an unknown manager.
    services.person_update(actor=None, person=org.engineer, employee_id="E100-B")
    response = client.post(reverse("people:import_confirm", args=[imported.pk]))
    imported.refresh_from_db()
    assert imported.state == PeopleImport.State.FAILED
    assert imported.errors == [
        "line 2: Manager ID: no person with employee ID E100 in the file or in Cadence"
    ]
    assert not Person.objects.filter(work_email="new.dev@example.com").exists()
    html = client.get(response.url).content.decode()
    assert "The import was not applied" in html and "E100 in the file" in html


@pytest.mark.django_db
def test_queued_import_shows_progress_and_polls(org):
    client = org.client_for(org.hr)
    upload(client, NEW_PEOPLE)
    imported = PeopleImport.objects.get()
    PeopleImport.objects.filter(pk=imported.pk).update(state=PeopleImport.State.QUEUED)
    url = reverse("people:import_preview", args=[imported.pk])
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in html
    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "import-status"})
    assert fragment.content.decode().lstrip().startswith('<section id="import-status"')


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(org):
    client = Client()
    imported = PeopleImport.objects.create(
        uploaded_by=org.hr.user, file_name="x.csv", content=NEW_PEOPLE.encode()
    )
    for url in (
        reverse("people:import_start"),
        reverse("people:import_preview", args=[imported.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.url
    response = client.post(reverse("people:import_confirm", args=[imported.pk]))
    assert response.status_code == 302 and "/login" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["engineer", "eng_manager", "exec_viewer"])
def test_people_who_are_not_hr_admins_are_refused(org, who):
    hr = org.client_for(org.hr)
    upload(hr, NEW_PEOPLE)
    imported = PeopleImport.objects.get()
    client = org.client_for(getattr(org, who))
    assert client.get(reverse("people:import_start")).status_code == 403
    assert upload(client, NEW_PEOPLE).status_code == 403
    assert PeopleImport.objects.count() == 1
    assert client.get(reverse("people:import_preview", args=[imported.pk])).status_code == 403
    # Nor can they confirm someone else's upload.
    response = client.post(reverse("people:import_confirm", args=[imported.pk]))
    assert response.status_code == 403
    imported.refresh_from_db()
    assert imported.state == PeopleImport.State.PREVIEWED
    assert not Person.objects.filter(employee_id="E500").exists()


@pytest.mark.django_db
def test_unknown_import_is_404_for_hr(org):
    client = org.client_for(org.hr)
    assert client.get(reverse("people:import_preview", args=[999])).status_code == 404


@pytest.mark.django_db
def test_preview_warns_flags_risky_rows_and_names_custom_columns(org):
    client = org.client_for(org.hr)
    text = (
        "Employee ID,Work Email,Shoe Size\r\n"
        f"E999,{org.engineer.work_email},42\r\n"  # matched by email, another employee ID
        "E600,brand.new@example.com,40\r\n"
    )
    html = client.get(upload(client, text).url).content.decode()
    assert "No manager column was recognised" in html
    assert "1 change deserves a second look." in html
    assert "To check before confirming" in html
    assert "matched by email, but the file gives another employee ID (E100 → E999)" in html
    assert "Kept as custom attributes (no field matches these columns):" in html
    assert "<strong>Shoe Size</strong>" in html
    assert "<del>" not in html  # values are shown, not struck through
    assert "Confirm and import" in html  # a warning informs; it does not block


@pytest.mark.django_db
def test_import_page_lists_past_imports_with_their_summary(org, django_assert_max_num_queries):
    client = org.client_for(org.hr)
    response = upload(client, NEW_PEOPLE)
    client.post(reverse("people:import_confirm", args=[PeopleImport.objects.get().pk]))
    services.people_import(  # the command line leaves only its audit event
        actor=None,
        plan=plan_import(read_table(b"Work Email\r\ncli.person@example.com\r\n", "nightly.csv")),
    )
    upload(client, "Work Email\r\nnot-an-email\r\n")
    with django_assert_max_num_queries(12):
        html = client.get(reverse("people:import_start")).content.decode()
    assert "Past imports" in html
    rows = html.split('<table class="past-imports">')[1].split("</tbody>")[0].split("<tr>")[2:]
    assert len(rows) == 3
    assert "nightly.csv" in rows[1] and "command line" in rows[1]
    assert "1 created, 0 updated, 0 deactivated, 0 unchanged" in rows[1]
    assert response.url in rows[2] and "Hr Admin" in rows[2]
    assert "2 created, 0 updated, 0 deactivated, 0 unchanged" in rows[2]
    assert "Applied" in rows[2] and "Previewed" in rows[0]
