"""The CSV downloads of the team and coverage pages: the pages' rows and filters, their
access, ISO dates, a header row, a dated file name, and cells a spreadsheet would run as
a formula written as text."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from cadence.development import queries, services
from cadence.development.models import DevelopmentItem
from cadence.people import services as people_services
from cadence.planning import services as planning
from cadence.planning.models import Competency, CompetencyFramework
from tests.conftest import Org
from tests.development.test_api import client_of

TEAM = reverse("development:team_export")
COVERAGE = reverse("development:coverage_export")


def rows_of(response: StreamingHttpResponse) -> list[list[str]]:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[arg-type]
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def file_name(response: StreamingHttpResponse) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    return disposition.split("=", 1)[1].strip('"')


def test_the_team_csv_has_the_pages_rows_with_iso_dates(org: Org, item: DevelopmentItem):
    services.item_add(actor=org.eng_manager.user, person=org.engineer2, skill="Go")
    response = org.client_for(org.eng_manager).get(TEAM)
    header, *rows = rows_of(response)
    assert header[0] == "Person" and header[-1] == "Next due" and len(header) == 11
    by_name = {r[0]: r for r in rows}
    assert set(by_name) == {"Ann Engineer", "Bob Engineer"}
    ann = by_name["Ann Engineer"]
    assert ann[1] == "ann.engineer@example.com" and ann[2] == "E100"
    assert ann[3] == "Engineering/Platform"
    assert ann[5:10] == ["1", "0", "0", "0", "0"]  # planned, in progress, done, dropped, overdue
    assert ann[10] == (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    assert by_name["Bob Engineer"][10] == ""  # no due date
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert file_name(response) == f"team-development-{today}.csv"


def test_the_team_csv_follows_the_line_filter(org: Org, item: DevelopmentItem):
    client = org.client_for(org.eng_head)
    direct = [r[0] for r in rows_of(client.get(TEAM))[1:]]
    assert direct == ["Eng Manager"]
    line = client.get(TEAM + "?line=all")
    assert {r[0] for r in rows_of(line)[1:]} == {"Eng Manager", "Ann Engineer", "Bob Engineer"}
    assert file_name(line).startswith("team-development-line-")


def test_the_team_csv_holds_everyone_past_the_pages_limit(
    org: Org, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(queries, "TEAM_LIMIT", 1)
    client = org.client_for(org.eng_manager)
    page = client.get(reverse("development:team")).content.decode()
    assert "The first 1 of 2 people" in page and "The CSV holds all 2 people." in page
    assert [r[0] for r in rows_of(client.get(TEAM))[1:]] == ["Ann Engineer", "Bob Engineer"]


def test_the_team_csv_is_for_managers_of_their_own_team(client, org: Org, item):
    for outsider in ("engineer", "seller", "exec_viewer", "hr"):
        response = org.client_for(getattr(org, outsider)).get(TEAM)
        assert response.status_code == 403, outsider
    other = org.client_for(org.sales_manager).get(TEAM + "?line=all")
    assert [r[0] for r in rows_of(other)[1:]] == ["Sam Seller"]
    anonymous = client.get(TEAM)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_cells_a_spreadsheet_would_run_are_written_as_text(org: Org, framework):
    people_services.person_update(
        actor=org.hr.user, person=org.engineer2, first_name="=HYPERLINK(1)", job_title="@SUM(A1)"
    )
    team = rows_of(org.client_for(org.eng_manager).get(TEAM))
    bob = next(r for r in team if "HYPERLINK" in r[0])
    assert bob[0].startswith("'=") and bob[4] == "'@SUM(A1)"
    group = framework.groups.first()
    planning.competency_create(actor=org.hr.user, group=group, name="+cmd|' /C calc'!A0")
    coverage = rows_of(org.client_for(org.hr).get(COVERAGE))
    assert any(r[0] == "'+cmd|' /C calc'!A0" for r in coverage)
    assert not any(cell[:1] in "=+-@" for row in team + coverage for cell in row if cell)


def test_the_coverage_csv_has_the_pages_rows_and_department_filter(
    org: Org, framework: CompetencyFramework, ownership: Competency, feedback: Competency
):
    services.item_add(actor=org.eng_manager.user, person=org.engineer, competency=ownership)
    services.item_add(actor=org.sales_manager.user, person=org.seller, competency=ownership)
    client = org.client_for(org.hr)
    whole = client.get(COVERAGE)
    header, *rows = rows_of(whole)
    assert header[:2] == ["Competency", "Group"] and header[-1] == "Coverage %"
    by_name = {r[0]: r for r in rows}
    assert set(by_name) == {"Ownership", "Feedback"}
    population = str(len([p for p in vars(org).values() if p.is_active]))
    assert by_name["Ownership"][3] == "The whole organisation"
    assert by_name["Ownership"][4:8] == ["2", "0", str(int(population) - 2), population]
    assert by_name["Feedback"][4] == "0"
    assert file_name(whole) == f"competency-coverage-{timezone.localdate():%Y-%m-%d}.csv"
    platform = org.engineer.department
    assert platform is not None
    filtered = {r[0]: r for r in rows_of(client.get(COVERAGE + f"?department={platform.pk}"))[1:]}
    assert filtered["Ownership"][3] == "Engineering/Platform"
    assert filtered["Ownership"][4:9] == ["1", "0", "2", "3", "33"]
    assert client.get(COVERAGE + "?department=999999").status_code == 404
    assert client.get(COVERAGE + "?department=x").status_code == 404
    page = client.get(reverse("development:coverage") + f"?department={platform.pk}")
    assert f"{COVERAGE}?department={platform.pk}" in page.content.decode()


def test_the_coverage_csv_is_for_hr(client, org: Org, framework):
    for outsider in ("eng_manager", "exec_viewer", "engineer", "ceo"):
        response = org.client_for(getattr(org, outsider)).get(COVERAGE)
        assert response.status_code == 403, outsider
    anonymous = client.get(COVERAGE)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


# --- the same files over the API ------------------------------------------------------------

API = "/api/v1/development"


def test_the_api_serves_the_same_files_with_the_same_access(
    client, org: Org, item: DevelopmentItem, ownership: Competency
):
    manager = client_of(org.eng_manager)
    assert rows_of(manager.get(f"{API}/team.csv")) == rows_of(
        org.client_for(org.eng_manager).get(TEAM)
    )
    line = rows_of(client_of(org.eng_head).get(f"{API}/team.csv?line=all"))
    assert {r[0] for r in line[1:]} == {"Eng Manager", "Ann Engineer", "Bob Engineer"}
    platform = org.engineer.department
    assert platform is not None
    hr = client_of(org.hr)
    scoped = rows_of(hr.get(f"{API}/coverage.csv?department_id={platform.pk}"))
    assert scoped == rows_of(org.client_for(org.hr).get(COVERAGE + f"?department={platform.pk}"))
    assert hr.get(f"{API}/coverage.csv?department_id=999999").status_code == 404
    for outsider in (org.engineer, org.exec_viewer, org.seller):
        assert client_of(outsider).get(f"{API}/team.csv").status_code == 403
    for outsider in (org.eng_manager, org.exec_viewer, org.ceo):
        assert client_of(outsider).get(f"{API}/coverage.csv").status_code == 403
    for url in (f"{API}/team.csv", f"{API}/coverage.csv"):
        assert client.get(url).status_code == 401
