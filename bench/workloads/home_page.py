"""The home page and the notification list of a manager with 12 reports, and the home
page of an HR admin with the organisation's health.

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
COUNT_RUNS = 5  # the organisation's health counted afresh: seconds each at 100,000 people


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

        manager, employee = directory.pick_people()
        # An HR admin is an employee too: their own items, plus the organisation's health
        # counted over every department, plan and goal of the current period.
        employee.user.is_hr_admin = True
        employee.user.save(update_fields=["is_hr_admin"])
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
        pages.append(directory.Page("home_org_health", reverse("home"), employee.user))
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
        rows.append(count_org_health(size, employee.user))
    return rows


def count_org_health(size: int, hr_admin: Any) -> dict[str, Any]:
    """The HR admin's home page with the organisation's health counted afresh (the
    cache emptied before each request): what the first visit every
    ``HEALTH_CACHE_SECONDS`` costs. Reported, not held to the page target."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(hr_admin)

    def get() -> None:
        cache.clear()
        if client.get(reverse("home")).status_code != 200:
            raise RuntimeError("the HR admin's home page failed")

    times = support.timed_runs(get, runs=COUNT_RUNS, warmup=1)
    with CaptureQueriesContext(connection) as captured:
        get()
    median_ms = support.median(times) * 1000
    support.log(f"{size:>7,} home_org_health counted afresh: median {median_ms:7.2f} ms")
    return support.result(
        NAME,
        size,
        support.median(times),
        page="home_org_health_counted",
        median_ms=round(median_ms, 2),
        p95_ms=round(max(times) * 1000, 2),
        queries=len(captured.captured_queries),
        runs=COUNT_RUNS,
        ok=True,
    )


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
