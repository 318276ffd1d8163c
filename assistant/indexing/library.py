"""The corpus as its users manage it: add, remove, list and read documents.

Each call names its :class:`~assistant.documents.access.Viewer`: an upload goes
to the viewer's folder (shared for an admin, private for a user), lists show
only what the viewer may see, and only the viewer's own uploads (or, for an
admin, the shared ones) can be removed. The index is updated through the
callable the assistant gives, so a document is searchable as soon as it is added.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from cachetools import LRUCache

from assistant.common.progress import Progress
from assistant.documents.access import EVERYONE, Viewer
from assistant.documents.corpus import document_file
from assistant.documents.uploads import UploadResult, store_uploads
from assistant.errors import DocumentError
from assistant.indexing.store import ChunkStore
from assistant.indexing.sync import SyncReport
from assistant.settings import Settings

_TEXTS_CACHED = 16

Index = Callable[..., SyncReport | None]
"""``index(progress=..., only=[...])``: bring the index up to date with the corpus (None:
the work was handed to the ingestion worker, see :mod:`assistant.serving.jobs`)."""


class Library:
    """The corpus folder's documents, as each viewer may see and change them."""

    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        index: Index,
        refused: Callable[[], dict[str, str]] = dict,
    ) -> None:
        self.settings = settings
        self.store = store
        self._index = index
        self._refused = refused
        self._lock = threading.Lock()
        # Documents shown in the sources panel, by fingerprint (a PDF is parsed once).
        self._texts: LRUCache[str, str] = LRUCache(_TEXTS_CACHED)

    def sources(self, viewer: Viewer = EVERYONE) -> dict[str, int]:
        """The indexed documents ``viewer`` sees, with their number of chunks."""
        return {s: n for s, n in self.store.sources().items() if viewer.sees(s)}

    def refused(self, viewer: Viewer = EVERYONE) -> dict[str, str]:
        """The files in the corpus ``viewer`` sees that the index refused, with why."""
        return {s: why for s, why in self._refused().items() if viewer.sees(s)}

    def removable(self, viewer: Viewer = EVERYONE) -> list[str]:
        """The indexed uploads ``viewer`` may remove."""
        return [s for s in self.store.sources() if viewer.may_remove(s)]

    def add(
        self,
        files: Sequence[tuple[str, str | Path]],
        *,
        viewer: Viewer = EVERYONE,
        progress: Progress | None = None,
    ) -> tuple[UploadResult, SyncReport | None]:
        """Check and store ``(original name, path)`` pairs for ``viewer``, then index them."""
        started = time.perf_counter()
        result = store_uploads(
            files,
            self.settings.corpus_dir,
            max_bytes=self.settings.max_upload_bytes,
            limits=self.settings.parse_limits,
            max_corpus_bytes=self.settings.max_corpus_bytes,
            viewer=viewer,
        )
        # A copy stored before whose indexing never happened (the queue was away, the
        # worker was killed) is indexed now rather than called a duplicate.
        indexed = self.store.sources() if result.duplicates else {}
        unindexed = tuple(d for d in result.duplicates if d.existing not in indexed)
        if unindexed:
            kept = tuple(d for d in result.duplicates if d not in unindexed)
            result = replace(result, duplicates=kept, unindexed=unindexed)
        wanted = [*result.stored, *(d.existing for d in unindexed)]
        report = self._index(progress=progress, only=wanted) if wanted else None
        if report is not None:
            # The whole add, checking and reading the files included, not only the sync.
            report = replace(report, seconds=time.perf_counter() - started)
        return result, report

    def remove(
        self, source: str, *, viewer: Viewer = EVERYONE, progress: Progress | None = None
    ) -> SyncReport | None:
        """Remove an upload ``viewer`` may remove, from the corpus folder and the index."""
        if not viewer.may_remove(source):
            raise DocumentError(
                f"{source} is not one of your uploads: only uploads can be removed here, "
                "each by whoever added it (shared ones by an admin); the corpus's own files "
                f"are managed in {self.settings.corpus_dir}."
            )
        root = self.settings.corpus_dir.resolve()
        path = (root / source).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise DocumentError(f"{source} is not in the corpus any more (removed already?).")
        path.unlink()
        return self._index(progress=progress)

    def text(self, source: str, viewer: Viewer = EVERYONE) -> str:
        """The text a citation's ``start``/``end`` offsets index, for ``source``."""
        root = self.settings.corpus_dir.resolve()
        path = (root / source).resolve()
        if not viewer.sees(source) or not path.is_relative_to(root) or not path.is_file():
            raise DocumentError(f"{source} is not a document of the corpus in {root}.")
        file = document_file(path, root=root, max_bytes=self.settings.max_document_bytes)
        with self._lock:
            text = self._texts.get(file.fingerprint)
        if text is None:
            text = file.read(self.settings.parse_limits).text
            with self._lock:
                self._texts[file.fingerprint] = text
        return text
