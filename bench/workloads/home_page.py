"""The home page and the notification list of a manager with 12 reports.

At 100,000 people and ~1,000,000 goals + key results (``bench/goals_data.py``, the
goal_pages dataset), each page is requested ~30 times in-process through Django's test
client, middleware included. Target (issue #7): median ≤ 50 ms per page, and the same
query count as on a 1,000-person organisation (``queries_at_1000``).
"""

from argparse import Namespace
from typing import Any

from bench import support
from bench.workloads import directory

NAME = "home_page"
DEFAULT_SIZE = 100_000
SMALL_SIZE = 1_000
TARGET_MS = 50.0
UNREAD = 30  # notifications given to the manager, so the section and the list have items


def measure(size: int, fresh: bool) -> list[dict[str, Any]]:
    from bench.goals_data import goals_database

    source = goals_database(size, fresh)
    with support.work_dir() as tmp:
        db = support.copy_database(source, tmp / "cadence.sqlite3")
        support.use_database(db, tmp)
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from cadence.goals.models import Goal
        from cadence.notifications.services import notify

        manager, _employee = directory.pick_people()
        goal = Goal.objects.filter(owner_person__manager=manager).first()
        reports = list(manager.direct_reports.all()[:UNREAD])
        for i in range(UNREAD):
            notify(
                "goal.check_in",
                [manager],
                actor=reports[i % len(reports)],
                target=goal,
                dedup_key=f"bench:{i}",
            )
        pages = [directory.Page("home", reverse("home"), manager.user)]
        try:
            pages.append(
                directory.Page("notifications", reverse("notifications:list"), manager.user)
            )
        except NoReverseMatch:
            support.log("no notification list to measure: the home page only")
        rows = []
        for page in pages:
            client = Client()
            client.force_login(page.viewer)
            row = directory.measure_page(client, page)
            row["target_ms"] = TARGET_MS
            row["ok"] = row["median_ms"] <= TARGET_MS
            support.log(
                f"{size:>7,} {page.name:<14} median {row['median_ms']:7.2f} ms  "
                f"p95 {row['p95_ms']:7.2f} ms  {row['queries']} queries"
            )
            rows.append(
                support.result(NAME, size, row.pop("seconds"), team_size=manager.team, **row)
            )
    return rows


def run(args: Namespace) -> list[dict[str, Any]]:
    size = args.size or DEFAULT_SIZE
    small = min(SMALL_SIZE, size)
    rows = measure(small, args.fresh)
    if size != small:
        baseline = {row["page"]: row["queries"] for row in rows}
        big = measure(size, args.fresh)
        for row in big:
            row[f"queries_at_{small}"] = baseline[row["page"]]
            row["ok"] = row["ok"] and row["queries"] == baseline[row["page"]]
        rows += big
    return rows
