"""``cadence import-competencies FILE --framework NAME [--period NAME]``.

Adds or updates competencies from a CSV/XLSX file with the columns Group, Competency,
Description, Level, Expected behaviour (docs/planning.md). All or nothing. Exit status:
0 imported, 1 the file has errors or cannot be read, 2 usage errors.

Which framework version receives the rows:
* with ``--period``: the period's own version; when the period has none yet, the latest
  version of NAME is copied for it (or a new framework NAME is created);
* without: the latest version of NAME (created when there is none). A version used by
  a closed period is never changed: the import then writes a new version.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cadence.planning import services
from cadence.planning.models import CompetencyFramework, PerformancePeriod


class Command(BaseCommand):
    help = "Import competencies (Group, Competency, Description, Level, Expected behaviour)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument(
            "--framework", required=True, metavar="NAME", help="name of the competency framework"
        )
        parser.add_argument(
            "--period", metavar="NAME", help="import into this period's version of the framework"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        name = options["framework"].strip()
        with transaction.atomic():
            framework = self._framework(name, options.get("period"))
            try:
                summary = services.competencies_import(
                    actor=None, framework=framework, data=data, file_name=path.name
                )
            except services.CompetencyImportErrors as errors:
                for line in errors.errors:
                    self.stderr.write(line)
                raise CommandError(str(errors), returncode=1) from errors
        self.stdout.write(
            f"{summary.framework}: {summary.groups} new group(s), {summary.competencies} "
            f"new competency(ies), {summary.expectations} expected behaviour(s) written."
        )

    def _framework(self, name: str, period_name: str | None) -> CompetencyFramework:
        latest = CompetencyFramework.objects.filter(name=name).order_by("-version").first()
        if period_name is None:
            return latest or services.framework_create(actor=None, name=name)
        period = PerformancePeriod.objects.filter(name__iexact=period_name.strip()).first()
        if period is None:
            raise CommandError(f"There is no period named {period_name}.", returncode=2)
        own = CompetencyFramework.objects.filter(period=period).first()
        if own is not None:
            if own.name != name:
                raise CommandError(
                    f"{period.name} uses the framework {own}, not {name}.", returncode=2
                )
            return own
        if period.is_closed:
            raise CommandError(f"{period.name} is closed.", returncode=2)
        if latest is not None:
            return services.framework_copy_for_period(actor=None, framework=latest, period=period)
        return services.framework_create(actor=None, name=name, period=period)
