"""Checking the chat app's sign-in, with a growing lock-out after failed attempts.

Gradio accepts an ``auth`` callable; a plain ``(username, password)`` pair lets
a script try passwords as fast as the server answers. After a few failures for
a name *from one address*, further attempts for that name from that address are
refused until a delay passes, and the delay doubles with each further failure:
a stranger elsewhere cannot lock the owner out. Past a ceiling of failures for a
name from anywhere, every attempt for it waits a second first, which slows
distributed guessing without refusing the owner. Only names with an account are
counted, so no flood of invented names can evict a lock-out; an unknown or
locked name is still checked against a decoy hash, so the answer's timing does
not tell which names exist. Hashing runs in a small thread pool, never on the
event loop that answers everyone's questions.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from assistant.serving.accounts import Accounts, account_key
from assistant.serving.guards import (
    AsgiApp,
    AsgiMessage,
    AsgiReceive,
    AsgiScope,
    AsgiSend,
    send_text,
)
from assistant.serving.quota import SlidingQuota
from assistant.serving.shared import Fallback, redis_client

log = logging.getLogger("assistant")

_ADDRESS: ContextVar[str] = ContextVar("assistant_signin_address", default="")
"""The address of the client whose sign-in is being checked (set by SignInThrottle)."""
HASHING_THREADS = 2
"""Sign-ins checked at once: each hash takes a core for a third of a second."""


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


class MemoryFailures:
    """Failed sign-ins per account, in this process (one app process)."""

    clock = staticmethod(time.monotonic)
    """The times of lock-outs: this process's own clock, which never jumps."""

    def __init__(self) -> None:
        self._records: dict[str, _Record] = {}

    def get(self, key: str) -> _Record | None:
        """The failures of ``key`` so far, if any."""
        return self._records.get(key)

    def fail(self, key: str) -> int:
        """Count one more failure; the count."""
        record = self._records.setdefault(key, _Record())
        record.failures += 1
        return record.failures

    def lock(self, key: str, until: float) -> None:
        """Refuse ``key`` until ``until``."""
        self._records.setdefault(key, _Record()).locked_until = until

    def clear(self, key: str) -> None:
        """Forget ``key``'s failures (it signed in)."""
        self._records.pop(key, None)


class RedisFailures:
    """Failed sign-ins per account in Redis, shared by every app replica.

    Each replica otherwise counts alone, and a client that reaches them in turn
    gets the free attempts once per replica. Times are wall-clock seconds, the
    same on every machine; a record expires a day after its last failure.
    """

    PREFIX = "assistant:signin:"
    clock = staticmethod(time.time)
    """The times of lock-outs: wall-clock seconds, the same on every replica."""

    def __init__(self, url: str) -> None:
        self._redis = redis_client(url)
        # While Redis is away each replica counts alone: sign-in goes on, never a 500.
        self._local = MemoryFailures()
        self._shared = Fallback("Sign-in failures")

    def get(self, key: str) -> _Record | None:
        """The failures of ``key`` so far, if any."""

        def shared() -> _Record | None:
            found = self._redis.hgetall(self.PREFIX + key)
            if not found:
                return None
            return _Record(int(found.get("failures", 0)), float(found.get("locked_until", 0.0)))

        return self._shared(shared, lambda: self._local.get(key))

    def fail(self, key: str) -> int:
        """Count one more failure (atomically, whichever replica counts it); the count."""
        name = self.PREFIX + key

        def shared() -> int:
            failures = int(self._redis.hincrby(name, "failures", 1))
            self._redis.expire(name, 86_400)
            return failures

        return self._shared(shared, lambda: self._local.fail(key))

    def lock(self, key: str, until: float) -> None:
        """Refuse ``key`` until ``until`` on every replica."""
        self._shared(
            lambda: self._redis.hset(self.PREFIX + key, "locked_until", until),
            lambda: self._local.lock(key, until),
        )

    def clear(self, key: str) -> None:
        """Forget ``key``'s failures (it signed in)."""
        self._shared(lambda: self._redis.delete(self.PREFIX + key), lambda: self._local.clear(key))


