"""Transactions that survive PostgreSQL refusing one side of a lock conflict.

Writes to the goal tree lock whole chains in one global order (see
``cadence.goals.rollup.lock_chain``), and a page that may re-align a goal locks the
requested parent's chain up front, so no deadlock is known. This is the safety net for
one nobody foresaw: PostgreSQL aborts one side after ``deadlock_timeout``, and
re-running that request from the start is safe — nothing it did was committed — so the
user sees their change saved instead of an error.
"""

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection, transaction

# deadlock_detected, serialization_failure
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})

logger = logging.getLogger(__name__)


def is_lock_conflict(error: BaseException) -> bool:
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


def atomic_retrying(func: Callable[..., Any] | None = None, *, attempts: int = 3) -> Any:
    """Like ``transaction.atomic`` as a decorator, re-running the whole function in a new
    transaction when the database refused it for a lock conflict. Inside an outer
    transaction it cannot start over, so the error propagates unchanged."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(1, attempts + 1):
                try:
                    with transaction.atomic():
                        return fn(*args, **kwargs)
                except OperationalError as error:
                    if (
                        attempt == attempts
                        or connection.in_atomic_block
                        or not is_lock_conflict(error)
                    ):
                        raise
                    logger.warning(
                        "%s: %s; running it again (attempt %d of %d)",
                        fn.__qualname__,
                        error,
                        attempt + 1,
                        attempts,
                    )
                # Jitter, so the two sides do not collide again at once.
                time.sleep(random.uniform(0.01, 0.05) * attempt)
            raise AssertionError("unreachable")

        return wrapper

    return decorate(func) if func is not None else decorate
