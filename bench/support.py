"""Shared helpers for workloads: a fresh database, Cadence in a subprocess or in-process,
and timing. See bench/README.md.

Every workload works in a temporary directory of its own; nothing here touches ``var/``
or the developer's database.
"""

import contextlib
import hashlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Fixed so that a workload never writes a generated key anywhere.
BENCH_SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdef"  # noqa: S105


def log(message: str) -> None:
    """Progress for humans: stderr, so stdout stays one JSON object per line."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- databases and subprocesses ------------------------------------------------------


def database_url(db: Path) -> str:
    return f"sqlite:///{Path(db).resolve()}"


def env_for(db: Path, var_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a ``cadence`` subprocess working on the SQLite file ``db``.

    Inherited CADENCE_*/DJANGO_*/DATABASE_URL variables are dropped so that a
    developer's shell settings cannot point a benchmark at a real database.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CADENCE_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=database_url(db),
        DJANGO_SETTINGS_MODULE="cadence.settings",
        CADENCE_DEBUG="1",
        CADENCE_HTTPS="0",
        CADENCE_SECRET_KEY=BENCH_SECRET_KEY,
        CADENCE_VAR_DIR=str(var_dir or Path(db).resolve().parent),
    )
    env.update(extra)
    return env


def cadence(
    *args: str,
    db: Path,
    var_dir: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 3600,
) -> subprocess.CompletedProcess:
    """Run ``cadence ARGS`` against ``db`` in a subprocess; raises with its output on failure."""
    result = subprocess.run(
        [sys.executable, "-m", "cadence", *args],
        cwd=REPO,
        env=env_for(db, var_dir, **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"cadence {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


def fresh_database(directory: Path, name: str = "cadence.sqlite3") -> Path:
    """An empty, fully migrated SQLite database in ``directory``; returns its path."""
    db = Path(directory) / name
    if db.exists():
        raise FileExistsError(db)
    cadence("migrate", "--no-input", db=db, var_dir=Path(directory))
    return db


def copy_database(source: Path, target: Path) -> Path:
    """Copy a SQLite database consistently (WAL included) with SQLite's backup API."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    return target


