"""The progress roll-up: stored progress kept in step with the rule in
``cadence.goals.progress``.

* ``rollup_from``: whatever changes below a goal (a check-in, a weight, an alignment, a
  state) recomputes that goal and its ancestors only — work proportional to the depth
  of the tree, a constant number of queries. The goal services call it inside their
  own transaction.
* ``lock_chain``: the one lock order for every write to the goal tree (ancestors
  before descendants, goals before key results); ``goals.access`` takes it too before
  an edit page validates its form.
* ``goals_recompute_all``: everything from scratch, after imports and by
  ``cadence goals-recompute``; ``compute_all`` is its pure-Python core.
"""

from typing import Any

from django.db import connection, transaction
from django.db.models import F, FloatField, QuerySet, Sum
from django.db.models.functions import Length

from cadence.accounts.types import Actor
from cadence.core.audit import audit
from cadence.goals.models import Goal, KeyResult
from cadence.goals.progress import COUNTED_STATES, goal_progress, key_result_progress


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _sum_weighted(rows: Any, group: str, **filters: Any) -> dict[int, tuple[float, float]]:
    """{group id: (Σ weight, Σ weight × progress)} in one aggregate query."""
    if not isinstance(rows, QuerySet):
        rows = rows.objects.all()
    rows = (
        rows.filter(**filters)
        .values(group)
        .annotate(
            w=Sum("weight", output_field=FloatField()),
            wp=Sum(F("weight") * F("progress"), output_field=FloatField()),
        )
        .values_list(group, "w", "wp")
        .order_by()
    )
    return {gid: (float(w or 0), float(wp or 0)) for gid, w, wp in rows}


def lock_chain(*paths: str) -> list[tuple]:
    """Lock the goals of one or more alignment chains and return their
    (id, state, weight, progress).

    Every write that touches the tree locks this way, in one statement ordered by
    (path length, id) — ancestors before descendants, and one global order across
    trees — and goals before key results, so two transactions never wait for each other
    in a circle (PostgreSQL; SQLite serialises writers anyway). FOR NO KEY UPDATE: it
    does not conflict with the key-share lock that inserting a child or a key result
    takes on its goal."""
    ids = sorted({pk for path in paths if path for pk in _path_ids(path)})
    return list(
        Goal.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by(Length("alignment_path"), "pk")
        .values_list("pk", "state", "weight", "progress")
    )


def rollup_from(
    goal_id: int, *, path: str | None = None, locked: list[tuple] | None = None
) -> dict[int, float]:
    """Recompute a goal and every goal above it, bottom-up, and store what changed.

    Constant number of queries whatever the size of the tree: the chain is read from
    ``alignment_path`` and locked (``lock_chain``), then one aggregate over the chain's
    key results and one over the chain's other counted children. Returns {goal id: new progress}.
    """
    if path is None:
        path = Goal.objects.filter(pk=goal_id).values_list("alignment_path", flat=True).first()
    if path is None:
        return {}
    chain = _path_ids(path) or [goal_id]
    if locked is None:
        locked = lock_chain(path)
    rows = {gid: (state, weight, progress) for gid, state, weight, progress in locked}
    key_results = _sum_weighted(KeyResult, "goal_id", goal_id__in=chain)
    # The chain's own members are left out: their new progress is computed here.
    children = _sum_weighted(
        Goal.objects.exclude(pk__in=chain),
        "parent_id",
        parent_id__in=chain,
        state__in=COUNTED_STATES,
        visibility=Goal.Visibility.PUBLIC,
    )
    changed: dict[int, float] = {}
    below: tuple[float, float] | None = None  # (weight, progress) of the chain child
    for gid in reversed(chain):
        state, weight, old = rows[gid]
        kw, kwp = key_results.get(gid, (0.0, 0.0))
        cw, cwp = children.get(gid, (0.0, 0.0))
        total_w, total_wp = kw + cw, kwp + cwp
        if below is not None:
            total_w += below[0]
            total_wp += below[0] * below[1]
        if total_w > 0:
            new = min(1.0, max(0.0, total_wp / total_w))
        else:
            new = goal_progress([], state=state)
        if abs(new - old) > 1e-12:
            changed[gid] = new
        below = (float(weight), new) if state in COUNTED_STATES else None
    for gid, value in changed.items():
        Goal.objects.filter(pk=gid).update(progress=value)
    return changed


# --- full recomputation ---------------------------------------------------------------


