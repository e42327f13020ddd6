"""``cadence run-scheduled [NAME]``: run one sweep, or all of them, now.

For cron or systemd timers where the scheduler (``cadence crontask``) does not run, and
for an operator who wants a sweep now. Every sweep is idempotent, so running one that the
scheduler also runs changes nothing twice (docs/deployment.md, "Schedules").
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cadence.notifications import schedule


class Command(BaseCommand):
    help = "Run one scheduled sweep (by name) or all of them, and say what each made."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "name", nargs="?", help="the sweep to run (default: every sweep, by name)"
        )

    def handle(self, *args: Any, name: str | None = None, **options: Any) -> None:
        if name is None:
            chosen = schedule.sweeps()
        else:
            found = schedule.sweep(name)
            if found is None:
                known = ", ".join(s.name for s in schedule.sweeps())
                raise CommandError(f"No sweep is called {name!r}. Known: {known}.", returncode=2)
            chosen = [found]
        for sweep in chosen:
            made = sweep.run(timezone.now())
            noun = sweep.unit if made == 1 else sweep.unit + "s"
            self.stdout.write(f"{sweep.name}: {made} {noun}")
