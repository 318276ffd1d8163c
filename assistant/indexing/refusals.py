"""Files the index refused, remembered by their content's digest.

A file over a limit (a 10 MB line cut into 10,000 passages, a PDF that takes
longer than its time to read) costs its full price each time it is tried, and a
full sync tried every file again: removing an unrelated upload then took 32 s.
Each refusal is kept with its reason, for the limits it was refused under; a
later sync skips the file at no cost, and the document list says why it is not
searchable. A changed file has another digest and is tried again, as is every
file when a limit changes or the index is rebuilt.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "refused.json"
"""The file beside the index that keeps the refusals."""


@dataclass(frozen=True)
class Refusal:
    """One refused file: where it is, and why it was refused."""

    source: str
    reason: str


class Refusals:
    """The refusals of one index, kept in ``folder`` (in memory alone when it is not
    writable) and valid under ``limits`` (a text naming every limit a refusal depends on)."""

    def __init__(self, folder: Path, limits: str) -> None:
        self._path = folder / FILE_NAME
        self._limits = limits
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._refused: dict[str, Refusal] = self._load()

    def get(self, fingerprint: str) -> Refusal | None:
        """The refusal of the file with this digest, if it was refused under these limits."""
        with self._lock:
            self._refresh()
            return self._refused.get(fingerprint)

    def by_source(self) -> dict[str, str]:
        """Each refused file's reason, by its place in the corpus."""
        with self._lock:
            self._refresh()
            return {r.source: r.reason for r in self._refused.values()}

    def _refresh(self) -> None:
        # Another process (the ingestion worker, `assistant index`) may have written it.
        if self._on_disk() != self._stamp:
            self._refused = self._load()

    def _on_disk(self) -> tuple[int, int] | None:
        try:
            stat = self._path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def update(self, refused: dict[str, Refusal], present: set[str] | None = None) -> None:
        """Remember ``refused`` (by digest) and forget files no longer in the corpus
        (``present``: the digests of every file it holds; None keeps every one)."""
        with self._lock:
            kept = {f: r for f, r in self._refused.items() if present is None or f in present}
            kept.update(refused)
            if kept == self._refused:
                return
            self._refused = kept
            self._save()

    def forget(self) -> None:
        """Forget every refusal (a rebuild tries every file again)."""
        with self._lock:
            self._refused = {}
            self._save()

    def _load(self) -> dict[str, Refusal]:
        self._stamp = self._on_disk()
        if self._stamp is None:
            return {}
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            if data.get("limits") != self._limits:
                return {}  # refused under other limits: each file is tried again
            files = data["files"].items()
            return {f: Refusal(str(r["source"]), str(r["reason"])) for f, r in files}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Only a cache of what failed: a damaged one costs the files a new try.
            log.warning("Ignoring %s (%s): refused files will be tried again", self._path, exc)
            return {}

    def _save(self) -> None:
        files = {f: {"source": r.source, "reason": r.reason} for f, r in self._refused.items()}
        data = {"limits": self._limits, "files": files}
        staging = self._path.with_name(f".{FILE_NAME}.{os.getpid()}")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            staging.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
            staging.replace(self._path)
            self._stamp = self._on_disk()
        except OSError as exc:
            log.warning("Could not save %s (%s): kept in memory only", self._path, exc)
