"""What this process's Chroma has seen of each index folder, and seeing newer writes.

Chroma keeps one in-memory system per folder and process; it does not notice
what another process writes (say ``assistant index`` beside the running app).
Each folder's last revision seen here is recorded; when the stored revision has
moved on, Chroma's cache of systems is reset (its public way to reload), and
every store of this process, noticing the new epoch, reconnects.
"""

from __future__ import annotations

import threading
from pathlib import Path

_SEEN: dict[Path, str] = {}
_LOCK = threading.Lock()
_EPOCH = [0]


def epoch() -> int:
    """How many times this process reset Chroma's systems; stores reconnect when it moves."""
    return _EPOCH[0]


def written(folder: Path, revision: str) -> None:
    """This process wrote ``revision`` to ``folder`` (its own view is current)."""
    with _LOCK:
        _SEEN[folder] = revision


def changed_elsewhere(folder: Path, revision: str) -> bool:
    """Whether ``folder`` now holds a revision this process did not see being written.

    If so, Chroma's systems are reset so the next read loads the folder afresh.
    """
    with _LOCK:
        seen = _SEEN.setdefault(folder, revision)
        if seen == revision:
            return False
        _SEEN[folder] = revision
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        _EPOCH[0] += 1
        return True
