"""Per-stage timings that any layer can record without passing a dict around.

The assistant drives each question's chain with :func:`timed_iteration`, which
makes a dict the current scope; the steps record their stages into it with
:func:`stage`. Outside a scope, recording is a no-op, so components stay usable
on their own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_current: ContextVar[dict[str, float] | None] = ContextVar("assistant_timings", default=None)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time a block and add its seconds to ``name`` in the current scope."""
    start = time.perf_counter()
    try:
        yield
    finally:
        record(name, time.perf_counter() - start)


def record(name: str, seconds: float) -> None:
    """Add ``seconds`` to ``name`` in the current scope, if there is one."""
    timings = _current.get()
    if timings is not None:
        timings[name] = timings.get(name, 0.0) + seconds


def timed_iteration(iterator: Iterator[T], timings: dict[str, float]) -> Iterator[T]:
    """Drive ``iterator`` with ``timings`` as the current scope during each step.

    Servers (Gradio, anyio) may resume a generator in a different context each
    time, so the scope is entered and left around every ``next()`` rather than
    held open across yields.
    """
    while True:
        token = _current.set(timings)
        try:
            item = next(iterator)
        except StopIteration:
            return
        finally:
            _current.reset(token)
        yield item
