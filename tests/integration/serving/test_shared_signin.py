"""Replicas sharing a Redis count failed sign-ins together: a lock-out holds on every one."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from assistant.serving.accounts import Accounts
from assistant.serving.signin import RedisFailures, SignIn

pytestmark = pytest.mark.server

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def replicas(redis_url):
    """Two replicas' sign-ins over the same accounts and the same Redis."""
    accounts = Accounts.single("ada", "correct horse", hasher=FAST)

    def replica() -> SignIn:
        return SignIn(
            accounts,
            free_attempts=3,
            first_delay=600,
            failures=RedisFailures(redis_url),
        )

    return replica(), replica()


def test_failures_on_one_replica_lock_the_name_out_on_the_other(replicas):
    first, second = replicas
    for guess in range(3):
        assert not first("ada", f"guess{guess}")
    assert second.locked("ada")
    assert not second("ada", "correct horse")


def test_failures_spread_over_replicas_add_up(replicas):
    first, second = replicas
    first("ada", "guess0")
    second("ada", "guess1")
    first("ada", "guess2")
    assert first.locked("ada") and second.locked("ada")


def test_signing_in_on_one_replica_clears_the_count_on_every_one(replicas):
    first, second = replicas
    first("ada", "typo1")
    first("ada", "typo2")
    assert second("ada", "correct horse")
    first("ada", "typo3")
    assert not first.locked("ada")
