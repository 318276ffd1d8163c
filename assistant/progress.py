"""Progress of long work (indexing), as a callback anything can report to."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while work is done."""


@contextmanager
def progress_bar(description: str, unit: str = "chunk") -> Iterator[Progress]:
    """A :data:`Progress` callback drawing a tqdm bar, shown only if there is work."""
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if total <= 0:
            return
        if bar is None:
            from tqdm.auto import tqdm

            bar = tqdm(total=total, desc=description, unit=unit)
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