def cache_dir() -> Path:
    """Where workloads may keep expensive inputs (seeded databases) between runs.

    Outside the repository: ``$CADENCE_BENCH_CACHE`` or ``<tmp>/cadence-bench-cache``.
    """
    path = Path(
        os.environ.get("CADENCE_BENCH_CACHE") or Path(tempfile.gettempdir()) / "cadence-bench-cache"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def source_fingerprint(*patterns: str) -> str:
    """A short hash of the repository files matching the glob ``patterns``: a cache key
    that changes whenever the code producing a cached input changes."""
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(REPO.glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cached_file(
    key: str, build: Callable[[Path], None], *, fresh: bool = False, replaces: str = ""
) -> Path:
    """``cache_dir()/key``, built by ``build(path)`` when missing (or when ``fresh``).

    ``build`` writes to a temporary name, so an interrupted build is never cached.
    ``replaces``: a glob of older versions of this file, deleted once it is rebuilt
    (a 100,000-person database is ~100 MB).
    """
    path = cache_dir() / key
    if path.exists() and not fresh:
        return path
    for old in cache_dir().glob(replaces) if replaces else ():
        if old != path and ".partial-" not in old.name:
            old.unlink(missing_ok=True)
    partial = path.with_name(path.name + f".partial-{os.getpid()}")
    try:
        build(partial)
        partial.replace(path)
    finally:
        if partial.exists():
            partial.unlink()
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink()
    return path


# --- Django in this process ------------------------------------------------------------

_django_ready = False


def use_database(db: Path, var_dir: Path | None = None) -> None:
    """Point Django, in this process, at the SQLite file ``db`` (already migrated).

    The first call sets Django up with ``bench.settings`` (production settings, minus
    HTTPS redirects and hashed static files); later calls switch the connection to
    another file, so several workloads can run one after the other.
    """
    global _django_ready
    from_env = {
        k: v for k, v in env_for(db, var_dir).items() if k.startswith(("CADENCE_", "DATABASE_URL"))
    }
    if not _django_ready:
        # Whitenoise warns when STATIC_ROOT is missing, and the first var dir may be
        # gone by the time a later workload builds its middleware.
        static_root = cache_dir() / "static"
        static_root.mkdir(exist_ok=True)
        os.environ.update(from_env, CADENCE_STATIC_ROOT=str(static_root))
        os.environ["CADENCE_DEBUG"] = "0"
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        import django

        django.setup()
        _django_ready = True
        return
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = str(Path(db).resolve())


def close_database() -> None:
    """Close Django's connections (before deleting the directory holding the file)."""
    if _django_ready:
        from django.db import connections

        connections.close_all()


# --- timing ------------------------------------------------------------------------------


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.seconds``."""

    seconds: float = 0.0

    def __enter__(self) -> "Stopwatch":
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def small_then_large(
    measure: Callable[[int], list[dict[str, Any]]], size: int, small: int
) -> list[dict[str, Any]]:
    """Pages measured at ``small`` then at ``size``: the goal is two-fold, fast and as many
    queries as on a small organisation, so each large row names the small one's count
    (``queries_at_<small>``) and is ok only when they are equal. Rows with an ``error``
    (a page that could not be measured) are passed on as they are."""
    rows = measure(small)
    if size == small:
        return rows
    baseline = {row["page"]: row.get("queries") for row in rows}
    big = measure(size)
    for row in big:
        if "error" in row:
            continue
        row[f"queries_at_{small}"] = baseline[row["page"]]
        row["ok"] = row["ok"] and row["queries"] == baseline[row["page"]]
    return rows + big


def timed[T](fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds one call of ``fn`` took, and what it returned."""
    with Stopwatch() as sw:
        out = fn()
    return sw.seconds, out


def sweep_rounds(
    sweep: Callable[[], int],
    baseline: Callable[[], int],
    *,
    rounds: int,
    reset: Callable[[], None],
    check: Callable[[int, int], None],
    line: str = "",
) -> tuple[list[float], list[float], int]:
    """A sweep against its set-based baseline, interleaved ``rounds`` times from the same
    state (``reset`` before each round; the sweep's rows stay after the last one), each
    round's counts checked by ``check(created, baseline_rows)``. Returns the sweep's
    seconds, the baseline's and what the last sweep created."""
    product: list[float] = []
    base: list[float] = []
    created = 0
    prefix = f"{line} " if line else ""
    for round_ in range(rounds):
        reset()
        seconds, created = timed(sweep)
        product.append(seconds)
        log(f"{prefix}round {round_ + 1}: sweep {seconds:.2f} s ({created:,} notifications)")
        seconds, plain = timed(baseline)
        base.append(seconds)
        log(f"{prefix}round {round_ + 1}: INSERT … SELECT {seconds:.2f} s ({plain:,} rows)")
        check(created, plain)
    return product, base, created


def timed_runs(fn: Callable[[], Any], *, runs: int, warmup: int = 1) -> list[float]:
    """Seconds taken by each of ``runs`` calls of ``fn`` (after ``warmup`` untimed calls)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median(values: Iterable[float]) -> float:
    return statistics.median(values)


def percentile(values: Iterable[float], p: float) -> float:
    """The ``p``-th percentile (0–100), nearest-rank: an observed value, not interpolated."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, -(-len(ordered) * p // 100))  # ceil without floats
    return ordered[int(rank) - 1]


def median_of(fn: Callable[[], Any], *, runs: int, warmup: int = 1) -> float:
    """Median seconds of ``runs`` calls of ``fn``."""
    return median(timed_runs(fn, runs=runs, warmup=warmup))


def result(workload: str, size: int, seconds: float, **extra: Any) -> dict[str, Any]:
    """One output line. Pass ``baseline_seconds=`` to get ``ratio`` (seconds / baseline)."""
    row: dict[str, Any] = {"workload": workload, "size": size, "seconds": round(seconds, 4)}
    baseline = extra.pop("baseline_seconds", None)
    if baseline is not None:
        row["baseline_seconds"] = round(baseline, 4)
        row["ratio"] = round(seconds / baseline, 2) if baseline > 0 else None
    row.update(extra)
    # Other work on the machine moves every figure: keep the conditions with them.
    row.setdefault("load_1m", round(os.getloadavg()[0], 2))
    return row


@contextlib.contextmanager
def work_dir(prefix: str = "cadence-bench-") -> Iterator[Path]:
    """A temporary directory, removed afterwards (Django's connections closed first)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        close_database()
        shutil.rmtree(path, ignore_errors=True)
