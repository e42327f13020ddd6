"""The conversation pages of a 100,000-person organisation: a 1:1 meeting with two years
of history, the praise wall and a person's feedback list.

On ``bench/conversation_data.py``'s dataset (``goal_pages``' people and goals, a 1:1
series for every manager and report — ~98,000 — and ~300,000 feedback with value tags
and reactions), each page is requested 30 times (after warm-up) in-process through
Django's test client, middleware included:

* ``meeting_next``: the chosen pair's next meeting (the latest of the series), as the
  manager — agenda with a point carried over, the series' open action items from two
  years of meetings, the 12 earlier meetings, goals to offer;
* ``meeting_latest_held``: the latest held meeting of the same series, as the manager
  (shared notes, the manager's private note, action items);
* ``praise_wall``: the praise wall's first page (~60,000 praise), as the report;
* ``praise_wall_value``: the wall filtered by a company value (on ~22 % of the praise);
* ``praise_wall_rare_value``: filtered by a value on one praise in 1,000 (the wall is
  read much further to fill a page);
* ``feedback_received``: the report's own feedback list (received: a few hundred).

Target (issue 9): median ≤ 100 ms per page, and the same query count as on a
1,000-person organisation (``queries_at_1000``).
"""

from argparse import Namespace
from typing import Any

from bench import support
from bench.workloads import directory

NAME = "conversation_pages"
DEFAULT_SIZE = 100_000
SMALL_SIZE = 1_000
TARGET_MS = 100.0


def _pages(info: Any) -> list[directory.Page]:
    from django.urls import reverse

    from cadence.accounts.models import User

    manager = User.objects.get(person__pk=info.manager_id)
    report = User.objects.get(person__pk=info.report_id)
    wall = reverse("feedback:wall")
    return [
        directory.Page(
            "meeting_next", reverse("meetings:meeting", args=[info.next_meeting_id]), manager
        ),
        directory.Page(
            "meeting_latest_held",
            reverse("meetings:meeting", args=[info.latest_held_id]),
            manager,
        ),
        directory.Page("praise_wall", wall, report),
        directory.Page("praise_wall_value", f"{wall}?value={info.value_id}", report),
        directory.Page("praise_wall_rare_value", f"{wall}?value={info.rare_value_id}", report),
        directory.Page("feedback_received", reverse("feedback:index"), report),
    ]


def measure(size: int, fresh: bool) -> list[dict[str, Any]]:
    from bench.conversation_data import conversation_database, read_info

    source = conversation_database(size, fresh)
    info = read_info(source)
    rows = []
    with support.work_dir() as tmp:
        db = support.copy_database(source, tmp / "cadence.sqlite3")
        support.use_database(db, tmp)
        from django.test import Client

        for page in _pages(info):
            client = Client()
            client.force_login(page.viewer)
            row = directory.measure_page(client, page)
            row["target_ms"] = TARGET_MS
            row["ok"] = row["median_ms"] <= TARGET_MS
            support.log(
                f"{size:>7,} {page.name:<22} median {row['median_ms']:7.2f} ms  "
                f"p95 {row['p95_ms']:7.2f} ms  {row['queries']} queries"
            )
            rows.append(support.result(NAME, size, row.pop("seconds"), **row))
    return rows


def run(args: Namespace) -> list[dict[str, Any]]:
    size = args.size or DEFAULT_SIZE
    return support.small_then_large(lambda n: measure(n, args.fresh), size, min(SMALL_SIZE, size))
