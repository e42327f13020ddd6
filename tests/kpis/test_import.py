"""KPI value import (service and ``cadence import-kpis``): the people import's rules —
every error at once as ``line N: field: reason``, nothing written, re-runs replace."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cadence.core.models import AuditEvent
from cadence.kpis import services
from cadence.kpis.importing import MeasurementImportErrors, measurements_import
from cadence.kpis.models import KpiMeasurement

GOOD = (
    "KPI,Period,Value,Person,Note\r\n"
    "deploys,2026-01,7,,\r\n"
    "deploys,2026-02-14,11,,good month\r\n"
    "calls,2026-01,38,sam.seller@example.com,\r\n"
    "tickets,2026-W03,4,E100,\r\n"
)


@pytest.fixture
def kpis(team_kpi, person_kpi, role_kpi):
    return team_kpi, person_kpi, role_kpi


def run(tmp_path, text: str, *args: str, name: str = "kpis.csv") -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_kpis", str(path), *args, stdout=out, stderr=err)
    finally:
        run.err = err.getvalue()
    return out.getvalue(), err.getvalue()


def test_imports_and_normalises_periods(tmp_path, org, kpis):
    out, _err = run(tmp_path, GOOD)
    assert out.strip() == "created 4, replaced 0, unchanged 0"
    team_kpi, person_kpi, role_kpi = kpis
    assert list(
        KpiMeasurement.objects.filter(kpi=team_kpi).values_list("period_start", "value", "note")
    ) == [(datetime.date(2026, 1, 1), 7, ""), (datetime.date(2026, 2, 1), 11, "good month")]
    calls = KpiMeasurement.objects.get(kpi=role_kpi)
    assert calls.person == org.seller and calls.source == "csv"
    tickets = KpiMeasurement.objects.get(kpi=person_kpi)
    assert tickets.person is None and tickets.period_start == datetime.date(2026, 1, 12)
    assert AuditEvent.objects.filter(action="kpi.import").count() == 1


def test_rerun_replaces_and_never_duplicates(tmp_path, org, kpis):
    run(tmp_path, GOOD)
    out, _err = run(tmp_path, GOOD)
    assert out.strip() == "created 0, replaced 0, unchanged 4"
    changed = GOOD.replace("deploys,2026-01,7", "deploys,2026-01-31,8")
    out, _err = run(tmp_path, changed)
    assert out.strip() == "created 0, replaced 1, unchanged 3"
    assert KpiMeasurement.objects.count() == 4
    assert (
        KpiMeasurement.objects.get(kpi=kpis[0], period_start=datetime.date(2026, 1, 1)).value == 8
    )


def test_dry_run_writes_nothing(tmp_path, org, kpis):
    out, _err = run(tmp_path, GOOD, "--dry-run")
    assert "line 2: create deploys 2026-01 = 7" in out
    assert "line 4: create calls Sam Seller 2026-01 = 38" in out
    assert out.splitlines()[-1] == "Dry run, nothing written: created 4, replaced 0, unchanged 0"
    assert not KpiMeasurement.objects.exists()
    assert not AuditEvent.objects.filter(action="kpi.import").exists()


def test_every_row_error_is_reported_at_once_and_nothing_is_written(tmp_path, org, kpis):
    services.kpi_deactivate(
        actor=None,
        kpi=services.kpi_define(
            actor=None, name="Old", code="old", target=1, scope="person", person=org.engineer
        ),
    )
    future = (datetime.date.today() + datetime.timedelta(days=200)).isoformat()
    text = (
        "KPI,Period,Value,Person,Note\r\n"
        "deploys,2026-01,7,,\r\n"  # 2 fine
        ",2026-01,1,,\r\n"  # 3 KPI missing
        "nope,2026-01,1,,\r\n"  # 4 unknown KPI
        "deploys,,1,,\r\n"  # 5 period missing
        "deploys,someday,1,,\r\n"  # 6 bad period
        f"deploys,{future},1,,\r\n"  # 7 future period
        "deploys,2026-03,,,\r\n"  # 8 value missing
        "deploys,2026-04,abc,,\r\n"  # 9 not a number
        'deploys,2026-05,"1,234",,\r\n'  # 10 ambiguous number
        "deploys,2026-06,1,nobody@example.com,\r\n"  # 11 unknown person
        "calls,2026-01,1,,\r\n"  # 12 role KPI needs person
        "calls,2026-01,1,ann.engineer@example.com,\r\n"  # 13 not a holder
        "deploys,2026-01-20,5,,\r\n"  # 14 same period as line 2
        "deploys,2025-01,5,E100,\r\n"  # 15 person on a team KPI
        f"deploys,2025-02,5,,{'x' * 501}\r\n"  # 16 note too long
        "old,2026-01,1,,\r\n"  # 17 inactive KPI
        "deploys,2025-03,1,,,surplus\r\n"  # 18 too many cells
    )
    with pytest.raises(CommandError, match="16 error") as raised:
        run(tmp_path, text)
    assert raised.value.returncode == 1
    errors = run.err.splitlines()
    assert len(errors) == 16
    for expected in (
        "line 3: KPI: missing",
        "line 4: KPI: no KPI with the code nope",
        "line 5: Period: missing",
        "line 6: Period: “someday” is not a date or a period",
        f"line 7: Period: {datetime.date.fromisoformat(future):%b %Y} has not started yet",
        "line 8: Value: missing",
        "line 9: Value: “abc” is not a number",
        "line 10: Value: “1,234” is ambiguous",
        "line 11: Person: no person you may record values for has the employee ID or email "
        "nobody@example.com",
        "line 12: Person: a role KPI needs the person the value is for",
        "line 13: Person: Ann Engineer does not hold the job title Account executive",
        "line 14: Period: line 2 already has a value of deploys for Jan 2026",
        "line 15: Person: a team KPI has one series for the team",
        "line 16: Note: longer than 500 characters",
        "line 17: KPI: this KPI is no longer active",
        "line 18: row: 6 cells but the header has 5 columns",
    ):
        assert any(e.startswith(expected) for e in errors), expected
    assert not KpiMeasurement.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KPI,Value\r\ndeploys,1\r\n", ["line 1: Period: the column is missing"]),
        (
            "KPI,Period,Value,Colour\r\ndeploys,2026-01,1,red\r\n",
            ["line 1: Colour: unknown column (expected KPI, Period, Value, Person, Note)"],
        ),
        (
            "KPI,Code,Period,Value\r\ndeploys,deploys,2026-01,1\r\n",
            ["line 1: Code: the column appears twice"],
        ),
        ("KPI,Period,Value\r\n", ["line 2: file: there are no rows"]),
        ("", ["line 1: file: The file is empty."]),
    ],
)
def test_file_level_errors(tmp_path, org, kpis, text, expected):
    with pytest.raises(CommandError) as raised:
        run(tmp_path, text)
    assert raised.value.returncode == 1
    assert run.err.splitlines() == expected


def test_headers_are_matched_whatever_their_case_and_spacing(tmp_path, org, kpis):
    text = "kpi code;DATE;  value ;Employee ID;comments\r\nDEPLOYS;31/01/2026;7,5;;\r\n"
    out, _err = run(tmp_path, text)
    assert out.strip() == "created 1, replaced 0, unchanged 0"
    m = KpiMeasurement.objects.get()
    assert m.value == 7.5 and m.period_start == datetime.date(2026, 1, 1)


def test_xlsx(tmp_path, org, kpis):
    book = Workbook()
    sheet = book.active
    sheet.append(["KPI", "Date", "Value", "Person"])
    sheet.append(["calls", datetime.datetime(2026, 2, 10), 41.0, "sam.seller@example.com"])
    buffer = io.BytesIO()
    book.save(buffer)
    out, _err = run(tmp_path, buffer.getvalue(), name="kpis.xlsx")
    assert out.strip() == "created 1, replaced 0, unchanged 0"
    assert KpiMeasurement.objects.get().period_start == datetime.date(2026, 2, 1)


def test_command_cannot_read_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_kpis", str(tmp_path / "missing.csv"))


def test_an_actor_may_import_only_what_they_may_record(org, kpis, sales_kpi):
    text = (
        b"KPI,Period,Value,Person\r\n"
        b"deploys,2026-01,7,\r\n"  # eng_manager's team: fine
        b"pipeline,2026-Q1,5,\r\n"  # another branch's team: hidden
        b"calls,2026-01,1,sam.seller@example.com\r\n"  # role KPI, seller not in their line
    )
    with pytest.raises(MeasurementImportErrors) as raised:
        measurements_import(actor=org.eng_manager.user, data=text, file_name="k.csv")
    assert [str(e) for e in raised.value.errors] == [
        "line 3: KPI: no KPI with the code pipeline",
        "line 4: KPI: no KPI with the code calls",
        # The seller is outside the uploader's line: named like nobody at all.
        "line 4: Person: no person you may record values for has the employee ID or email "
        "sam.seller@example.com",
    ]
    # The seller may record their own role values? No: only their manager chain and HR.
    with pytest.raises(MeasurementImportErrors) as raised:
        measurements_import(
            actor=org.seller.user,
            file_name="k.csv",
            data=b"KPI,Period,Value,Person\r\ncalls,2026-01,1,sam.seller@example.com\r\n",
        )
    assert [str(e) for e in raised.value.errors] == [
        "line 2: KPI: you may not record values of calls for Sam Seller"
    ]
    summary = measurements_import(
        actor=org.sales_manager.user,
        file_name="k.csv",
        data=b"KPI,Period,Value,Person\r\ncalls,2026-01,1,sam.seller@example.com\r\n",
    )
    assert summary.created == 1


def test_unknown_other_branch_and_left_people_read_the_same(org, role_kpi, out_of_reach):
    """The Sales manager imports role values: a typo, an engineer of another branch and
    someone who left another branch must give one sentence, naming nobody."""
    keys = ("E999", "nobody@example.com", "E100", "ann.engineer@example.com", "E400")
    rows = "".join(f"calls,2026-01,1,{key}\r\n" for key in keys)
    with pytest.raises(MeasurementImportErrors) as raised:
        measurements_import(
            actor=org.sales_manager.user,
            data=f"KPI,Period,Value,Person\r\n{rows}".encode(),
            file_name="k.csv",
        )
    errors = raised.value.errors
    assert [e.line for e in errors] == [2, 3, 4, 5, 6]
    said = {
        str(e).removeprefix(f"line {e.line}: ").replace(key, "KEY")
        for e, key in zip(errors, keys, strict=True)
    }
    assert said == {"Person: no person you may record values for has the employee ID or email KEY"}
    text = " ".join(map(str, errors))
    assert "Ann" not in text and "Bo Former" not in text and "does not hold" not in text
