"""Goal progress: full recomputation and the incremental roll-up of one check-in.

On top of the ``directory`` workload's seeded organisation (100,000 people, reporting
lines up to 7 deep, cached), one active period with alignment trees up to 8 deep:
8 company goals; three goals per person, one in ten private (never aligned), the
public ones aligned to one of their manager's public goals (the top of the
organisation to a company goal) — so a goal's depth is its owner's depth in the
organisation plus one; two or three key results per person goal (2.4 on average), of
every kind and direction, with current values spread around their targets; a few goals
completed, cancelled or still drafts. At 100,000 people: ~295,000 goals and ~708,000
key results. Rows go in with plain ``executemany`` (the services would take hours) with
every stored progress at 0, so the first recomputation has everything to write.

Measured (targets from issue #3):

* ``goal_rollup_full``: ``goals_recompute_all()`` with every stored figure reset to 0
  (loads, computes in pure Python, writes the ~80 % of rows whose figure is not 0) —
  ≤ 10 s, and ≤ 3× a baseline doing the same work with a vectorised NumPy pass: the
  same rows loaded by the same queries, the same rule computed with arrays (one pass per
  tree level), the same rows written with the same ``executemany``. Runs are
  interleaved (product,
  baseline, product, …) after resetting the stored figures, and the medians compared.
* ``goal_rollup_steady``: the same when nothing is out of date (nothing written) —
  load and compute only, against the NumPy load and compute.
* ``goal_check_in``: ``check_in_create`` on 30 different key results of leaf goals at
  depth 8, roll-up to the root included — median ≤ 20 ms, with its query count (which
  depends on the depth, not on the size of the tree).
"""

import contextlib
import datetime
import random
import sqlite3
from argparse import Namespace
from pathlib import Path
from typing import Any

from bench import support
from bench.workloads import directory

NAME = "goal_rollup"
DEFAULT_SIZE = 100_000
COMPANY_GOALS = 8
GOALS_PER_PERSON = 3
PRIVATE_EVERY = 10
ROUNDS = 2
CHECK_INS = 30
TARGET_FULL_SECONDS = 10.0
TARGET_RATIO = 3.0
TARGET_CHECK_IN_MS = 20.0
SEED = 11

# (kind, direction, start, target) — values are scaled per key result below.
KR_SHAPES = [
    ("number", "increase", 0, 100),
    ("number", "increase", 20, 60),
    ("percentage", "decrease", 40, 10),
    ("currency", "increase", 1000, 5000),
    ("percentage", "stay_above", 0, 95),
    ("number", "stay_below", 0, 200),
    ("milestone", "increase", 0, 1),
]


def goals_database(size: int, fresh: bool) -> Path:
    source = directory.seeded_database(size, fresh)
    key = support.source_fingerprint(
        "cadence/*/migrations/*.py",
        "cadence/demo/organisation.py",
        "bench/workloads/goal_rollup.py",
    )

    def build(path: Path) -> None:
        support.copy_database(source, path)
        with support.Stopwatch() as sw:
            counts = add_goals(path)
        support.log(f"goal trees: {counts} in {sw.seconds:.1f} s")

    return support.cached_file(
        f"goal-rollup-{size}-{key}.sqlite3",
        build,
        fresh=fresh,
        replaces=f"goal-rollup-{size}-*.sqlite3",
    )