class SignIn:
    """A Gradio ``auth`` callable checking names and passwords against :class:`Accounts`.

    Failures are counted in ``failures``: this process's memory by default, or
    :class:`RedisFailures` shared by several replicas; each says which clock its
    times are on.
    """

    def __init__(
        self,
        accounts: Accounts,
        *,
        free_attempts: int = 5,
        first_delay: float = 1.0,
        max_delay: float = 300.0,
        clock: Callable[[], float] | None = None,
        failures: MemoryFailures | RedisFailures | None = None,
        account_ceiling: int = 50,
        ceiling_window: float = 3600.0,
        ceiling_wait: float = 1.0,
    ) -> None:
        import anyio

        self.accounts = accounts
        self.free_attempts = free_attempts
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._failures = failures or MemoryFailures()
        self._clock = clock or self._failures.clock
        self._lock = threading.Lock()
        self._anywhere = SlidingQuota(account_ceiling, window=ceiling_window)
        self.ceiling_wait = ceiling_wait
        self._hashing = anyio.CapacityLimiter(HASHING_THREADS)

    async def check(self, username: str, password: str) -> bool:
        """:meth:`__call__` for Gradio, from the event loop: hashing runs in a small pool of
        threads, and a name guessed at from everywhere waits first."""
        import anyio

        address = _ADDRESS.get()
        if self._anywhere.spent(account_key(username)[:256]):
            await anyio.sleep(self.ceiling_wait)
        return await anyio.to_thread.run_sync(
            self.__call__, username, password, address, limiter=self._hashing
        )

    def __call__(self, username: str, password: str, address: str = "") -> bool:
        """True when the password is the account's and the name is not locked out for
        ``address`` (the client's)."""
        key = account_key(username)[:256]
        if self.accounts.get(key) is None:
            # A name with no account can never sign in: nothing to count, and nothing an
            # attacker's invented names could push out of memory (a lock-out holds). The
            # password is still checked against a decoy, so the answer takes as long.
            self.accounts.verify(key, password)
            return False
        pair = f"{key}\x00{address}"
        if self.locked(username, address):
            self.accounts.verify("", password)  # the decoy: as long as a real check
            return False
        ok = self.accounts.verify(key, password)  # slow on purpose: outside the lock
        with self._lock:
            if ok:
                self._failures.clear(pair)
                return True
            self._anywhere.take(key)
            failures = self._failures.fail(pair)
            if failures >= self.free_attempts:
                delay = min(self.max_delay, self.first_delay * 2 ** (failures - self.free_attempts))
                self._failures.lock(pair, self._clock() + delay)
                log.warning(
                    "%d failed sign-ins for %r from %s; refusing them for %.0fs.",
                    failures,
                    username[:64],
                    address or "this process",
                    delay,
                )
            return False

    def locked(self, username: str, address: str = "") -> bool:
        """Whether attempts for ``username`` from ``address`` are refused right now."""
        with self._lock:
            record = self._failures.get(f"{account_key(username)[:256]}\x00{address}")
        return record is not None and self._clock() < record.locked_until


class SignOutEverySpelling:
    """ASGI middleware: signing out ends every session of the account, however its name
    was typed when each signed in ("alice", "ALICE").

    Gradio's ``/logout`` ends the sessions signed in with the name exactly as this
    session typed it. Its sessions are kept on the app (``tokens``: session to name);
    here every session whose name folds to the same account goes too, before Gradio's
    own handler clears the cookie.
    """

    def __init__(self, app: AsgiApp, *, cookie_prefix: str = "access-token") -> None:
        self.app = app
        self.cookie_prefix = cookie_prefix

    async def __call__(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).rstrip("/").endswith("/logout"):
            _forget_account(scope, self.cookie_prefix)
        await self.app(scope, receive, send)


def _forget_account(scope: AsgiScope, prefix: str) -> None:
    tokens = getattr(scope.get("app"), "tokens", None)
    if not isinstance(tokens, dict):
        return
    cookies = cookies_of(scope)
    names = {tokens.get(v) for k, v in cookies.items() if k.startswith(prefix)} - {None}
    keys = {account_key(str(name)) for name in names}
    for token, name in list(tokens.items()):
        if account_key(str(name)) in keys:
            tokens.pop(token, None)


def cookies_of(scope: AsgiScope) -> dict[str, str]:
    """The request's cookies, by name."""
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar.load(value.decode("latin-1"))
    return {key: morsel.value for key, morsel in jar.items()}


class SignInThrottle:
    """ASGI middleware: an address with ``max_failures`` refused sign-ins in ``window``
    seconds gets 429 at ``/login`` until its oldest failure ages out.

    The lock-out per name slows guesses at one account; this slows one client
    guessing at many names. Addresses are the connection's own (not a header a
    client may write), kept in bounded memory, oldest forgotten first.
    """

    def __init__(
        self,
        app: AsgiApp,
        *,
        max_failures: int = 30,
        window: float = 600.0,
        max_attempts: int = 20,
        clock: Callable[[], float] = time.monotonic,
        max_addresses: int = 10_000,
    ) -> None:
        self.app = app
        self.failures = SlidingQuota(
            max_failures, window=window, clock=clock, max_keys=max_addresses
        )
        # Every attempt counts here, right or wrong: a flood of correct sign-ins costs a
        # core each too.
        self.attempts = SlidingQuota(max_attempts, window=60.0, clock=clock, max_keys=max_addresses)

    async def __call__(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        if not _is_login(scope):
            await self.app(scope, receive, send)
            return
        # Behind nginx, uvicorn has put the visitor's address here already (it believes
        # X-Forwarded-For from FORWARDED_ALLOW_IPS, loopback by default).
        address = str((scope.get("client") or ("",))[0])
        if self.failures.spent(address) or not self.attempts.take(address):
            text = "Too many sign-ins from this address: wait a minute and try again."
            retry = str(int(self.attempts.window)).encode()
            await send_text(send, 429, text, [(b"retry-after", retry)])
            return
        _ADDRESS.set(address)

        async def watched(message: AsgiMessage) -> None:
            if message["type"] == "http.response.start" and message["status"] in (400, 401):
                self.failures.take(address)
            await send(message)

        await self.app(scope, receive, watched)


def _is_login(scope: AsgiScope) -> bool:
    return (
        scope["type"] == "http"
        and scope.get("method") == "POST"
        and str(scope.get("path", "")).rstrip("/").endswith("/login")
    )
