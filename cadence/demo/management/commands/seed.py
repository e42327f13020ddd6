"""``cadence seed --people N``: a deterministic, realistic organisation of N people.

For benchmarks and trials. The organisation comes from
``cadence.demo.organisation.generate_people`` and is loaded through the same import code
an HR admin's HRIS export goes through, so a seeded database is shaped exactly like a
real one. Same ``--people`` and ``--seed``: the same organisation. Running it again
updates people by employee id and creates no duplicates.
"""

import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadence.demo.organisation import generate_people, to_csv
from cadence.people.importing import plan_import, read_table
from cadence.people.models import Department, Person
from cadence.people.services import people_import


class Command(BaseCommand):
    help = "Load a deterministic, realistic organisation of N people (benchmarks, trials)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="how many people")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same organisation")
        parser.add_argument(
            "--domain", default="example.com", help="domain of the work emails (example.com)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even though the database holds people from another domain",
        )

    def handle(self, *args: object, **options: Any) -> None:
        people = int(options["people"])
        if people < 1:
            raise CommandError("--people must be at least 1.")
        domain = str(options["domain"])
        others = Person.objects.exclude(work_email__iendswith=f"@{domain}")
        if not options["force"] and others.exists():
            # Seeding is for empty trial and benchmark databases: 100,000 invented
            # people mixed into a real organisation would be hard to take out again.
            raise CommandError(
                f"This database already holds people outside @{domain}; "
                "seed an empty database (or pass --force)."
            )
        started = time.perf_counter()
        rows = generate_people(people, seed=int(options["seed"]), domain=domain)
        table = read_table(to_csv(rows).encode(), "seed.csv")
        plan = plan_import(table)
        if plan.errors:
            for error in plan.errors[:20]:
                self.stderr.write(str(error))
            raise CommandError(f"The generated organisation has {len(plan.errors)} import errors.")
        summary = people_import(
            actor=None,
            plan=plan,
            progress=self._progress if int(options["verbosity"]) >= 1 else None,
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Import: {summary}")
        shape = organisation_shape()
        self.stdout.write(
            "Seeded {people} people ({active} active), {departments} departments, "
            "{levels} levels, spans {min_span}–{max_span} in {seconds:.1f} s".format(
                **shape, seconds=elapsed
            )
        )

    def _progress(self, done: int, total: int) -> None:
        # Every tenth is enough to show that a 100,000-person seed is moving.
        step = max(1, total // 10)
        if total and done // step != getattr(self, "_last_step", -1):
            self._last_step = done // step
            self.stdout.write(f"  {done:,} / {total:,} rows written")


def organisation_shape() -> dict[str, int]:
    """Head counts and the shape of the manager tree, as loaded in the database."""
    spans = Counter(
        Person.objects.filter(manager__isnull=False).values_list("manager_id", flat=True)
    )
    # "/1/7/42/" is the third level: the CEO is level 1.
    levels = [
        path.count("/") - 1
        for path in Person.objects.values_list("reporting_path", flat=True).iterator(10_000)
    ]
    return {
        "people": len(levels),
        "active": Person.objects.filter(status=Person.Status.ACTIVE).count(),
        "departments": Department.objects.count(),
        "levels": max(levels, default=0),
        "min_span": min(spans.values(), default=0),
        "max_span": max(spans.values(), default=0),
    }
