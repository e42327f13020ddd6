"""The directory search through its trigram index (cadence.core.search): the same
answers as a plain substring test over the people one may see, from an index that
follows every write."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.core import search
from cadence.people import services
from cadence.people.models import Person
from cadence.people.queries import directory_search
from tests.conftest import Org, make_person


def found(user: Any, q: str, **options: Any) -> set[int]:
    return set(directory_search(user, q=q, **options).values_list("pk", flat=True))


def by_substring(user: Any, q: str, *, include_left: bool = False) -> set[int]:
    """What the search must answer, computed without the database's help."""
    from cadence.people import access

    terms = q.lower().split()[:5]
    return {
        p.pk
        for p in access.people_visible_to(user, include_left=include_left)
        if all(t in p.build_search_text() for t in terms)
    }


QUERIES = [
    "ann",
    "engineer",
    "ENGINEER@example",
    "bob engineer",
    "an",  # below a trigram: the LIKE fallback
    "e",
    "an eng",  # one term of each kind
    "@example.com",
    "50%",
    "a_b",
    'quo"te',
    "o'brien",
    "zoë",
    "nobody-by-that-name",
]


@pytest.mark.parametrize("q", QUERIES)
def test_search_answers_like_a_substring_test(org: Org, q: str) -> None:
    make_person(
        "conor.obrien@example.com",
        manager=org.eng_manager,
        last_name="O'Brien",
        job_title="50% lead",
    )
    make_person(
        "zoe.ab@example.com",
        manager=org.eng_manager,
        first_name="Zoë",
        last_name="A_B",
        job_title='The "quo"te" man',
    )
    for user in (org.engineer.user, org.hr.user):
        assert found(user, q) == by_substring(user, q), (user, q)
    assert found(org.hr.user, q, include_left=True) == by_substring(
        org.hr.user, q, include_left=True
    )


def test_the_index_follows_new_people_and_renames(org: Org) -> None:
    viewer = org.engineer.user
    person = make_person("quentin.quarrel@example.com", manager=org.eng_manager)
    assert found(viewer, "quarrel") == {person.pk}
    services.person_update(actor=None, person=person, last_name="Zephyr")
    person.refresh_from_db()
    assert "zephyr" in person.search_text
    assert found(viewer, "zephyr") == {person.pk}
    assert found(viewer, "quarrel") == {person.pk}  # still in the email
    services.person_update(
        actor=None, person=person, work_email="qz@example.com", first_name="Quincy"
    )
    assert found(viewer, "quarrel") == set()
    assert found(viewer, "quincy zephyr") == {person.pk}


def test_people_who_left_stay_hidden_from_the_search(org: Org) -> None:
    leaver = make_person("lars.leftover@example.com", manager=org.eng_manager)
    services.person_mark_left(actor=None, person=leaver)
    assert found(org.engineer.user, "leftover") == set()
    assert found(org.hr.user, "leftover") == set()
    assert found(org.hr.user, "leftover", include_left=True) == {leaver.pk}


def test_the_search_uses_the_trigram_index(org: Org) -> None:
    with CaptureQueriesContext(connection) as ctx:
        list(directory_search(org.engineer.user, q="engineer"))
    sql = "\n".join(q["sql"] for q in ctx.captured_queries)
    if connection.vendor == "sqlite":
        # The index drives: no LIKE over the organisation.
        assert "MATCH" in sql and "LIKE" not in sql
    else:
        # The GIN trigram index exists (on a handful of rows the planner rightly
        # prefers other plans, so its use is shown by the benchmark, not here).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [search.PERSON_SEARCH.name]
            )
            (definition,) = cursor.fetchone()
        assert "gin" in definition and "gin_trgm_ops" in definition


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_lost_triggers_are_put_back_after_migrate(org: Org) -> None:
    # What Django's SQLite table rebuild (a later AlterField) does to our triggers.
    with connection.cursor() as cursor:
        for trigger in search.PERSON_SEARCH.triggers():
            cursor.execute(f"DROP TRIGGER {trigger}")
    person = make_person("tristan.triggerless@example.com", manager=org.eng_manager)
    assert found(org.hr.user, "triggerless") == set()  # the index missed it
    search.repair_indexes(connection.alias)
    assert found(org.hr.user, "triggerless") == {person.pk}
    later = make_person("tess.triggered@example.com", manager=org.eng_manager)
    assert found(org.hr.user, "triggered") == {later.pk}
    assert Person.objects.filter(pk=later.pk).exists()


@pytest.mark.django_db
@pytest.mark.any_data
def test_a_large_import_is_indexed_in_one_rebuild_and_keeps_its_trigger(monkeypatch) -> None:
    """A bulk import sets the insert trigger aside and rebuilds once (SQLite); either way
    every imported person is found afterwards, and later inserts are indexed again."""
    from cadence.core.tabular import read_table
    from cadence.people.importing import plan_import

    monkeypatch.setattr(search, "BULK_MINIMUM", 3)
    rows = [f"E{i},zephyrine{i}.quill@example.com,Zephyrine{i},Quill" for i in range(15)]
    text = "\r\n".join(["Employee ID,Work Email,First Name,Last Name", *rows]) + "\r\n"
    plan = plan_import(read_table(text.encode(), "people.csv"))
    with CaptureQueriesContext(connection) as queries:
        services.people_import(actor=None, plan=plan)
    statements = " ".join(q["sql"] for q in queries.captured_queries)
    if connection.vendor == "sqlite":
        assert "DROP TRIGGER IF EXISTS people_person_search_insert" in statements
        assert "'rebuild'" in statements
    hr = Person.objects.get(work_email="zephyrine0.quill@example.com").user
    hr.is_hr_admin = True
    assert len(found(hr, "zephyrine")) == 15
    make_person("zephyrine.late@example.com")
    assert len(found(hr, "zephyrine")) == 16
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert "people_person_search_insert" in {row[0] for row in cursor.fetchall()}
