"""How many files one visitor may upload in an hour: a sliding window per visitor."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

HOUR = 3600.0


class HourlyQuota:
    """At most ``per_hour`` uses per key in any hour; keys beyond ``max_keys`` are
    forgotten oldest first (a key is a sign-in name or an address, not attacker-chosen
    text, so forgetting one only ever forgives an old visitor)."""

    def __init__(
        self,
        per_hour: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.per_hour = per_hour
        self._clock = clock
        self._max_keys = max_keys
        self._uses: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, count: int) -> int:
        """Use up to ``count`` of ``key``'s quota; how many it may have."""
        now = self._clock()
        with self._lock:
            uses = self._uses.setdefault(key, deque())
            self._uses.move_to_end(key)
            while uses and now - uses[0] >= HOUR:
                uses.popleft()
            granted = max(0, min(count, self.per_hour - len(uses)))
            uses.extend([now] * granted)
            while len(self._uses) > self._max_keys:
                self._uses.popitem(last=False)
            return granted