def add_goals(db: Path) -> dict[str, int]:
    rng = random.Random(SEED)
    today = datetime.datetime.now(datetime.UTC).date()
    starts = today - datetime.timedelta(days=150)
    ends = starts + datetime.timedelta(days=364)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        period_id = conn.execute(
            "INSERT INTO planning_performanceperiod (name, kind, starts_on, ends_on, parent_id,"
            " state, closed_at, created_at) VALUES (?, 'year', ?, ?, NULL, 'active', NULL, ?)",
            ("Roll-up year", starts.isoformat(), ends.isoformat(), now),
        ).lastrowid
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM goals_goal").fetchone()[0] + 1
        goals: list[tuple] = []
        paths: dict[int, str] = {}

        def goal(
            owner_type: str,
            person: int | None,
            parent: int | None,
            private: bool = False,
            state: str = "active",
        ) -> int:
            nonlocal next_id
            gid = next_id
            next_id += 1
            paths[gid] = (paths[parent] if parent else "/") + f"{gid}/"
            goals.append(
                (
                    gid,
                    period_id,
                    f"Goal {gid}",
                    "",
                    "objective",
                    owner_type,
                    person,
                    None,
                    parent,
                    paths[gid],
                    "private" if private else "public",
                    state,
                    rng.choice((1, 1, 1, 2, 3)),
                    0.0,
                    None,
                    None,
                    None,
                    None,
                    now,
                    now,
                )
            )
            return gid

        company = [goal("company", None, None) for _ in range(COMPANY_GOALS)]
        public_goals_of: dict[int, list[int]] = {}
        people = conn.execute(
            "SELECT id, manager_id FROM people_person WHERE status = 'active'"
            " ORDER BY length(reporting_path), id"
        ).fetchall()
        counter = 0
        for person_id, manager_id in people:
            parents = public_goals_of.get(manager_id) or company
            mine = []
            for _ in range(GOALS_PER_PERSON):
                counter += 1
                private = counter % PRIVATE_EVERY == 0
                roll = rng.random()
                state = (
                    "cancelled"
                    if roll < 0.03
                    else "completed"
                    if roll < 0.07
                    else "draft"
                    if roll < 0.09
                    else "active"
                )
                gid = goal(
                    "person", person_id, None if private else rng.choice(parents), private, state
                )
                if not private:
                    mine.append(gid)
            public_goals_of[person_id] = mine
        conn.executemany(
            "INSERT INTO goals_goal (id, period_id, title, description, kind, owner_type,"
            " owner_person_id, owner_department_id, parent_id, alignment_path, visibility,"
            " state, weight, progress, due_on, last_check_in_at, approved_by_id,"
            " created_by_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            goals,
        )
        key_results = []
        kr_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM goals_keyresult").fetchone()[0]
        for n, row in enumerate(goals):
            if row[5] == "company":
                continue  # company goals measure themselves through what aligns to them
            for order in range(2 + (n % 5 < 2)):
                kr_id += 1
                kind, direction, start, target = rng.choice(KR_SHAPES)
                if kind == "milestone":
                    current = rng.choice((0, 1))
                else:
                    low, high = sorted((start, target))
                    span = high - low or high or 1
                    current = round(rng.uniform(max(0, low - span * 0.2), high + span * 0.2), 2)
                key_results.append(
                    (
                        kr_id,
                        row[0],
                        f"Key result {order + 1}",
                        kind,
                        "",
                        direction,
                        start,
                        target,
                        current,
                        rng.choice((1, 1, 2)),
                        0.0,
                        None,
                        order,
                        None,
                    )
                )
        conn.executemany(
            "INSERT INTO goals_keyresult (id, goal_id, title, kind, unit, direction,"
            ' start_value, target_value, current_value, weight, progress, due_on, "order",'
            " last_check_in_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            key_results,
        )
        depth = max(p.count("/") - 1 for p in paths.values())
    return {"goals": len(goals), "key_results": len(key_results), "max_depth": depth}


# --- the NumPy baseline -----------------------------------------------------------------


