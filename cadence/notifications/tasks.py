"""The scheduler's view of the sweeps: one Django task per registered sweep, each on the
sweep's crontab (django-crontask; docs/architecture.md, "Schedules").

``cadence crontask`` imports this module (it loads every app's ``tasks``) once the apps
are ready, so every area's sweeps are registered by then; at each tick it only
*enqueues* the task, and the worker (``cadence db_worker``) runs it — a slow sweep never
delays the scheduler, and a sweep runs wherever the worker runs. The worker finds a task
by its dotted path, so each one is a module-level name here: ``sweep_stale_goals`` for
"stale-goals".
"""

from crontask import cron
from django.tasks import Task, task
from django.utils import timezone

from cadence.notifications import schedule


def task_name(sweep_name: str) -> str:
    return "sweep_" + sweep_name.replace("-", "_")


def _sweep_task(sweep: schedule.Sweep) -> Task:
    def run() -> int:
        return sweep.run(timezone.now())

    # The dotted path the worker imports the task by: this module and the name below.
    run.__name__ = run.__qualname__ = task_name(sweep.name)
    run.__doc__ = sweep.description
    return cron(sweep.cron)(task(run))


def _build() -> dict[str, Task]:
    built = {}
    for sweep in schedule.sweeps():
        name = task_name(sweep.name)
        built[name] = _sweep_task(sweep)
    return built


# name → task, also bound as module attributes for the worker's import by path.
SWEEP_TASKS: dict[str, Task] = _build()
globals().update(SWEEP_TASKS)


def sweep_task(sweep_name: str) -> Task | None:
    return SWEEP_TASKS.get(task_name(sweep_name))
