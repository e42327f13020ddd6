"""``cadence seed`` and the organisation generator behind it (and behind the demo)."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cadence.demo.organisation import HEADERS, generate_people, to_csv
from cadence.people.models import Department, Person


def shape(rows: list[dict]) -> dict:
    level = {}
    for row in rows:
        manager = row["Manager ID"]
        # Managers come before their reports, so the manager's level is known here.
        level[row["Employee ID"]] = level[manager] + 1 if manager else 1
    spans = Counter(row["Manager ID"] for row in rows if row["Manager ID"])
    return {
        "levels": max(level.values()),
        "min_span": min(spans.values()),
        "max_span": max(spans.values()),
        "top_departments": {r["Department"].split("/")[0] for r in rows if r["Department"]},
        "roots": [r for r in rows if not r["Manager ID"]],
    }


def test_same_seed_gives_the_same_rows_and_another_seed_does_not():
    assert generate_people(300, seed=7) == generate_people(300, seed=7)
    assert to_csv(generate_people(300, seed=7)) == to_csv(generate_people(300, seed=7))
    assert generate_people(300, seed=7) != generate_people(300, seed=8)


def test_rows_are_a_consistent_hris_table():
    rows = generate_people(1_000, seed=3, domain="acme.test")
    assert len(rows) == 1_000
    assert all(list(row) == HEADERS for row in rows)
    ids = [row["Employee ID"] for row in rows]
    assert len(set(ids)) == len(ids)
    emails = [row["Work Email"].lower() for row in rows]
    assert len(set(emails)) == len(emails)
    assert all(email.endswith("@acme.test") for email in emails)
    seen = set()
    for row in rows:
        assert not row["Manager ID"] or row["Manager ID"] in seen, "manager listed after report"
        seen.add(row["Employee ID"])
    managers = {row["Manager ID"] for row in rows}
    left = [row for row in rows if row["Employment Status"] != "Active"]
    assert 0 < len(left) < 50
    assert not any(row["Employee ID"] in managers for row in left)


def test_demo_sized_org_has_four_levels_of_managers_and_five_departments():
    result = shape(generate_people(200, seed=2027))
    # Five levels of people, so managers on four of them.
    assert result["levels"] == 5
    assert len(result["top_departments"]) >= 5
    assert result["min_span"] >= 3 and result["max_span"] <= 6
    assert len(result["roots"]) == 1


@pytest.mark.parametrize("people", [999, 1_000, 1_001, 1_002, 12_345])
def test_spans_stay_between_three_and_twelve_whatever_the_size(people):
    result = shape(generate_people(people, seed=people))
    assert result["min_span"] >= 3 and result["max_span"] <= 12


def test_hundred_thousand_people_make_six_to_eight_levels():
    result = shape(generate_people(100_000, seed=1))
    assert 6 <= result["levels"] <= 8
    assert (result["min_span"], result["max_span"]) == (3, 12)
    assert len(result["top_departments"]) == 7


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_loads_the_generated_organisation_through_the_import():
    output = seed("--people", "150", "--seed", "4", "--domain", "seed.test")

    rows = generate_people(150, seed=4, domain="seed.test")
    assert Person.objects.count() == 150
    by_id = {p.employee_id: p for p in Person.objects.select_related("manager", "department")}
    for row in rows:
        person = by_id[row["Employee ID"]]
        assert person.work_email == row["Work Email"].lower()
        assert (person.manager.employee_id if person.manager else "") == row["Manager ID"]
        assert (person.department.full_name if person.department else "") == row["Department"]
        assert person.user is not None
    left = {row["Employee ID"] for row in rows if row["Employment Status"] != "Active"}
    assert (
        set(Person.objects.filter(status=Person.Status.LEFT).values_list("employee_id", flat=True))
        == left
    )
    # The reporting paths were built: the CEO's line is everyone else.
    ceo = Person.objects.get(manager__isnull=True)
    assert Person.objects.filter(reporting_path__startswith=ceo.reporting_path).count() == 150
    assert "150 people" in output and "levels" in output


@pytest.mark.django_db
def test_seeding_twice_creates_no_duplicates():
    seed("--people", "120", "--domain", "seed.test")
    before = (
        Person.objects.count(),
        Department.objects.count(),
        sorted(Person.objects.values_list("employee_id", "manager__employee_id", "reporting_path")),
    )
    seed("--people", "120", "--domain", "seed.test")
    after = (
        Person.objects.count(),
        Department.objects.count(),
        sorted(Person.objects.values_list("employee_id", "manager__employee_id", "reporting_path")),
    )
    assert after == before
    assert before[0] == 120


@pytest.mark.django_db
def test_seed_refuses_a_database_with_real_people(org):
    with pytest.raises(CommandError, match="outside @seed.test"):
        seed("--people", "50", "--domain", "seed.test")
    assert not Person.objects.filter(work_email__endswith="@seed.test").exists()


@pytest.mark.django_db
def test_seed_needs_at_least_one_person():
    with pytest.raises(CommandError):
        seed("--people", "0")
