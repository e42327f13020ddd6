"""The API's lists behind a real gunicorn: first page, a deep page, and throughput.

On a copy of the goal workloads' dataset (``bench/goals_data.py``: 100,000 people and
~300,000 goals), gunicorn serves Cadence with production settings (2 sync workers,
DEBUG off) on 127.0.0.1, and a plain employee's personal API token reads
``/api/v1/people`` and ``/api/v1/goals`` 200 rows at a time:

- ``first_page``: the first page, RUNS requests one after the other;
- ``deep_page``: page DEEP_PAGE (reached by following ``next`` cursors), the same way —
  with offset pagination it cost three times the first page;
- ``throughput``: CONCURRENCY clients asking for the first page for SECONDS seconds.

Target (issue #6): ≤ 15 ms median for 200 rows on any page, ≥ 100 requests/s at
concurrency 4 (the client runs on the same machine and takes its share of the CPU).
"""

import contextlib
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import support

NAME = "api"
DEFAULT_SIZE = 100_000
PAGE_SIZE = 200
DEEP_PAGE = 100
RUNS = 30
WARMUP = 3
CONCURRENCY = 4
SECONDS = 10.0
WORKERS = 2
TARGET_MS = 15.0
TARGET_REQUESTS_PER_S = 100.0
HOST = "127.0.0.1"  # never anything else: the workload talks only to its own server
LISTS = {"people": "/api/v1/people", "goals": "/api/v1/goals"}


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Api:
    """GETs with the token against the local server; raises on anything but 200."""

    def __init__(self, port: int, secret: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {secret}", "Host": HOST}

    def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request("GET", f"{path}?{urlencode(params)}", headers=self.headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"{path} {params} answered {response.status}: {body[:300]!r}")
        return json.loads(body)


def make_token(db: Path, var_dir: Path) -> str:
    """A personal API token of a plain employee (what they see is what a script sees)."""
    support.use_database(db, var_dir)
    from bench.workloads import directory
    from cadence.accounts.services import api_token_create

    _manager, employee = directory.pick_people()
    _token, secret = api_token_create(actor=employee.user, name="bench")
    support.close_database()
    return secret


@contextlib.contextmanager
def gunicorn(db: Path, var_dir: Path, port: int) -> Iterator[subprocess.Popen]:
    """gunicorn with production settings on HOST:port; stopped (its own pid) afterwards."""
    env = support.env_for(
        db,
        var_dir,
        CADENCE_DEBUG="0",
        CADENCE_HTTPS="0",
        CADENCE_ALLOWED_HOSTS=HOST,
        CADENCE_STATIC_ROOT=str(support.cache_dir() / "static"),
        CADENCE_LOG_LEVEL="WARNING",
    )
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "cadence.wsgi",
        "--workers",
        str(WORKERS),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    log = (var_dir / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
        command, cwd=support.REPO, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        log.close()


def wait_until_ready(api: Api, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            api.get(LISTS["people"], {"page_size": 1})
            return
        except (OSError, RuntimeError):
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")


def deep_cursor(api: Api, path: str) -> tuple[str | None, int]:
    """The cursor of page DEEP_PAGE (or of the last page, for a shorter list)."""
    cursor, page = None, 1
    while page < DEEP_PAGE:
        params: dict[str, Any] = {"page_size": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        following = api.get(path, params)["next"]
        if following is None:
            break
        cursor, page = following, page + 1
    return cursor, page


def latency(api: Api, path: str, params: dict[str, Any]) -> dict[str, Any]:
    rows = len(api.get(path, params)["items"])
    times = support.timed_runs(lambda: api.get(path, params), runs=RUNS, warmup=WARMUP)
    median_ms = support.median(times) * 1000
    return {
        "seconds": support.median(times),
        "median_ms": round(median_ms, 2),
        "p95_ms": round(support.percentile(times, 95) * 1000, 2),
        "rows": rows,
        "runs": RUNS,
        "target_ms": TARGET_MS,
        "ok": median_ms <= TARGET_MS,
    }


def throughput(api: Api, path: str) -> dict[str, Any]:
    counts = [0] * CONCURRENCY
    rows = [0] * CONCURRENCY
    errors: list[BaseException] = []
    deadline = time.monotonic() + SECONDS

    def client(i: int) -> None:
        try:
            while time.monotonic() < deadline:
                rows[i] += len(api.get(path, {"page_size": PAGE_SIZE})["items"])
                counts[i] += 1
        except BaseException as error:  # reported below, after the other clients stop
            errors.append(error)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)
    elapsed = time.monotonic() - started
    if errors:
        raise RuntimeError(f"a client failed: {errors[0]!r}")
    per_s = sum(counts) / elapsed
    return {
        "seconds": elapsed,
        "requests": sum(counts),
        "requests_per_s": round(per_s, 1),
        "rows_per_s": round(sum(rows) / elapsed),
        "concurrency": CONCURRENCY,
        "target_requests_per_s": TARGET_REQUESTS_PER_S,
        "ok": per_s >= TARGET_REQUESTS_PER_S,
    }


def run(args: Namespace) -> list[dict[str, Any]]:
    from bench.goals_data import goals_database

    size = args.size or DEFAULT_SIZE
    source = goals_database(size, args.fresh)
    rows: list[dict[str, Any]] = []
    with support.work_dir() as tmp:
        db = support.copy_database(source, tmp / "cadence.sqlite3")
        secret = make_token(db, tmp)
        port = free_port()
        with gunicorn(db, tmp, port) as server:
            api = Api(port, secret)
            wait_until_ready(api, server)
            for name, path in LISTS.items():
                cursor, page = deep_cursor(api, path)
                measures = [
                    ("first_page", latency(api, path, {"page_size": PAGE_SIZE})),
                    (
                        "deep_page",
                        {
                            **latency(api, path, {"page_size": PAGE_SIZE, "cursor": cursor or ""}),
                            "page": page,
                        },
                    ),
                    ("throughput", throughput(api, path)),
                ]
                for measure, row in measures:
                    support.log(
                        f"{size:>7,} {name:<7} {measure:<11} "
                        + "  ".join(
                            f"{k} {row[k]}"
                            for k in ("median_ms", "p95_ms", "requests_per_s")
                            if k in row
                        )
                    )
                    rows.append(
                        support.result(
                            NAME,
                            size,
                            row.pop("seconds"),
                            list=name,
                            measure=measure,
                            page_size=PAGE_SIZE,
                            workers=WORKERS,
                            **row,
                        )
                    )
    return rows
