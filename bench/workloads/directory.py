"""Directory, search, team and profile pages: median server time and query count.

Seeds an organisation with ``cadence seed`` (in a subprocess, cached between runs
outside the repository), then requests each page ~30 times in-process through Django's
test client, the whole middleware stack included. Target (issue #2): median ≤ 50 ms
per page at 100,000 people, and a query count that does not grow with the size of the
organisation or team — the same pages are measured on a 1,000-person organisation to
show it, and the team page also for the top of the organisation (whose reporting line
is everyone).
"""

from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import support

NAME = "directory"
DEFAULT_SIZE = 100_000
SMALL_SIZE = 1_000
RUNS = 30
WARMUP = 3
TARGET_MS = 50.0
TEAM_SIZE = 12
SEARCH = "garcia"  # a common last name: ~1% of the organisation
SEED = 1


@dataclass
class Page:
    name: str
    url: str
    viewer: Any  # a User


def seeded_database(size: int, fresh: bool) -> Path:
    """A migrated database holding the seeded organisation of ``size`` people (cached)."""
    key = support.source_fingerprint(
        "cadence/*/migrations/*.py",
        "cadence/demo/organisation.py",
        "cadence/core/tabular.py",
        "cadence/people/importing/*.py",
        "cadence/people/services.py",
        "cadence/demo/management/commands/seed.py",
    )

    def build(path: Path) -> None:
        with support.work_dir() as tmp:
            db = support.fresh_database(tmp)
            support.log(f"seeding {size:,} people (cached afterwards in {support.cache_dir()})")
            with support.Stopwatch() as sw:
                out = support.cadence("seed", "--people", str(size), "--seed", str(SEED), db=db)
            support.log(f"{out.stdout.strip().splitlines()[-1]} (wall {sw.seconds:.1f} s)")
            support.copy_database(db, path)

    return support.cached_file(
        f"directory-{size}-s{SEED}-{key}.sqlite3",
        build,
        fresh=fresh,
        replaces=f"directory-{size}-s{SEED}-*.sqlite3",
    )


def pick_people() -> tuple[Any, Any]:
    """A manager with exactly TEAM_SIZE active direct reports, none of whom manage anyone
    (a 12-person team, the common case), and a plain employee from another part of the
    organisation who views the directory and the manager's profile."""
    from django.db.models import Count, Exists, OuterRef, Q

    from cadence.people.models import Person

    active = Person.objects.filter(status=Person.Status.ACTIVE, user__isnull=False)
    managers = active.annotate(
        team=Count(
            "direct_reports",
            filter=Q(direct_reports__status=Person.Status.ACTIVE),
            distinct=True,
        ),
        leads=Count("direct_reports__direct_reports", distinct=True),
    )
    manager = (
        managers.filter(team=TEAM_SIZE, leads=0).order_by("id").first()
        or managers.filter(team=TEAM_SIZE).order_by("id").first()
        # Organisations under 1,000 people have spans up to 6: the largest such team.
        or managers.filter(team__gt=0, leads=0).order_by("-team", "id").first()
    )
    if manager is None:
        raise RuntimeError("Nobody in the seeded organisation has a team.")
    employee = (
        active.filter(~Exists(Person.objects.filter(manager=OuterRef("pk"))))
        .exclude(reporting_path__startswith=manager.reporting_path)
        .order_by("-id")
        .first()
    )
    if employee is None:
        raise RuntimeError("No plain employee outside the manager's line in the seed.")
    return manager, employee


def measure_page(client: Any, page: Page) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get() -> None:
        response = client.get(page.url)
        if response.status_code != 200:
            raise RuntimeError(f"{page.url} answered {response.status_code}")

    times = support.timed_runs(get, runs=RUNS, warmup=WARMUP)
    with CaptureQueriesContext(connection) as captured:
        get()
    median_ms = support.median(times) * 1000
    return {
        "page": page.name,
        "url": page.url,
        "seconds": support.median(times),
        "median_ms": round(median_ms, 2),
        "p95_ms": round(support.percentile(times, 95) * 1000, 2),
        "queries": len(captured.captured_queries),
        "runs": RUNS,
        "target_ms": TARGET_MS,
        "ok": median_ms <= TARGET_MS,
    }


def measure(size: int, fresh: bool) -> list[dict[str, Any]]:
    return measure_database(seeded_database(size, fresh), size)


def measure_database(source: Path, size: int) -> list[dict[str, Any]]:
    """Each page's figures on a copy of the seeded database ``source``."""
    with support.work_dir() as tmp:
        # A copy: the requests write sessions, and the cached file stays pristine.
        db = support.copy_database(source, tmp / "cadence.sqlite3")
        support.use_database(db, tmp)
        from django.test import Client
        from django.urls import reverse

        from cadence.people.models import Person

        people = Person.objects.count()
        manager, employee = pick_people()
        top = Person.objects.filter(manager__isnull=True, status=Person.Status.ACTIVE).first()
        directory_url = reverse("people:directory")
        team_url = reverse("people:team", args=[manager.pk])
        top_url = reverse("people:team", args=[top.pk])
        pages = [
            Page("directory", directory_url, employee.user),
            Page("directory_search", directory_url + "?" + urlencode({"q": SEARCH}), employee.user),
            # A full name: two terms and few matches, so the page walks the whole
            # directory index to fill itself (the manager's name, found at any size).
            Page(
                "directory_search_name",
                directory_url + "?" + urlencode({"q": manager.full_name.lower()}),
                employee.user,
            ),
            Page("team", team_url, manager.user),
            Page("profile", reverse("people:person", args=[manager.pk]), employee.user),
            # The worst case for "does not grow with the team": the top of the
            # organisation, whose reporting line is everyone.
            Page("team_top", top_url, top.user),
            Page("team_top_whole_line", top_url + "?show=line", top.user),
        ]
        rows = []
        for page in pages:
            client = Client()
            client.force_login(page.viewer)
            row = measure_page(client, page)
            support.log(
                f"{size:>7,} {page.name:<17} median {row['median_ms']:7.2f} ms  "
                f"p95 {row['p95_ms']:7.2f} ms  {row['queries']} queries"
            )
            rows.append(
                support.result(
                    NAME, size, row.pop("seconds"), people=people, team_size=manager.team, **row
                )
            )
    return rows


def run(args: Namespace) -> list[dict[str, Any]]:
    size = args.size or DEFAULT_SIZE
    return support.small_then_large(lambda n: measure(n, args.fresh), size, min(SMALL_SIZE, size))
