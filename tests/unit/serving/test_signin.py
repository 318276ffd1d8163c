"""Sign-in: right credentials pass, guessing is slowed to a crawl."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from assistant.serving.accounts import Accounts
from assistant.serving.signin import SignIn
from tests.unit.serving.asgi import answering, post

# Argon2 at its cheapest: these tests count attempts, they do not time them.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _one(name: str, password: str) -> Accounts:
    return Accounts.single(name, password, hasher=FAST)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def signin(clock):
    return SignIn(_one("ada", "correct horse"), free_attempts=3, first_delay=10, clock=clock)


def test_the_right_username_and_password_sign_in(signin):
    assert signin("ada", "correct horse")


@pytest.mark.parametrize(("username", "password"), [("ada", "wrong"), ("bob", "correct horse")])
def test_a_wrong_username_or_password_is_refused(signin, username, password):
    assert not signin(username, password)


def test_a_name_signs_in_whatever_its_case_and_surrounding_spaces(signin):
    assert signin(" ADA ", "correct horse")


def test_each_account_of_a_users_file_signs_in_with_its_own_password(clock):
    accounts = Accounts(hasher=FAST)
    accounts.add("ada", "correct horse", "admin")
    accounts.add("bob", "battery staple")
    signin = SignIn(accounts, clock=clock)
    assert signin("bob", "battery staple")
    assert not signin("bob", "correct horse")


def test_a_few_failures_do_not_lock_a_name_out(signin):
    signin("ada", "typo1")
    signin("ada", "typo2")
    assert not signin.locked("ada")
    assert signin("ada", "correct horse")


def test_repeated_failures_refuse_even_the_right_password_for_a_while(signin, clock):
    for guess in range(3):
        signin("ada", f"guess{guess}")
    assert signin.locked("ada")
    assert not signin("ada", "correct horse")
    clock.now += 11
    assert signin("ada", "correct horse")


def test_the_lock_out_doubles_with_each_further_failure(signin, clock):
    for guess in range(3):
        signin("ada", f"guess{guess}")
    clock.now += 11
    signin("ada", "guess3")
    clock.now += 11
    assert signin.locked("ada")
    clock.now += 10
    assert not signin.locked("ada")


def test_the_lock_out_never_exceeds_its_maximum(clock):
    signin = SignIn(_one("ada", "pw"), free_attempts=1, first_delay=10, max_delay=60, clock=clock)
    for guess in range(10):
        clock.now += 61
        signin("ada", f"guess{guess}")
    clock.now += 61
    assert not signin.locked("ada")


def test_failures_for_a_name_without_an_account_leave_the_real_one_alone(signin):
    for guess in range(3):
        signin("mallory", f"guess{guess}")
    assert not signin.locked("mallory")  # nothing to protect, nothing recorded
    assert signin("ada", "correct horse")


def test_a_lock_out_survives_a_flood_of_invented_names(signin):
    for guess in range(3):
        signin("ada", f"guess{guess}")
    for n in range(20_000):
        signin(f"invented-{n}", "x")
    assert signin.locked("ada")
    assert not signin("ada", "correct horse")


def test_a_successful_sign_in_clears_earlier_failures(signin):
    signin("ada", "typo1")
    signin("ada", "typo2")
    signin("ada", "correct horse")
    signin("ada", "typo3")
    assert not signin.locked("ada")


def _login(throttle, address: str) -> int:
    return post(throttle, address, "/login")


def test_an_address_guessing_at_many_names_gets_429_after_its_failures(clock):
    from assistant.serving.signin import SignInThrottle

    throttle = SignInThrottle(answering(401), max_failures=3, window=60, clock=clock)
    assert [_login(throttle, "10.0.0.9") for _ in range(4)] == [401, 401, 401, 429]
    assert _login(throttle, "10.0.0.7") == 401  # another address is not affected
    clock.now += 61
    assert _login(throttle, "10.0.0.9") == 401  # its failures aged out


def test_a_strangers_failures_never_lock_the_owner_out_from_their_own_address(signin):
    for _ in range(10):
        signin("ada", "guess", "203.0.113.9")
    assert signin.locked("ada", "203.0.113.9")
    assert signin("ada", "correct horse", "198.51.100.4")  # at the first try


def test_a_locked_name_is_still_checked_against_a_decoy_so_timing_tells_nothing(clock):
    accounts = _one("ada", "correct horse")
    checked: list[str] = []
    verify = accounts.verify
    accounts.verify = lambda name, password: checked.append(name) or verify(name, password)  # type: ignore[method-assign]
    signin = SignIn(accounts, free_attempts=1, first_delay=60, clock=clock)
    signin("ada", "guess", "203.0.113.9")
    assert signin.locked("ada", "203.0.113.9")
    checked.clear()
    assert not signin("ada", "correct horse", "203.0.113.9")
    assert len(checked) == 1  # a hash was computed, as for any other attempt


def test_hashing_runs_off_the_event_loop_in_a_small_pool(clock):
    import asyncio
    import threading

    accounts = _one("ada", "correct horse")
    threads: list[threading.Thread] = []
    verify = accounts.verify
    accounts.verify = lambda name, password: (
        threads.append(threading.current_thread()) or verify(name, password)
    )  # type: ignore[method-assign]
    signin = SignIn(accounts, clock=clock)
    assert asyncio.run(signin.check("ada", "correct horse"))
    assert threads and threads[0] is not threading.main_thread()


def test_a_name_guessed_at_from_everywhere_makes_every_attempt_wait_first(clock, monkeypatch):
    import asyncio

    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr("anyio.sleep", sleep)
    signin = SignIn(_one("ada", "correct horse"), account_ceiling=3, ceiling_wait=1.0)
    for n in range(3):
        signin("ada", "guess", f"203.0.113.{n}")
    assert asyncio.run(signin.check("ada", "correct horse"))  # slowed, not refused
    assert waited == [1.0]


def test_every_sign_in_right_or_wrong_counts_against_its_addresss_minute(clock):
    from assistant.serving.signin import SignInThrottle

    throttle = SignInThrottle(answering(200), max_attempts=3, clock=clock)
    assert [_login(throttle, "10.0.0.9") for _ in range(4)] == [200, 200, 200, 429]
    assert _login(throttle, "10.0.0.7") == 200
    clock.now += 61
    assert _login(throttle, "10.0.0.9") == 200


def test_sign_in_failures_are_counted_locally_while_redis_is_away(clock):
    from assistant.serving.signin import RedisFailures

    failures = RedisFailures("redis://127.0.0.1:1/0")  # nothing listens there
    signin = SignIn(_one("ada", "correct horse"), free_attempts=2, clock=clock, failures=failures)
    assert not signin("ada", "guess", "203.0.113.9")
    assert not signin("ada", "guess", "203.0.113.9")
    assert signin.locked("ada", "203.0.113.9")
    assert signin("ada", "correct horse", "198.51.100.4")
