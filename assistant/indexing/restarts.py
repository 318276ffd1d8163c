"""Reads of a Chroma server that wait out its restart (a process manager brings it back
within seconds; a question asked meanwhile is answered late rather than lost)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from assistant.errors import StoreUnavailableError

_P = ParamSpec("_P")
_R = TypeVar("_R")


def outlasting_restarts(read: Callable[_P, _R]) -> Callable[_P, _R]:
    """A read of a Chroma server that waits out a restart: while the server cannot be
    reached it is tried again every half second for ``chroma_retry_seconds``, so a
    question asked while a process manager restarts the server is answered late, not lost."""

    @functools.wraps(read)
    def patient(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        store: Any = args[0]
        deadline = time.monotonic() + store.settings.chroma_retry_seconds
        while True:
            try:
                return read(*args, **kwargs)
            except StoreUnavailableError:
                if not store.settings.server_mode or time.monotonic() >= deadline:
                    raise
                time.sleep(0.5)

    return patient
