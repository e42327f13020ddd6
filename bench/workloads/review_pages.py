"""The review pages of a 100,000-person cycle: the writing form with its evidence panel,
the reviewee's results page and HR's cycle dashboard.

On ``bench/reviews_data.py``'s datasets (the cycle in writing: ~100,000 reviews, ~700,000
assignments, 30 % of them with a draft or submitted; a manager of a team as the chosen
reviewee), each page is requested 30 times (after warm-up) in-process through Django's
test client, middleware included:

* ``review_form``: the chosen reviewee's manager on the manager review's form — the
  reviewee's goals, key results and check-ins of the period and their submitted
  self-review, beside a saved draft (the evidence panel is part of the page: no request
  of its own);
* ``review_results``: the reviewee on their released results (the cycle in calibration;
  self, manager, 4 peer and upward reviews submitted);
* ``review_cycle_dashboard``: an HR admin on the cycle's dashboard (writing phase).

Target (issue 8): median ≤ 150 ms per page, and the same query count as on a
1,000-person organisation (``queries_at_1000``). A page that does not exist yet gives a
line with ``"ok": false`` and ``"error": "page missing"``.
"""

from argparse import Namespace
from pathlib import Path
from typing import Any

from bench import support
from bench.workloads import directory

NAME = "review_pages"
DEFAULT_SIZE = 100_000
SMALL_SIZE = 1_000
TARGET_MS = 150.0


def _pages(writing: Path, released: Path) -> list[tuple[str, Path, str, str]]:
    """(page, database, url name, who) — ``who`` is an Info field naming the viewer."""
    return [
        ("review_form", writing, "reviews:write", "manager"),
        ("review_cycle_dashboard", writing, "reviews:cycle_dashboard", "hr"),
        ("review_results", released, "reviews:results", "reviewee"),
    ]


def _viewer(info: Any, who: str) -> Any:
    from cadence.accounts.models import User

    if who == "hr":
        return User.objects.get(pk=info.hr_user_id)
    person_id = info.manager_id if who == "manager" else info.reviewee_id
    return User.objects.get(person__pk=person_id)


def _args(info: Any, url_name: str) -> list[int]:
    return {
        "reviews:write": [info.manager_assignment_id],
        "reviews:results": [info.review_id],
        "reviews:cycle_dashboard": [info.cycle_id],
    }[url_name]


def measure(size: int, fresh: bool) -> list[dict[str, Any]]:
    from bench.reviews_data import read_info, reviews_databases

    writing, released = reviews_databases(size, fresh)
    rows = []
    with support.work_dir() as tmp:
        copies: dict[Path, Path] = {}
        for name, source, url_name, who in _pages(writing, released):
            if source not in copies:
                # A copy: requests write sessions, and the cached file stays as built.
                support.close_database()
                copies[source] = support.copy_database(source, tmp / source.name)
            db = copies[source]
            info = read_info(db)
            support.use_database(db, tmp)
            from django.test import Client
            from django.urls import NoReverseMatch, reverse

            try:
                url = reverse(url_name, args=_args(info, url_name))
            except NoReverseMatch:
                support.log(f"{size:>7,} {name:<24} page missing ({url_name})")
                rows.append(
                    support.result(
                        NAME,
                        size,
                        0.0,
                        page=name,
                        ok=False,
                        error="page missing",
                        target_ms=TARGET_MS,
                    )
                )
                continue
            page = directory.Page(name, url, _viewer(info, who))
            client = Client()
            client.force_login(page.viewer)
            row = directory.measure_page(client, page)
            row["target_ms"] = TARGET_MS
            row["ok"] = row["median_ms"] <= TARGET_MS
            support.log(
                f"{size:>7,} {name:<24} median {row['median_ms']:7.2f} ms  "
                f"p95 {row['p95_ms']:7.2f} ms  {row['queries']} queries"
            )
            rows.append(support.result(NAME, size, row.pop("seconds"), **row))
    return rows


def run(args: Namespace) -> list[dict[str, Any]]:
    size = args.size or DEFAULT_SIZE
    small = min(SMALL_SIZE, size)
    rows = measure(small, args.fresh)
    if size != small:
        baseline = {row["page"]: row.get("queries") for row in rows}
        big = measure(size, args.fresh)
        for row in big:
            if "error" in row:
                continue
            row[f"queries_at_{small}"] = baseline[row["page"]]
            row["ok"] = row["ok"] and row["queries"] == baseline[row["page"]]
        rows += big
    return rows
