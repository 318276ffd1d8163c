"""The Chroma collection that holds a corpus's chunks: connect, validate, search, read.

Embedded (``PersistentClient`` under ``index_dir``) by default, or a ``chroma
run`` server when ``chroma_host`` is set. The collection records the embedding
model and dimension it was built with; opening it with another model is an error
that names both and the command that rebuilds. Writing is :mod:`assistant.sync`.

The collection holds two kinds of records: a chunk (the passage, its metadata
and the mean of its units' vectors) and a unit (a sentence or list item, with
its own vector). Dense search runs over units; a chunk scores as its best unit.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.chunking import Chunk
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.errors import (
    IndexCorruptError,
    IndexLayoutError,
    IndexMismatchError,
    StoreUnavailableError,
)
from assistant.settings import Settings

SCHEMA_VERSION = 3
PAGE = 5000
"""Records read or written per Chroma call."""
CHUNKS = {"kind": "chunk"}
UNITS = {"kind": "unit"}
_UNITS_PER_CHUNK = 4
REBUILD_HINT = "Rebuild it with `assistant index --rebuild`."
log = logging.getLogger("assistant")


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk and the cosine similarity of its best unit to a query."""

    chunk: Chunk
    similarity: float


class ChunkStore:
    """The chunks of one corpus in a Chroma collection (reading side)."""

    def __init__(self, settings: Settings, embeddings: SentenceTransformerEmbeddings) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self._client: Any = None
        self._collection: Any = None
        self.lock = threading.RLock()
        """Held by writers; readers never wait on it."""
        self._epoch = _EPOCH.value

    # --- connection ---------------------------------------------------------------

    @property
    def location(self) -> str:
        """Where the index lives, for messages."""
        if self.settings.server_mode:
            scheme = "https" if self.settings.chroma_ssl else "http"
            return f"{scheme}://{self.settings.chroma_host}:{self.settings.chroma_port}"
        return str(self.settings.index_dir)

    @property
    def client(self) -> Any:
        """The Chroma client, created on first use (and after Chroma's cache was reset)."""
        self._follow_resets()
        if self._client is None:
            with self.lock:
                if self._client is None:
                    self._client = self._connect()
        return self._client

    @property
    def connected(self) -> bool:
        """Whether a Chroma client has been opened."""
        return self._client is not None

    def forget(self) -> None:
        """Drop the client and collection; the next use connects again."""
        self._client = None
        self._collection = None

    def _follow_resets(self) -> None:
        if self._epoch != _EPOCH.value:
            self._epoch = _EPOCH.value
            self.forget()

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.settings.server_mode:
            try:
                return chromadb.HttpClient(
                    host=str(self.settings.chroma_host),
                    port=self.settings.chroma_port,
                    ssl=self.settings.chroma_ssl,
                    settings=chroma_settings,
                )
            except (ValueError, OSError) as exc:  # chromadb says "Could not connect" by ValueError
                raise StoreUnavailableError(
                    f"Cannot reach the Chroma server at {self.location} ({exc}). Start it with "
                    f"`chroma run --path index --host {self.settings.chroma_host} "
                    f"--port {self.settings.chroma_port}`, or unset ASSISTANT_CHROMA_HOST to "
                    "use the embedded index."
                ) from exc
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        try:
            return chromadb.PersistentClient(
                path=str(self.settings.index_dir), settings=chroma_settings
            )
        except Exception as exc:  # any failure to open the folder means it is unusable
            raise IndexCorruptError(
                f"The index at {self.location} cannot be opened ({exc}). {REBUILD_HINT}"
            ) from exc

    @contextlib.contextmanager
    def translate_errors(self) -> Iterator[None]:
        """Turn Chroma and network failures into errors a user can act on."""
        import httpx
        from chromadb.errors import InternalError

        try:
            yield
        except (httpx.TransportError, ConnectionError) as exc:
            self.forget()
            raise StoreUnavailableError(
                f"Lost the Chroma server at {self.location} ({exc}). Check that it is "
                "running; the assistant reconnects by itself once it is back."
            ) from exc
        except (InternalError, sqlite3.DatabaseError) as exc:
            raise IndexCorruptError(
                f"The index at {self.location} is damaged ({exc}). {REBUILD_HINT}"
            ) from exc

    def expected_metadata(self) -> dict[str, Any]:
        """What the collection records about how it was built."""
        return {
            "embedding_model": self.embeddings.name,
            "embedding_dimension": self.embeddings.dimension,
            "schema_version": SCHEMA_VERSION,
        }

    def create_collection(self, name: str, *, existing_ok: bool) -> Any:
        """A cosine collection carrying :meth:`expected_metadata` and a fresh revision."""
        create = (
            self.client.get_or_create_collection if existing_ok else self.client.create_collection
        )
        return create(
            name,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={**self.expected_metadata(), "revision": uuid.uuid4().hex},
            embedding_function=None,
        )

    @property
    def collection(self) -> Any:
        """The validated collection, created if it does not exist yet."""
        self._follow_resets()
        if self._collection is None:
            with self.lock, self.translate_errors():
                if self._collection is None:
                    collection = self.create_collection(self.settings.collection, existing_ok=True)
                    self._check_compatible(collection.metadata or {})
                    self._collection = collection
        return self._collection

    def use_collection(self, collection: Any) -> None:
        """Read and write ``collection`` from now on (a rebuild's staging collection)."""
        self._collection = collection

    def _check_compatible(self, metadata: dict[str, Any]) -> None:
        built_model = metadata.get("embedding_model")
        built_dim = metadata.get("embedding_dimension")
        if built_model is None:
            raise IndexMismatchError(
                f"The collection {self.settings.collection!r} at {self.location} was not built "
                f"by this assistant (it records no embedding model). {REBUILD_HINT}"
            )
        if metadata.get("schema_version") != SCHEMA_VERSION:
            raise IndexLayoutError(
                f"The index at {self.location} was built by an older version of the assistant "
                f"(layout {metadata.get('schema_version')}, now {SCHEMA_VERSION}). {REBUILD_HINT}"
            )
        if built_model != self.embeddings.name or built_dim != self.embeddings.dimension:
            raise IndexMismatchError(
                f"The index at {self.location} was built with the embedding model "
                f"{built_model!r} ({built_dim} dimensions), but the assistant is configured "
                f"for {self.embeddings.name!r} ({self.embeddings.dimension} dimensions). "
                f"{REBUILD_HINT}"
            )

    # --- revisions ------------------------------------------------------------------

    def revision(self) -> str:
        """A token that changes whenever the index's content changes.

        In embedded mode, a change made by another process (say `assistant index`
        beside the running app) makes this process reopen the index: Chroma keeps
        the vector index in memory and would otherwise search the old one.
        """
        with self.translate_errors():
            name = self.collection.name
            current = str((self.client.get_collection(name).metadata or {}).get("revision", ""))
        if self.settings.server_mode:
            return current
        key = str(self.settings.index_dir)
        with _VIEWS_LOCK:
            seen = _VIEWS.setdefault(key, current)
            if seen != current:
                log.info("The index at %s changed in another process; reopening it.", key)
                _VIEWS[key] = current
                _reset_chroma_cache()
        return current

    def bump_revision(self) -> None:
        """Announce a change of content to every reader, here and in other processes."""
        collection = self.collection
        metadata = dict(collection.metadata or {})
        metadata["revision"] = uuid.uuid4().hex
        collection.modify(metadata=metadata)
        if not self.settings.server_mode:
            with _VIEWS_LOCK:
                _VIEWS[str(self.settings.index_dir)] = metadata["revision"]

    # --- reading --------------------------------------------------------------------

    def count(self) -> int:
        """Number of chunks in the index."""
        return sum(len(ids) for ids, _, _ in self.pages(CHUNKS, include=[]))

    def search(self, vector: np.ndarray, k: int) -> list[ScoredChunk]:
        """The ``k`` chunks whose best unit is nearest to ``vector``, most similar first."""
        query = np.asarray(vector, dtype=np.float32).tolist()
        best: dict[str, float] = {}
        with self.translate_errors():
            total = self.collection.count()
            if total == 0:
                return []
            # A chunk has a few units; fetch enough of them to fill k distinct chunks.
            wanted = min(total, max(k * _UNITS_PER_CHUNK, k))
            # Chunk records share the collection. Filtering them out in the query
            # (where kind=unit) scans every record's metadata, about 50 ms at 10k
            # chunks and growing with the index, so over-fetch and skip them here;
            # only if too few units come back does the filtered query run.
            self._collect_units(best, query, min(total, 2 * wanted), where=None)
            if len(best) < k and 2 * wanted < total:
                self._collect_units(best, query, wanted, where=UNITS)
            ranked = sorted(best, key=lambda i: -best[i])[:k]
            chunks = {c.id: c for c in self._get_chunks(ranked)}
        return [ScoredChunk(chunks[i], best[i]) for i in ranked if i in chunks]

    def _collect_units(
        self, best: dict[str, float], query: list[float], n: int, where: dict[str, Any] | None
    ) -> None:
        """Add each unit hit's chunk with its best similarity to ``best``."""
        result = self.collection.query(
            query_embeddings=[query], n_results=n, where=where, include=["metadatas", "distances"]
        )
        for metadata, distance in zip(result["metadatas"][0], result["distances"][0], strict=True):
            if metadata.get("kind") == "unit":
                best.setdefault(str(metadata["chunk_id"]), 1.0 - float(distance))

    def unit_vectors(self, chunks: list[Chunk]) -> dict[str, np.ndarray]:
        """The stored vectors of every unit of the given chunks, one row per unit in order.

        A chunk whose units are not all stored (an index being updated) is left out.
        """
        wanted = {c.id: c.unit_ids for c in chunks if c.units}
        ids = list(dict.fromkeys(i for unit_ids in wanted.values() for i in unit_ids))
        if not ids:
            return {}
        with self.translate_errors():
            found = self.collection.get(ids=ids, include=["embeddings"])
        embeddings = found.get("embeddings")
        if embeddings is None or not len(found["ids"]):
            return {}
        stored = dict(zip(found["ids"], np.asarray(embeddings, dtype=np.float32), strict=True))
        return {
            chunk_id: np.stack([stored[i] for i in unit_ids])
            for chunk_id, unit_ids in wanted.items()
            if all(i in stored for i in unit_ids)
        }

    def chunks(self) -> list[Chunk]:
        """Every chunk, in document order."""
        records: list[Chunk] = []
        for ids, documents, metadatas in self.pages(CHUNKS, include=["documents", "metadatas"]):
            records.extend(
                Chunk.from_record(i, d, m)
                for i, d, m in zip(ids, documents, metadatas, strict=True)
            )
        return sorted(records, key=lambda c: (c.source, c.ordinal))

    def sources(self) -> dict[str, int]:
        """Indexed documents and their number of chunks."""
        counts: dict[str, int] = defaultdict(int)
        for _, _, metadatas in self.pages(CHUNKS, include=["metadatas"]):
            for metadata in metadatas:
                counts[str(metadata["source"])] += 1
        return dict(sorted(counts.items()))

    def _get_chunks(self, ids: list[str]) -> list[Chunk]:
        if not ids:
            return []
        found = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return [
            Chunk.from_record(i, d, m)
            for i, d, m in zip(found["ids"], found["documents"], found["metadatas"], strict=True)
        ]

    def pages(
        self, where: dict[str, Any] | None, include: list[str]
    ) -> Iterator[tuple[list[str], list[Any], list[Any]]]:
        """Every record matching ``where``, a page at a time: ``(ids, documents, metadatas)``."""
        offset = 0
        while True:
            with self.translate_errors():
                page = self.collection.get(where=where, include=include, limit=PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            documents = page.get("documents") or [None] * len(ids)
            metadatas = page.get("metadatas") or [{}] * len(ids)
            yield ids, documents, metadatas
            offset += len(ids)
            if len(ids) < PAGE:
                return


@dataclass
class _Epoch:
    value: int = 0


# Per index folder, the revision this process's Chroma view reflects. Chroma shares
# one in-memory system per folder within a process; when another process has
# written, the only public way to see it is to reset Chroma's cache of systems,
# which every store of this process notices (the epoch) and reconnects after.
_VIEWS: dict[str, str] = {}
_VIEWS_LOCK = threading.Lock()
_EPOCH = _Epoch()


def _reset_chroma_cache() -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    _EPOCH.value += 1


def reset_chroma_cache() -> None:
    """Make every store of this process reopen its index from disk (after a wipe or swap)."""
    with _VIEWS_LOCK:
        _VIEWS.clear()
        _reset_chroma_cache()
