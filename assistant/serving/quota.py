"""How often one visitor may do something: a sliding window per visitor.

Serves the uploads a visitor may make in an hour and the failed sign-ins an
address may make in ten minutes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

HOUR = 3600.0


class SlidingQuota:
    """At most ``limit`` uses per key in any ``window`` seconds; keys beyond ``max_keys``
    are forgotten least recently used first (a key is a sign-in name or an address, not
    attacker-chosen text, so forgetting one only ever forgives an old visitor)."""

    def __init__(
        self,
        limit: int,
        *,
        window: float = HOUR,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._uses: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, count: int = 1) -> int:
        """Use up to ``count`` of ``key``'s quota; how many it may have."""
        with self._lock:
            uses = self._recent(key)
            granted = max(0, min(count, self.limit - len(uses)))
            uses.extend([self._clock()] * granted)
            while len(self._uses) > self._max_keys:
                self._uses.popitem(last=False)
            return granted

    def spent(self, key: str) -> bool:
        """Whether ``key`` has used its whole quota for now."""
        with self._lock:
            return len(self._recent(key)) >= self.limit

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        uses = self._uses.setdefault(key, deque())
        self._uses.move_to_end(key)
        while uses and now - uses[0] >= self.window:
            uses.popleft()
        return uses
