"""``cadence import-people FILE``: load or update people from an HRIS export.

See docs/import.md. Exit status: 0 imported (or dry run), 1 the file has errors or
cannot be read, 2 usage errors, 3 the mass-deactivation guard stopped the run.
"""

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadence.people.importing import (
    ImportHasErrors,
    ImportPlan,
    MassDeactivationRefused,
    TableError,
    parse_mapping,
    plan_import,
    read_table,
)
from cadence.people.services import people_import

SHOWN_CHANGES = 20  # per kind, in a dry run; the counts always cover everything


class Command(BaseCommand):
    help = "Import people from an HRIS export (CSV or XLSX). See docs/import.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX export")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, write nothing"
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file is the whole roster: deactivate active people missing from it",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="'Header=field'",
            help="read a column as a field (employee_id, work_email, …, custom:<Label>, "
            "ignore); repeatable",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="confirm a run that deactivates more than the allowed share of people",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            mapping = parse_mapping(options["map"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        interactive = self.stderr.isatty()  # progress and questions only for a person
        started = time.monotonic()
        try:
            table = read_table(data, path.name)
        except TableError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        if interactive:
            self.stderr.write(f"Checking {len(table):,} rows of {path.name} ({table.description})…")
        plan = plan_import(table, mapping=mapping, full=options["full"])
        if plan.errors:
            self._fail_with_errors(plan.errors)
        if options["dry_run"]:
            self._report_dry_run(plan)
            return
        for warning in plan.warnings:
            self.stderr.write(f"Warning: {warning}")
        confirmed = options["yes"]
        if plan.needs_confirmation and not confirmed:
            confirmed = self._ask(plan, interactive)
        try:
            summary = people_import(
                actor=None,
                plan=plan,
                confirm_mass_deactivation=confirmed,
                progress=self._progress_bar() if interactive else None,
            )
        except ImportHasErrors as exc:  # the organisation changed since the check
            self._fail_with_errors(exc.errors)
        except MassDeactivationRefused as exc:
            raise CommandError(f"{exc} Re-run with --yes to confirm.", returncode=3) from exc
        if interactive:
            self.stderr.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(f"{summary} ({len(table):,} rows in {elapsed:.1f} s)")

    def _fail_with_errors(self, errors: list) -> None:
        for error in errors:
            self.stderr.write(str(error))
        raise CommandError(f"{len(errors)} error(s) in the file; nothing was imported.")

    def _ask(self, plan: ImportPlan, interactive: bool) -> bool:
        count, share = len(plan.deactivated), plan.deactivation_share
        if not (interactive and sys.stdin.isatty()):
            raise CommandError(
                f"This import would deactivate {count} people ({share:.0%} of the "
                "organisation). If the file really is complete, re-run with --yes.",
                returncode=3,
            )
        self.stderr.write(
            f"Deactivate {count} people ({share:.0%} of the organisation)? [y/N] ", ending=""
        )
        self.stderr.flush()
        if input().strip().lower() not in {"y", "yes"}:
            raise CommandError("Nothing was imported.", returncode=3)
        return True

    def _progress_bar(self) -> Any:
        last = [0.0]

        def show(done: int, total: int) -> None:
            now = time.monotonic()
            if done < total and now - last[0] < 0.2:
                return
            last[0] = now
            share = done / total if total else 1
            bar = "#" * int(share * 30)
            self.stderr.write(f"\rWriting [{bar:<30}] {done:,}/{total:,}", ending="")
            self.stderr.flush()

        return show

    def _report_columns_and_warnings(self, plan: ImportPlan) -> None:
        if plan.kept_as_custom:
            self.stdout.write(
                "Kept as custom attributes (no field matches): " + ", ".join(plan.kept_as_custom)
            )
        for warning in plan.warnings:
            self.stdout.write(f"Warning: {warning}")

    def _report_dry_run(self, plan: ImportPlan) -> None:
        self._report_columns_and_warnings(plan)
        for kind, changes in (
            ("create", plan.created),
            ("update", plan.updated),
            ("deactivate", plan.deactivated),
        ):
            for change in changes[:SHOWN_CHANGES]:
                self.stdout.write(str(change))
                for flag in change.flags:
                    self.stdout.write(f"  ! {flag}")
            if len(changes) > SHOWN_CHANGES:
                self.stdout.write(f"… and {len(changes) - SHOWN_CHANGES:,} more to {kind}")
        flagged = sum(bool(c.flags) for c in (*plan.updated, *plan.deactivated))
        if flagged:
            self.stdout.write(f"{flagged:,} change(s) marked ! deserve a second look.")
        if plan.needs_confirmation:
            self.stdout.write(
                f"Deactivates {len(plan.deactivated)} people ({plan.deactivation_share:.0%} of "
                "the organisation): the real run will ask for confirmation (--yes)."
            )
        self.stdout.write(f"Dry run, nothing written: {plan.summary()}")
