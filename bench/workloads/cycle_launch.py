"""Launching a review cycle for the whole organisation, against a raw ``executemany``.

On a copy of the ``directory`` workload's seeded organisation (cached), a draft cycle
with every review type (self, manager, peer, upward) and no criteria — everyone active
takes part — is launched with ``cycle_launch`` (one review per participant, self,
manager and upward assignments); then each review gets 4 approved peer nominations
(setup, not timed: the nominations phase writes them) and
``peer_assignments_from_nominations`` makes their assignments (the set-based path the
writing phase takes). The measured time is both steps, each one transaction.

The baseline is the least any launch must do: a plain ``sqlite3`` ``executemany`` of the
very rows the launch wrote (reviews, then assignments, ids included) into the same
tables of a copy taken just before the launch, in one transaction, with the pragmas
Cadence runs with. Runs are interleaved (launch, baseline) and medians compared.
Targets (issue 8): ≤ 30 s at 100,000 people (~700,000 assignments), ≤ 3× the baseline.
"""

import contextlib
import datetime
import sqlite3
from argparse import Namespace
from pathlib import Path
from typing import Any

from bench import support
from bench.workloads import directory

NAME = "cycle_launch"
DEFAULT_SIZE = 100_000
RUNS = 2
PEERS = 4
TARGET_SECONDS = 30.0
TARGET_RATIO = 3.0

REVIEW_COLUMNS = (
    "id",
    "cycle_id",
    "reviewee_id",
    "manager_id",
    "state",
    "employee_comment",
    "created_at",
)
ASSIGNMENT_COLUMNS = (
    "id",
    "review_id",
    "cycle_id",
    "writer_id",
    "type",
    "state",
    "version",
    "decline_reason",
    "opened_at",
)


def _prepare(db: Path, tmp: Path) -> int:
    """A template version, an active period and a draft cycle with every review type;
    returns the cycle's id."""
    support.use_database(db, tmp)
    from cadence.planning import services as planning
    from cadence.reviews.models import ReviewTemplate, TemplateVersion
    from cadence.reviews.services import cycles

    today = datetime.datetime.now(tz=datetime.UTC).date()
    template = ReviewTemplate.objects.create(name="Bench annual review")
    TemplateVersion.objects.create(template=template, number=1)
    period = planning.period_create(
        actor=None,
        name="Bench FY",
        kind="year",
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today + datetime.timedelta(days=65),
    )
    planning.period_activate(actor=None, period=period)
    cycle = cycles.cycle_create(
        actor=None,
        name="Bench annual review",
        template=template,
        period=period,
        review_types=["self", "manager", "peer", "upward"],
        nomination_deadline=today + datetime.timedelta(days=7),
        approval_deadline=today + datetime.timedelta(days=10),
        writing_deadline=today + datetime.timedelta(days=30),
    )
    return cycle.pk


def _nominate(cycle_id: int) -> int:
    """PEERS approved nominations per review: the next participants in id order who are
    neither the reviewee nor their manager (setup for the peer step, not timed)."""
    from django.db import connection, transaction

    from cadence.reviews.models import Review

    reviews = list(
        Review.objects.filter(cycle_id=cycle_id)
        .order_by("reviewee_id")
        .values_list("id", "reviewee_id", "manager_id")
    )
    people = [reviewee for _id, reviewee, _m in reviews]
    now = connection.ops.adapt_datetimefield_value(datetime.datetime.now(tz=datetime.UTC))
    rows = []
    for n, (review_id, reviewee, manager) in enumerate(reviews):
        chosen = 0
        step = 1
        while chosen < PEERS and step < len(people):
            peer = people[(n + step) % len(people)]
            step += 1
            if peer in (reviewee, manager):
                continue
            rows.append((review_id, peer, "approved", "", now))
            chosen += 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO reviews_peernomination (review_id, nominee_id, state, reason, created_at)"
            " VALUES (%s, %s, %s, %s, %s)",
            rows,
        )
    return len(rows)


def _launch(cycle_id: int) -> tuple[float, int, int]:
    """Seconds for the launch and the peer step; reviews and assignments written."""
    from django.db import transaction

    from cadence.reviews.models import ReviewCycle
    from cadence.reviews.services import cycles

    cycle = ReviewCycle.objects.get(pk=cycle_id)
    with support.Stopwatch() as launch:
        result = cycles.cycle_launch(actor=None, cycle=cycle)
    nominated = _nominate(cycle_id)
    with support.Stopwatch() as peers, transaction.atomic():
        peer_count = cycles.peer_assignments_from_nominations(cycle)
    support.log(
        f"launch {launch.seconds:.2f} s ({result.reviews:,} reviews, "
        f"{result.assignments_total:,} assignments), {nominated:,} nominations, "
        f"peers {peers.seconds:.2f} s ({peer_count:,} assignments)"
    )
    return launch.seconds + peers.seconds, result.reviews, result.assignments_total + peer_count


def _rows(db: Path) -> tuple[list[tuple], list[tuple]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        reviews = conn.execute(
            f"SELECT {', '.join(REVIEW_COLUMNS)} FROM reviews_review ORDER BY id"  # noqa: S608
        ).fetchall()
        assignments = conn.execute(
            f"SELECT {', '.join(ASSIGNMENT_COLUMNS)} FROM reviews_assignment ORDER BY id"  # noqa: S608
        ).fetchall()
    return reviews, assignments


def _baseline(db: Path, reviews: list[tuple], assignments: list[tuple]) -> float:
    """Seconds to insert the same rows with executemany, in one transaction."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA cache_size=-64000")
        with support.Stopwatch() as sw:
            conn.execute("BEGIN IMMEDIATE")
            for table, columns, rows in (
                ("reviews_review", REVIEW_COLUMNS, reviews),
                ("reviews_assignment", ASSIGNMENT_COLUMNS, assignments),
            ):
                marks = ", ".join("?" * len(columns))
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
            conn.execute("COMMIT")
    finally:
        conn.close()
    return sw.seconds


def run(args: Namespace) -> list[dict[str, Any]]:
    size = args.size or DEFAULT_SIZE
    source = directory.seeded_database(size, args.fresh)
    with support.work_dir() as tmp:
        prepared = support.copy_database(source, tmp / "prepared.sqlite3")
        cycle_id = _prepare(prepared, tmp)
        support.close_database()
        seconds, baselines = [], []
        reviews = assignments = 0
        rows: tuple[list[tuple], list[tuple]] | None = None
        for n in range(1, RUNS + 1):
            db = support.copy_database(prepared, tmp / f"launch-{n}.sqlite3")
            support.use_database(db, tmp)
            support.log(f"cycle_launch: run {n}/{RUNS}: launch at {size:,} people")
            took, reviews, assignments = _launch(cycle_id)
            seconds.append(took)
            support.close_database()
            if rows is None:
                rows = _rows(db)
            db.unlink()
            base = support.copy_database(prepared, tmp / f"baseline-{n}.sqlite3")
            baselines.append(_baseline(base, *rows))
            support.log(f"cycle_launch: run {n}/{RUNS}: baseline {baselines[-1]:.2f} s")
            base.unlink()
    median, baseline = support.median(seconds), support.median(baselines)
    ratio = median / baseline if baseline else None
    return [
        support.result(
            NAME,
            size,
            median,
            baseline_seconds=baseline,
            reviews=reviews,
            assignments=assignments,
            runs=RUNS,
            target_seconds=TARGET_SECONDS,
            target_ratio=TARGET_RATIO,
            ok=median <= TARGET_SECONDS and ratio is not None and ratio <= TARGET_RATIO,
        )
    ]
