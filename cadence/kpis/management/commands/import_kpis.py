"""``cadence import-kpis FILE [--dry-run]``: load KPI values from CSV or XLSX.

Columns KPI (code), Period (or Date), Value, Person (employee ID or work email; for role
KPIs), Note — see docs/kpis.md. All or nothing: every invalid row is reported as
``line N: field: reason`` and nothing is written. A value for a KPI, person and period
already recorded replaces it, so a file can be imported again safely.
Exit status: 0 imported (or dry run), 1 the file has errors or cannot be read.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadence.kpis.importing import MeasurementImportErrors, measurements_import

SHOWN_ROWS = 20


class Command(BaseCommand):
    help = "Import KPI values (KPI, Period, Value, Person, Note) from CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and show what would change"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        try:
            summary = measurements_import(
                actor=None, data=data, file_name=path.name, dry_run=options["dry_run"]
            )
        except MeasurementImportErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in the file; nothing was imported."
            ) from exc
        if options["dry_run"]:
            changes = [r for r in summary.rows if r["outcome"] != "unchanged"]
            for row in changes[:SHOWN_ROWS]:
                who = f" {row['person'].full_name}" if row["person"] else ""
                self.stdout.write(
                    f"line {row['line']}: {row['outcome'][:-1]} {row['kpi'].code}{who} "
                    f"{row['period_label']} = {row['value'].normalize():f}"
                )
            if len(changes) > SHOWN_ROWS:
                self.stdout.write(f"… and {len(changes) - SHOWN_ROWS} more")
            self.stdout.write(f"Dry run, nothing written: {summary}")
            return
        self.stdout.write(str(summary))