def compute_all(
    goals: list[tuple[int, int | None, float, str, float]],
    key_results: list[tuple[int, int, str, str, Any, Any, Any, float, float]],
) -> tuple[dict[int, float], list[tuple[float, int]], list[tuple[float, int]]]:
    """The whole organisation's progress, in plain Python.

    ``goals``: (id, parent id, weight, state, stored progress);
    ``key_results``: (id, goal id, kind, direction, start, target, current, weight,
    stored progress). Returns ({goal id: progress}, changed goals, changed key results)
    with the changed rows as (progress, id) pairs ready for ``executemany``.
    """
    index = {row[0]: i for i, row in enumerate(goals)}
    n = len(goals)
    sum_w = [0.0] * n
    sum_wp = [0.0] * n
    kr_changed = []
    for kr_id, goal_id, kind, direction, start, target, current, weight, stored in key_results:
        p = key_result_progress(
            kind=kind, direction=direction, start=start, target=target, current=current
        )
        if abs(p - stored) > 1e-9:
            kr_changed.append((p, kr_id))
        i = index[goal_id]
        w = float(weight)
        sum_w[i] += w
        sum_wp[i] += w * p
    parent_index = [index.get(row[1], -1) if row[1] is not None else -1 for row in goals]
    # Depth of every goal (memoised walk up), then deepest first.
    depth = [-1] * n
    for i in range(n):
        if depth[i] >= 0:
            continue
        trail = []
        j = i
        while j >= 0 and depth[j] < 0:
            trail.append(j)
            j = parent_index[j]
        d = depth[j] if j >= 0 else -1
        for k in reversed(trail):
            d += 1
            depth[k] = d
    order = sorted(range(n), key=depth.__getitem__, reverse=True)
    progress = [0.0] * n
    for i in order:
        gid, _parent, weight, state, _stored = goals[i]
        if sum_w[i] > 0:
            p = sum_wp[i] / sum_w[i]
            p = 0.0 if p < 0 else 1.0 if p > 1 else p
        else:
            p = 1.0 if state == "completed" else 0.0
        progress[i] = p
        parent = parent_index[i]
        if parent >= 0 and state in COUNTED_STATES:
            w = float(weight)
            sum_w[parent] += w
            sum_wp[parent] += w * p
    goal_changed = [
        (progress[i], goals[i][0]) for i in range(n) if abs(progress[i] - goals[i][4]) > 1e-9
    ]
    return {goals[i][0]: progress[i] for i in range(n)}, goal_changed, kr_changed


def load_for_recompute() -> tuple[list[tuple], list[tuple]]:
    """The rows ``compute_all`` needs, straight from the cursor: at a million rows the
    ORM's per-value conversions would cost more than the computation itself. Numbers
    arrive as int/float (SQLite) or Decimal (PostgreSQL); ``compute_all`` takes both.
    Only public goals are aligned (a constraint), so the parent link is all we need."""
    goals_table = connection.ops.quote_name(Goal._meta.db_table)
    krs_table = connection.ops.quote_name(KeyResult._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, parent_id, weight, state, progress FROM {goals_table}"  # noqa: S608
        )
        goals = cursor.fetchall()
        columns = (
            "id, goal_id, kind, direction, start_value, target_value, current_value, weight,"
            " progress"
        )
        cursor.execute(f"SELECT {columns} FROM {krs_table}")  # noqa: S608
        key_results = cursor.fetchall()
    return goals, key_results


@transaction.atomic
def goals_recompute_all(*, actor: Actor | None = None) -> int:
    """Recompute the progress of every key result and goal from scratch and store what
    differs. Returns the number of rows written. Used after imports and by
    ``cadence goals-recompute``; the incremental roll-up keeps things consistent
    otherwise."""
    goals, key_results = load_for_recompute()
    _progress, goal_changed, kr_changed = compute_all(goals, key_results)
    with connection.cursor() as cursor:
        if kr_changed:
            cursor.executemany(
                f"UPDATE {KeyResult._meta.db_table} SET progress = %s WHERE id = %s",  # noqa: S608
                kr_changed,
            )
        if goal_changed:
            cursor.executemany(
                f"UPDATE {Goal._meta.db_table} SET progress = %s WHERE id = %s",  # noqa: S608
                goal_changed,
            )
    written = len(goal_changed) + len(kr_changed)
    if written:
        audit(
            actor=actor,
            action="goals.recompute",
            summary=f"{written} rows recomputed",
            data={"goals": len(goal_changed), "key_results": len(kr_changed)},
        )
    return written
