"""Running pieces of work at the same moment, each in its own thread and connection."""

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(*work: Callable[[], object]) -> list[BaseException]:
    """Start every callable together (a barrier) and return what they raised."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(fn: Callable[[], object]) -> None:
        try:
            barrier.wait()
            fn()
        except BaseException as exc:  # noqa: BLE001 — returned to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
