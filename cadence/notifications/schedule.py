"""The registry of periodic sweeps (stale-goal reminders, escalations, digests, mail
delivery; later review and certificate reminders).

Areas register a sweep in their ``AppConfig.ready()``; the scheduler (``tasks.py``) runs
each on its crontab through Django's task framework, and ``cadence run-scheduled [NAME]``
runs them on demand (cron, systemd timers, tests). A sweep must be idempotent: running it
twice, or in two workers at once, changes nothing the second time (notifications carry a
dedup key; mails a unique key).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Sweep:
    name: str  # "stale-goals": the command's argument and the task's name
    run: Callable[[datetime], int]  # now → how many notifications or mails it made
    cron: str  # "15 * * * *"
    description: str
    # What ``run`` counts, singular: "notification" or "mail" (``run-scheduled`` prints it).
    unit: str = "notification"


_sweeps: dict[str, Sweep] = {}


def register_sweep(sweep: Sweep) -> Sweep:
    _sweeps[sweep.name] = sweep
    return sweep


def sweeps() -> list[Sweep]:
    return sorted(_sweeps.values(), key=lambda s: s.name)


def sweep(name: str) -> Sweep | None:
    return _sweeps.get(name)
