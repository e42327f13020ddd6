"""My goals, Team goals (a 12-person team) and the alignment tree's first two levels.

At 100,000 people and 1,000,000 goals + key results (``bench/goals_data.py``, and the
goal_rollup workload's deeper trees when that workload is present), each page
is requested ~30 times in-process through Django's test client, middleware included.
Target (issue #3): median ≤ 100 ms per page, and the same query count as on a
1,000-person organisation (``queries_at_1000``).
"""

from argparse import Namespace
from typing import Any
from urllib.parse import urlencode

from bench import support
from bench.workloads import directory

NAME = "goal_pages"
DEFAULT_SIZE = 100_000
SMALL_SIZE = 1_000
TARGET_MS = 100.0


def datasets() -> dict[str, tuple[Any, str]]:
    """name → (builder, a search that finds a few goals in it).

    ``pages`` (bench/goals_data.py): team goals with thousands of goals aligned to each,
    check-in history, ≥ 1,000,000 goals + key results. ``rollup`` (the goal_rollup
    workload's trees, when present): alignment along manager chains up to 8 deep.
    """
    from bench.goals_data import goals_database

    found: dict[str, tuple[Any, str]] = {"pages": (goals_database, "latency #12")}
    try:
        from bench.workloads.goal_rollup import goals_database as rollup_database
    except ImportError:
        pass
    else:
        found["rollup"] = (rollup_database, "goal 12")
    return found


def measure(size: int, fresh: bool, dataset: str) -> list[dict[str, Any]]:
    build, search = datasets()[dataset]
    source = build(size, fresh)
    with support.work_dir() as tmp:
        db = support.copy_database(source, tmp / "cadence.sqlite3")
        support.use_database(db, tmp)
        from django.test import Client
        from django.urls import reverse

        from cadence.goals.models import Goal, KeyResult

        goals_and_krs = Goal.objects.count() + KeyResult.objects.count()
        manager, employee = directory.pick_people()
        pages = [
            directory.Page("my_goals", reverse("goals:my_goals"), employee.user),
            directory.Page("team_goals", reverse("goals:team_goals"), manager.user),
            directory.Page("alignment", reverse("goals:alignment"), employee.user),
            directory.Page(
                "alignment_search",
                reverse("goals:alignment") + "?" + urlencode({"q": search}),
                employee.user,
            ),
            directory.Page(
                "goal",
                reverse(
                    "goals:goal",
                    args=[
                        Goal.objects.filter(owner_person=employee)
                        .values_list("pk", flat=True)
                        .first()
                    ],
                ),
                employee.user,
            ),
        ]
        rows = []
        for page in pages:
            client = Client()
            client.force_login(page.viewer)
            row = directory.measure_page(client, page)
            row["target_ms"] = TARGET_MS
            row["ok"] = row["median_ms"] <= TARGET_MS
            support.log(
                f"{size:>7,} {dataset:<6} {page.name:<17} median {row['median_ms']:7.2f} ms  "
                f"p95 {row['p95_ms']:7.2f} ms  {row['queries']} queries"
            )
            rows.append(
                support.result(
                    NAME,
                    size,
                    row.pop("seconds"),
                    dataset=dataset,
                    goals_and_key_results=goals_and_krs,
                    team_size=manager.team,
                    **row,
                )
            )
    return rows


def run(args: Namespace) -> list[dict[str, Any]]:
    size = args.size or DEFAULT_SIZE
    rows = []
    for dataset in datasets():
        rows += support.small_then_large(
            lambda n, d=dataset: measure(n, args.fresh, d), size, min(SMALL_SIZE, size)
        )
    return rows
