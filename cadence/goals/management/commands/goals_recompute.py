"""``cadence goals-recompute``: recompute every goal's and key result's progress."""

from typing import Any

from django.core.management.base import BaseCommand

from cadence.goals.services import goals_recompute_all


class Command(BaseCommand):
    help = (
        "Recompute the progress of every key result and goal from scratch (docs/goals.md) "
        "and store what differs. Check-ins keep progress up to date; run this after "
        "changing goal rows outside Cadence."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = goals_recompute_all()
        self.stdout.write(f"{written} progress figures updated.")
