"""The index folder's layout: whole builds side by side, one of them current.

``index/builds/<id>/`` each hold a complete Chroma database; ``index/current``
is a symbolic link to the one in use. A rebuild writes a new build from the
corpus alone (it never opens a damaged one), then replaces the link in one
atomic rename, so a reader sees the old index or the new one, never half of
either, and two rebuilds at once each publish a whole index. The previous build
is kept for readers still on it; older ones are removed. An index written by an
earlier version (the database directly in ``index/``) is still read, and
replaced by the first rebuild.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from assistant.errors import CorpusError

CURRENT = "current"
BUILDS = "builds"
_LEGACY_FILE = "chroma.sqlite3"
log = logging.getLogger("assistant")


def to_open(index_dir: Path) -> tuple[Path, bool]:
    """The build a reader opens and whether it is read-only: the current one, a
    readable copy of a read-only one, or a first empty build."""
    current = active(index_dir)
    if current is not None and not writable(current):
        return readable_copy(current), True
    if current is not None:
        return current, False
    if index_dir.exists() and not writable(index_dir):
        raise CorpusError(
            f"The index folder {index_dir} is read-only and holds no index. Build one with "
            "`assistant index` somewhere writable, or point ASSISTANT_INDEX_DIR there."
        )
    index_dir.mkdir(parents=True, exist_ok=True)
    first = new_build(index_dir)
    publish(index_dir, first)
    return first, False


def active(index_dir: Path) -> Path | None:
    """The Chroma folder in use under ``index_dir``, or ``None`` if there is none yet."""
    link = index_dir / CURRENT
    if link.is_symlink():
        return (index_dir / link.readlink()).resolve()
    if (index_dir / _LEGACY_FILE).is_file():
        return index_dir
    return None


def new_build(index_dir: Path) -> Path:
    """An empty folder for a new build (its name sorts by creation time)."""
    folder = index_dir / BUILDS / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def publish(index_dir: Path, build: Path) -> None:
    """Make ``build`` the current index, atomically (a rename of a symbolic link)."""
    temporary = index_dir / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    temporary.symlink_to(build.relative_to(index_dir))
    temporary.replace(index_dir / CURRENT)


def prune(index_dir: Path, keep: set[Path]) -> None:
    """Remove the builds (and an old-layout database) that are not in ``keep``."""
    kept = {path.resolve() for path in keep}
    builds = index_dir / BUILDS
    for build in sorted(builds.iterdir()) if builds.is_dir() else []:
        if build.resolve() not in kept and build.is_dir():
            shutil.rmtree(build, ignore_errors=True)
    if index_dir.resolve() not in kept and (index_dir / _LEGACY_FILE).is_file():
        (index_dir / _LEGACY_FILE).unlink(missing_ok=True)
        for path in index_dir.iterdir():
            if path.is_dir() and _is_uuid(path.name):
                shutil.rmtree(path, ignore_errors=True)


def writable(folder: Path) -> bool:
    """Whether files in ``folder`` can be created and changed (not a read-only mount)."""
    return os.access(folder, os.W_OK)


def readable_copy(folder: Path) -> Path:
    """A private, writable copy of a read-only index (Chroma writes even to read)."""
    target = Path(tempfile.mkdtemp(prefix="assistant-index-")) / "index"
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".lock"))
    log.warning(
        "The index at %s is read-only; answering from a copy at %s. Make it writable to "
        "keep it up to date with the corpus.",
        folder,
        target,
    )
    return target


def _is_uuid(name: str) -> bool:
    with contextlib.suppress(ValueError):
        uuid.UUID(name)
        return True
    return False