def numpy_compute(goals: list[tuple], key_results: list[tuple]) -> tuple[list, list]:
    """The progress rule over arrays: key results in one vectorised pass, goals one tree
    level at a time (deepest first) with ``bincount`` sums into the parents. Returns the
    changed (progress, id) pairs, as ``compute_all`` does."""
    import numpy as np

    g = np.array(
        [(r[0], -1 if r[1] is None else r[1], float(r[2]), float(r[4])) for r in goals],
        dtype=np.float64,
    )
    gid = g[:, 0].astype(np.int64)
    parent_id = g[:, 1].astype(np.int64)
    weight = g[:, 2]
    stored = g[:, 3]
    states = np.array([r[3] for r in goals])
    counted = (states == "active") | (states == "completed")
    completed = states == "completed"
    n = len(gid)
    # id → position, through a dense lookup table.
    lookup = np.full(gid.max() + 2, -1, dtype=np.int64)
    lookup[gid] = np.arange(n)
    parent = np.where(parent_id >= 0, lookup[np.maximum(parent_id, 0)], -1)

    k = np.array(
        [
            (r[1], float(r[4]), float(r[5]), float(r[6]), float(r[7]), float(r[8]))
            for r in key_results
        ],
        dtype=np.float64,
    )
    kr_ids = np.array([r[0] for r in key_results], dtype=np.int64)
    kind = np.array([r[2] for r in key_results])
    direction = np.array([r[3] for r in key_results])
    goal_pos = lookup[k[:, 0].astype(np.int64)]
    start, target, current, kw, kstored = k[:, 1], k[:, 2], k[:, 3], k[:, 4], k[:, 5]
    span = np.where(target == start, 1.0, target - start)
    moving = np.clip((current - start) / span, 0.0, 1.0)
    reached_up = (current >= target).astype(np.float64)
    reached_down = (current <= target).astype(np.float64)
    moving = np.where(
        target == start, np.where(direction == "decrease", reached_down, reached_up), moving
    )
    kp = np.select(
        [kind == "milestone", direction == "stay_above", direction == "stay_below"],
        [(current >= 1).astype(np.float64), reached_up, reached_down],
        default=moving,
    )
    sum_w = np.bincount(goal_pos, weights=kw, minlength=n)
    sum_wp = np.bincount(goal_pos, weights=kw * kp, minlength=n)

    depth = np.zeros(n, dtype=np.int64)
    has_parent = parent >= 0
    for _ in range(n):
        new = np.where(has_parent, depth[np.maximum(parent, 0)] + 1, 0)
        if np.array_equal(new, depth):
            break
        depth = new
    progress = np.zeros(n)
    for level in range(int(depth.max()), -1, -1):
        at = np.nonzero(depth == level)[0]
        w = sum_w[at]
        p = np.where(w > 0, sum_wp[at] / np.where(w > 0, w, 1.0), completed[at].astype(np.float64))
        p = np.clip(p, 0.0, 1.0)
        progress[at] = p
        up = at[counted[at] & has_parent[at]]
        if len(up):
            sum_w += np.bincount(parent[up], weights=weight[up], minlength=n)
            sum_wp += np.bincount(parent[up], weights=weight[up] * progress[up], minlength=n)
    goal_changed = np.nonzero(np.abs(progress - stored) > 1e-9)[0]
    kr_changed = np.nonzero(np.abs(kp - kstored) > 1e-9)[0]
    return (
        list(zip(progress[goal_changed].tolist(), gid[goal_changed].tolist(), strict=True)),
        list(zip(kp[kr_changed].tolist(), kr_ids[kr_changed].tolist(), strict=True)),
    )


def numpy_recompute_all() -> int:
    """The baseline: same load, NumPy compute, same writes."""
    from django.db import connection, transaction

    from cadence.goals import rollup

    with transaction.atomic():
        goals, key_results = rollup.load_for_recompute()
        goal_changed, kr_changed = numpy_compute(goals, key_results)
        with connection.cursor() as cursor:
            if kr_changed:
                cursor.executemany(
                    "UPDATE goals_keyresult SET progress = %s WHERE id = %s", kr_changed
                )
            if goal_changed:
                cursor.executemany(
                    "UPDATE goals_goal SET progress = %s WHERE id = %s", goal_changed
                )
    return len(goal_changed) + len(kr_changed)


def reset_progress() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE goals_goal SET progress = 0")
        cursor.execute("UPDATE goals_keyresult SET progress = 0")


# --- the run ----------------------------------------------------------------------------


