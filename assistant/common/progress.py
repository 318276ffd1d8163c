"""Progress of long work (indexing), as a callback anything can report to."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while work is done."""

_STEP = 0.25
"""In a log, a line at each quarter of the work (and at the end)."""


@contextmanager
def progress_bar(
    description: str, unit: str = "chunk", stream: TextIO | None = None
) -> Iterator[Progress]:
    """A :data:`Progress` callback, shown only if there is work: a live tqdm bar on a
    terminal, and a few plain lines (each written once) when the output is a file."""
    out = stream or sys.stderr
    bar: Any = None
    live = out.isatty()
    reported = -1.0
    started = time.perf_counter()

    def update(done: int, total: int) -> None:
        nonlocal bar, reported
        if total <= 0:
            return
        if live:
            if bar is None:
                from tqdm.auto import tqdm

                bar = tqdm(total=total, desc=description, unit=unit, file=out)
            bar.n = done
            bar.refresh()
            return
        share = done / total
        if share >= 1.0 or share >= reported + _STEP:
            reported = share
            seconds = time.perf_counter() - started
            out.write(f"{description}: {done}/{total} {unit}s ({share:.0%}, {seconds:.1f} s)\n")
            out.flush()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
