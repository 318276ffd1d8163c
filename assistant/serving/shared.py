"""Counts shared by every replica through Redis, kept by each replica alone while it is away.

A Redis outage must not turn a sign-in or an upload into a 500: each call that
uses Redis has a local twin, used (and logged once) until Redis answers again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def redis_client(url: str) -> Any:
    """A Redis client that gives up in 2 s (a dead Redis costs a request that long, once)."""
    import redis

    return redis.Redis.from_url(
        url, socket_connect_timeout=2, socket_timeout=2, decode_responses=True
    )


class Fallback:
    """Runs a shared call, or its local twin while Redis is away; says so when it changes."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._away = False

    def __call__(self, shared: Callable[[], T], local: Callable[[], T]) -> T:
        """``shared()``; ``local()`` when Redis cannot be reached."""
        import redis

        try:
            result = shared()
        except redis.RedisError as exc:
            if not self._away:
                log.warning("%s are counted in this replica alone: %s", self._what, exc)
            self._away = True
            return local()
        if self._away:
            log.warning("%s are shared through Redis again.", self._what)
        self._away = False
        return result
