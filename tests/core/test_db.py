"""``atomic_retrying``: a request refused for a lock conflict is run again, whole."""

import pytest
from django.db import OperationalError, connection, transaction

from cadence.accounts.models import User
from cadence.core.db import atomic_retrying, is_lock_conflict


class FakeDriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def refused(sqlstate: str) -> OperationalError:
    error = OperationalError("refused")
    error.__cause__ = FakeDriverError(sqlstate)
    return error


def test_only_deadlocks_and_serialisation_failures_count_as_lock_conflicts() -> None:
    assert is_lock_conflict(refused("40P01"))
    assert is_lock_conflict(refused("40001"))
    assert not is_lock_conflict(refused("53300"))  # too many connections
    assert not is_lock_conflict(OperationalError("database is locked"))


@pytest.mark.django_db(transaction=True)
def test_a_refused_run_is_rolled_back_and_run_again() -> None:
    runs: list[int] = []

    @atomic_retrying
    def sign_up(email: str) -> str:
        runs.append(1)
        User.objects.create_user(email)
        if len(runs) < 3:
            raise refused("40P01")
        return "saved"

    assert sign_up("kim@example.com") == "saved"
    assert len(runs) == 3
    # The two refused runs left nothing behind.
    assert User.objects.filter(email="kim@example.com").count() == 1


@pytest.mark.django_db(transaction=True)
def test_gives_up_after_the_last_attempt_and_on_other_errors() -> None:
    runs: list[int] = []

    @atomic_retrying(attempts=2)
    def always_refused() -> None:
        runs.append(1)
        raise refused("40001")

    with pytest.raises(OperationalError):
        always_refused()
    assert len(runs) == 2

    @atomic_retrying
    def broken() -> None:
        runs.append(1)
        raise refused("53300")

    with pytest.raises(OperationalError):
        broken()
    assert len(runs) == 3


@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_the_error_propagates_at_once() -> None:
    runs: list[int] = []

    @atomic_retrying
    def refused_once() -> None:
        runs.append(1)
        raise refused("40P01")

    with pytest.raises(OperationalError), transaction.atomic():
        assert connection.in_atomic_block
        refused_once()
    assert len(runs) == 1