def run(args: Namespace) -> list[dict[str, Any]]:
    size = args.size or DEFAULT_SIZE
    source = goals_database(size, args.fresh)
    results = []
    with support.work_dir() as tmp:
        db = support.copy_database(source, tmp / "cadence.sqlite3")
        support.use_database(db, tmp)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from cadence.goals import rollup, services
        from cadence.goals.models import Goal, KeyResult

        rows = Goal.objects.count() + KeyResult.objects.count()
        support.log(f"{rows:,} goals + key results")

        product, baseline, written = [], [], 0
        for round_ in range(ROUNDS):
            reset_progress()
            seconds, written = support.timed(rollup.goals_recompute_all)
            product.append(seconds)
            support.log(f"round {round_ + 1}: recompute_all {seconds:.2f} s ({written:,} rows)")
            expected = dict(Goal.objects.values_list("pk", "progress"))
            reset_progress()
            seconds, base_written = support.timed(numpy_recompute_all)
            baseline.append(seconds)
            support.log(f"round {round_ + 1}: numpy {seconds:.2f} s ({base_written:,} rows)")
            assert base_written == written, (base_written, written)
        # Both leave the same figures behind (checked on the last round).
        got = dict(Goal.objects.values_list("pk", "progress"))
        worst = max(abs(got[k] - expected[k]) for k in expected)
        assert worst < 1e-9, worst
        full = support.median(product)
        full_base = support.median(baseline)
        results.append(
            support.result(
                f"{NAME}_full",
                size,
                full,
                baseline_seconds=full_base,
                rows=rows,
                rows_written=written,
                runs=ROUNDS,
                target_seconds=TARGET_FULL_SECONDS,
                target_ratio=TARGET_RATIO,
                ok=full <= TARGET_FULL_SECONDS and full <= TARGET_RATIO * full_base,
            )
        )

        steady = [support.timed(rollup.goals_recompute_all)[0] for _ in range(ROUNDS)]

        def numpy_steady() -> None:
            numpy_compute(*rollup.load_for_recompute())

        steady_base = [support.timed(numpy_steady)[0] for _ in range(ROUNDS)]
        still = rollup.goals_recompute_all()
        results.append(
            support.result(
                f"{NAME}_steady",
                size,
                support.median(steady),
                baseline_seconds=support.median(steady_base),
                rows=rows,
                rows_written=still,
                runs=ROUNDS,
            )
        )

        # Leaf goals at the bottom of the deepest chains, all active up to the root.
        from django.db.models.functions import Length

        candidates = (
            Goal.objects.filter(state="active", children__isnull=True, key_results__isnull=False)
            .order_by(Length("alignment_path").desc())
            .values_list("pk", "alignment_path")
            .distinct()[: CHECK_INS * 20]
        )
        chains = {gid: [int(p) for p in path.strip("/").split("/")] for gid, path in candidates}
        depth = max(len(chain) for chain in chains.values())
        active = set(
            Goal.objects.filter(
                pk__in={g for chain in chains.values() for g in chain}, state="active"
            ).values_list("pk", flat=True)
        )
        chosen = [
            KeyResult.objects.filter(goal_id=gid).first()
            for gid, chain in chains.items()
            if len(chain) == depth and active.issuperset(chain)
        ][:CHECK_INS]
        actor = Goal.objects.filter(owner_person__user__isnull=False).first().owner_person.user
        rng = random.Random(SEED)
        times, queries = [], []
        for kr in chosen:
            value = (
                1
                if kr.kind == "milestone"
                else rng.uniform(
                    float(min(kr.start_value, kr.target_value)),
                    float(max(kr.start_value, kr.target_value)),
                )
            )
            with CaptureQueriesContext(connection) as ctx, support.Stopwatch() as sw:
                services.check_in_create(
                    actor=actor, key_result=kr, value=round(value, 2), confidence="on_track"
                )
            times.append(sw.seconds)
            queries.append(len(ctx))
        # The incremental roll-ups left the same figures a full recomputation would.
        drift = rollup.goals_recompute_all()
        median_ms = support.median(times) * 1000
        results.append(
            support.result(
                "goal_check_in",
                size,
                support.median(times),
                median_ms=round(median_ms, 2),
                p95_ms=round(support.percentile(times, 95) * 1000, 2),
                queries=max(queries),
                depth=depth,
                check_ins=len(times),
                rows_fixed_by_recompute_after=drift,
                target_ms=TARGET_CHECK_IN_MS,
                ok=median_ms <= TARGET_CHECK_IN_MS and drift == 0,
            )
        )
    return results
