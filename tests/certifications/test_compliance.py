"""HR's compliance view: figures kept in the cache (counted by the sweep or the first
reader, dropped when a certificate or a type changes), the live table, and the API's
rows paged by cursor — every row once, whatever the page size."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadence.certifications import figures, queries, services
from cadence.notifications import schedule
from tests.certifications.conftest import TODAY, define, record
from tests.certifications.test_api import API, client_for
from tests.conftest import Org, make_person

PAGE = reverse("certifications:compliance")


def missing_figure(html: str) -> int:
    found = re.search(r"<dt>Missing</dt><dd>([\d,]+)</dd>", html)
    assert found is not None
    return int(found.group(1).replace(",", ""))


def table_rows(html: str) -> int:
    return html.count('<tr>\n      <th scope="row"><a href="/certifications/people/')


def test_the_page_reads_kept_figures_until_a_change_commits(
    org: Org, gdpr, django_capture_on_commit_callbacks
) -> None:
    client = org.client_for(org.hr)
    first = client.get(PAGE).content.decode()
    assert missing_figure(first) == 10 and table_rows(first) == 10
    assert "Figures counted at " in first
    # Not committed (the test's transaction never is): the kept figures are still read,
    # while the table is live.
    record(org.engineer, gdpr)
    kept = client.get(PAGE).content.decode()
    assert missing_figure(kept) == 10 and table_rows(kept) == 9
    with django_capture_on_commit_callbacks(execute=True):
        record(org.engineer2, gdpr)
    assert missing_figure(client.get(PAGE).content.decode()) == 8


def test_a_type_changed_or_a_certificate_removed_counts_again(
    org: Org, gdpr, first_aid, django_capture_on_commit_callbacks
) -> None:
    held = record(org.engineer, first_aid)
    client = org.client_for(org.hr)
    assert missing_figure(client.get(PAGE).content.decode()) == 10 + 3
    with django_capture_on_commit_callbacks(execute=True):
        services.type_update(
            actor=org.hr.user, type_=gdpr, data=services.TypeData(name="GDPR", active=False)
        )
    assert missing_figure(client.get(PAGE).content.decode()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_delete(actor=org.hr.user, certificate=held)
    assert missing_figure(client.get(PAGE).content.decode()) == 4


def test_the_sweep_counts_ahead_so_the_page_does_not(
    org: Org, gdpr, monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep = schedule.sweep("certificate-compliance")
    assert sweep is not None and sweep.run is figures.compliance_sweep
    assert sweep.run(timezone.now()) == 1

    def no_counting(*args: object, **kwargs: object) -> None:
        raise AssertionError("the page counted instead of reading the kept figures")

    monkeypatch.setattr(queries, "compliance_summary", no_counting)
    page = org.client_for(org.hr).get(PAGE)
    assert page.status_code == 200
    assert missing_figure(page.content.decode()) == 10


def test_filtered_figures_are_kept_apart(org: Org, gdpr, first_aid) -> None:
    client = org.client_for(org.hr)
    assert missing_figure(client.get(PAGE).content.decode()) == 14
    only = client.get(PAGE, {"type": first_aid.pk}).content.decode()
    assert missing_figure(only) == 4 and table_rows(only) == 4
    assert missing_figure(client.get(PAGE, {"status": "expired"}).content.decode()) == 0


def test_a_new_day_counts_again(org: Org, gdpr) -> None:
    record(org.engineer, gdpr, expires=TODAY)
    assert figures.summary(day=TODAY).total.expiring == 1
    # A certificate expires at midnight with no write at all: the key holds the day.
    tomorrow = figures.summary(day=TODAY + datetime.timedelta(days=1))
    assert tomorrow.total.expiring == 0 and tomorrow.total.expired == 1


@pytest.mark.parametrize("who", ["engineer", "eng_manager", "exec_viewer"])
def test_only_hr_sees_the_figures(org: Org, gdpr, who: str) -> None:
    assert org.client_for(getattr(org, who)).get(PAGE).status_code == 403


def test_anonymous_is_sent_to_sign_in(org: Org) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "login" in response["Location"]


# --- the API's rows, by cursor --------------------------------------------------------


def walk(client: Client, size: int, query: str = "") -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    cursor = None
    while True:
        url = f"{API}/certifications/compliance?page_size={size}{query}"
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["items"]) <= size
        seen += [(r["person_id"], r["type_id"]) for r in body["items"]]
        cursor = body["next"]
        if not cursor:
            return seen


@pytest.fixture
def namesakes(org: Org) -> None:
    # Three people of the same name: only the id tells their rows apart.
    for n in range(3):
        make_person(f"sam.same{n}@example.com", first_name="Sam", last_name="Same")


def test_paging_through_every_row_once_at_any_page_size(
    org: Org, gdpr, first_aid, namesakes
) -> None:
    record(org.engineer, first_aid, expires=TODAY + datetime.timedelta(days=5))
    expected = [(r["pk"], r["type_id"]) for r in queries.compliance_rows()]
    assert len(expected) == 13 + 4 and len(set(expected)) == len(expected)
    client = client_for(org.hr)
    for size in (1, 2, 3, 5, 16, 17, 200):
        assert walk(client, size) == expected, size
    only = [(p, t) for p, t in expected if t == first_aid.pk]
    assert walk(client, 2, f"&type_id={first_aid.pk}") == only


def test_a_row_resolved_between_pages_moves_no_other(org: Org, gdpr, first_aid) -> None:
    expected = [(r["pk"], r["type_id"]) for r in queries.compliance_rows()]
    client = client_for(org.hr)
    first = client.get(f"{API}/certifications/compliance?page_size=5").json()
    assert [(r["person_id"], r["type_id"]) for r in first["items"]] == expected[:5]
    # Someone on the first page records their certificate: an offset would now skip one.
    first_row = expected[0]
    person = next(p for p in vars(org).values() if p.pk == first_row[0])
    type_ = gdpr if first_row[1] == gdpr.pk else first_aid
    record(person, type_)
    second = client.get(f"{API}/certifications/compliance?page_size=5&cursor={first['next']}")
    assert [(r["person_id"], r["type_id"]) for r in second.json()["items"]] == expected[5:10]


@pytest.mark.parametrize("cursor", ["NTA", "not-a-cursor", "WyJhIiwiYiIsIngiLDFd", "W10"])
def test_a_cursor_not_of_this_list_is_refused_naming_it(org: Org, gdpr, cursor: str) -> None:
    response = client_for(org.hr).get(f"{API}/certifications/compliance?cursor={cursor}")
    assert response.status_code == 422
    assert "cursor" in response.content.decode()


def test_deep_pages_answer_in_as_many_queries_as_the_first(org: Org, gdpr, first_aid) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(org.hr)
    url = f"{API}/certifications/compliance?page_size=2"
    client.get(url)  # the token's first use is written down once
    with CaptureQueriesContext(connection) as first:
        cursor = client.get(url).json()["next"]
    for _ in range(4):
        with CaptureQueriesContext(connection) as deep:
            cursor = client.get(f"{url}&cursor={cursor}").json()["next"]
        assert len(deep) == len(first)
    assert cursor


@pytest.mark.parametrize("who", ["engineer", "eng_manager", "exec_viewer"])
def test_the_api_rows_refuse_everyone_but_hr(org: Org, who: str) -> None:
    assert client_for(getattr(org, who)).get(f"{API}/certifications/compliance").status_code == 403


def test_a_type_required_of_nobody_gives_no_rows(org: Org) -> None:
    define("Optional", validity_months=12)
    assert client_for(org.hr).get(f"{API}/certifications/compliance").json() == {
        "items": [],
        "next": None,
    }


def test_the_table_is_paged_by_the_kept_total_without_counting_rows(
    org: Org, gdpr, first_aid, monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries
) -> None:
    from cadence.certifications import views

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    client = org.client_for(org.hr)
    first = client.get(PAGE).content.decode()
    assert "Page 1 of 3" in first and table_rows(first) == 5
    with django_assert_max_num_queries(12) as captured:
        last = client.get(PAGE, {"page": 3}).content.decode()
    assert "Page 3 of 3" in last and table_rows(last) == 4
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if "people_person" in sql], counts
