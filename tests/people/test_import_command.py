"""``cadence import-people``: exit statuses, dry runs, the deactivation guard, progress."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from cadence import cli
from cadence.core.models import AuditEvent
from cadence.people.models import Person

ROSTER = (
    "Employee ID,Work Email,First Name,Last Name,Department,Manager ID,Hire Date,Gender\r\n"
    "E1,grace@acme.test,Grace,Hopper,,,2015-03-01,Female\r\n"
    "E2,alan@acme.test,Alan,Turing,Engineering,E1,2016-04-02,Male\r\n"
    "E3,ada@acme.test,Ada,Lovelace,Engineering/Platform,E2,2020-01-15,Female\r\n"
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def write(tmp_path, text: str, name: str = "roster.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def run(*args, stderr=None) -> tuple[str, str]:
    out, err = io.StringIO(), stderr or io.StringIO()
    call_command("import_people", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_imports_and_prints_a_summary(tmp_path):
    out, err = run(write(tmp_path, ROSTER))
    assert out.startswith("created 3, updated 0, deactivated 0, unchanged 0 (3 rows in ")
    assert err == ""  # no progress output when nobody is watching
    assert Person.objects.get(employee_id="E3").manager.employee_id == "E2"
    out, _err = run(write(tmp_path, ROSTER))
    assert out.startswith("created 0, updated 0, deactivated 0, unchanged 3")


@pytest.mark.django_db
def test_dry_run_lists_changes_and_writes_nothing(tmp_path):
    out, _err = run(write(tmp_path, ROSTER), "--dry-run")
    assert "create line 4: Ada Lovelace <ada@acme.test>" in out
    assert out.splitlines()[-1] == (
        "Dry run, nothing written: created 3, updated 0, deactivated 0, unchanged 0"
    )
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_errors_are_listed_with_lines_and_fail_the_command(tmp_path):
    text = ROSTER + "E4,,No,Email,,E1,2021-01-01,\r\nE5,x@acme.test,Bad,Date,,E9,tomorrow,\r\n"
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 error"):
        run(write(tmp_path, text), stderr=err)
    assert err.getvalue().splitlines() == [
        "line 5: Work Email: missing",
        "line 6: Manager ID: no person with employee ID E9 in the file or in Cadence",
        "line 6: Hire Date: “tomorrow” is not a date (use YYYY-MM-DD)",
    ]
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_map_option(tmp_path):
    text = "Correo,Squad\r\nmaria@acme.test,Payments\r\n"
    run(write(tmp_path, text), "--map", "Correo=work_email", "--map", "Squad=custom:Team")
    assert Person.objects.get().custom_attributes == {"team": "Payments"}
    with pytest.raises(CommandError, match="Source Header=field") as raised:
        run(write(tmp_path, text), "--map", "Correo")
    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_full_roster_guard_stops_without_yes(tmp_path, settings):
    settings.CADENCE_IMPORT_MAX_DEACTIVATE_SHARE = 0.2
    run(write(tmp_path, ROSTER))
    truncated = write(tmp_path, ROSTER.split("E2,")[0], "truncated.csv")
    with pytest.raises(CommandError, match="re-run with --yes") as raised:
        run(truncated, "--full")
    assert raised.value.returncode == 3
    assert Person.objects.filter(status=Person.Status.ACTIVE).count() == 3
    out, _err = run(truncated, "--full", "--yes")
    assert out.startswith("created 0, updated 0, deactivated 2, unchanged 1")


@pytest.mark.django_db
def test_on_a_terminal_it_shows_progress_and_asks(tmp_path, settings, monkeypatch):
    settings.CADENCE_IMPORT_MAX_DEACTIVATE_SHARE = 0.2
    terminal = Terminal()
    run(write(tmp_path, ROSTER), stderr=terminal)
    assert "Checking 3 rows of roster.csv" in terminal.getvalue()
    assert "Writing [" in terminal.getvalue()

    monkeypatch.setattr(sys, "stdin", Terminal())
    answers = iter(["n", "y"])
    monkeypatch.setattr("builtins.input", lambda: next(answers))
    truncated = write(tmp_path, ROSTER.split("E2,")[0], "truncated.csv")
    terminal = Terminal()
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(truncated, "--full", stderr=terminal)
    assert "Deactivate 2 people (67% of the organisation)? [y/N]" in terminal.getvalue()
    out, _err = run(truncated, "--full", stderr=Terminal())
    assert "deactivated 2" in out


@pytest.mark.parametrize(
    ("typed", "runs"),
    [
        (["import-people", "x.csv", "--dry-run"], ["import_people", "x.csv", "--dry-run"]),
        (["help", "import-people"], ["help", "import_people"]),
        (["migrate", "--run-syncdb"], ["migrate", "--run-syncdb"]),
    ],
)
def test_cadence_accepts_dashed_command_names(monkeypatch, typed, runs):
    # Django's run_from_argv closes every connection afterwards, so the command itself
    # is exercised through call_command above; here only the translation.
    seen = []
    monkeypatch.setattr(sys, "argv", ["/usr/bin/cadence", *typed])
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.append(argv)
    )
    cli.main()
    assert seen == [["cadence", *runs]]


@pytest.mark.django_db
def test_exit_statuses(tmp_path):
    with pytest.raises(CommandError) as raised:
        run(write(tmp_path, "Work Email\r\nnot-an-email\r\n"))
    assert raised.value.returncode == 1


def test_unreadable_path(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")


@pytest.mark.django_db
def test_dry_run_prints_readable_values_and_flags(tmp_path):
    run(write(tmp_path, ROSTER))
    changed = (
        "Employee ID,Work Email,Employment Status\r\n"
        "E9,grace@acme.test,Active\r\n"  # matched by email, another id
        "E2,alan@acme.test,Terminated\r\n"
    )
    out, _err = run(write(tmp_path, changed, "changed.csv"), "--dry-run")
    assert "deactivate line 3: Alan Turing <alan@acme.test> (status: Active → Left)" in out
    assert "update line 2: Grace Hopper <grace@acme.test> (employee ID: E1 → E9)" in out
    assert "  ! matched by email, but the file gives another employee ID (E1 → E9)" in out
    assert "Person.Status" not in out


@pytest.mark.django_db
def test_dry_run_lists_custom_columns_and_a_missing_manager_column(tmp_path):
    text = "Work Email,Boss,Shoe Size\r\na@acme.test,b@acme.test,42\r\n"
    out, _err = run(write(tmp_path, text), "--dry-run")
    assert "Kept as custom attributes (no field matches): Boss, Shoe Size" in out
    assert "Warning: No manager column was recognised" in out
    # A real run says so too, on stderr, before creating anyone.
    out, err = run(write(tmp_path, text))
    assert err.startswith("Warning: No manager column was recognised")
    assert out.startswith("created 1,")
