"""The one CSV download every area's export goes through."""

import datetime

import pytest
from django.utils import timezone

from cadence.core.csv_export import csv_download, formula_safe


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ann O'Neil", "Ann O'Neil"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell: str, written: str) -> None:
    assert formula_safe(cell) == written


def test_a_download_is_a_dated_private_csv_with_a_bom(monkeypatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 12, 2))
    response = csv_download("team", ["Person", "Done"], iter([["Ann", 2], ["Bob, Jr.", 0]]))
    assert response["Content-Disposition"] == 'attachment; filename="team-2026-12-02.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    assert body == '\ufeffPerson,Done\r\nAnn,2\r\n"Bob, Jr.",0\r\n'
