"""The Chroma collection that holds a corpus's chunks: connect, validate, search, read.

Embedded (``PersistentClient`` under ``index_dir``) by default, or a ``chroma
run`` server when ``chroma_host`` is set. The collection records the embedding
model and dimension it was built with; opening it with another model is an error
that names both and the command that rebuilds. Writing is :mod:`assistant.indexing.sync`.

Two collections: *units* (each sentence or list item with its own vector; dense
search runs here, and a chunk scores as its best unit) and *passages* (each
chunk with its metadata, fetched by id and never searched). Keeping passages
out of the searched graph keeps thousands of near-identical pages (a templated
PDF) from knotting it.
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
from pathlib import Path
from typing import Any

import numpy as np

from assistant.documents.chunking import Chunk
from assistant.errors import (
    IndexChangedError,
    IndexCorruptError,
    IndexLayoutError,
    IndexMismatchError,
    StoreUnavailableError,
)
from assistant.indexing import builds, revisions
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.indexing.restarts import outlasting_restarts
from assistant.indexing.vector_search import ExactSearch, UnitMatrix, approximate_nearest_chunks
from assistant.settings import Settings

SCHEMA_VERSION = 6
PAGE = 5000
"""Records read or written per Chroma call."""
PASSAGES_SUFFIX = "-passages"
REBUILD_HINT = "Rebuild it with `assistant index --rebuild`."
log = logging.getLogger("assistant")


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk and the cosine similarity of its best unit to a query."""

    chunk: Chunk
    similarity: float


class ChunkStore:
    """The chunks of one corpus in a Chroma collection (reading side)."""

    def __init__(
        self,
        settings: Settings,
        embeddings: SentenceTransformerEmbeddings,
        *,
        path: Path | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self._fixed_path = path
        """A build to read and write whatever the index folder's current one is (a rebuild's)."""
        self.path: Path | None = None
        """The Chroma folder this store is connected to (embedded mode)."""
        self.read_only = False
        self._client: Any = None
        self._collection: Any = None
        self._passages: Any = None
        self.lock = threading.RLock()
        """Held by writers; readers never wait on it."""
        self._epoch = revisions.epoch()
        self._seen_revision: str | None = None
        self.exact = ExactSearch(settings.exact_search_max_units)
        """Every unit vector in memory, per revision, for exact dense search."""

    # --- connection ---------------------------------------------------------------

    @property
    def location(self) -> str:
        """Where the index lives, for messages."""
        if self.settings.server_mode:
            scheme = "https" if self.settings.chroma_ssl else "http"
            return f"{scheme}://{self.settings.chroma_host}:{self.settings.chroma_port}"
        return str(self._fixed_path or self.settings.index_dir)

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
        """Drop the client and collections; the next use connects again."""
        self._client = None
        self._collection = None
        self._passages = None
        self.path = None

    def _follow_resets(self) -> None:
        if self._epoch != revisions.epoch():
            self._epoch = revisions.epoch()
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
        path = self._chroma_folder()
        try:
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        except Exception as exc:  # any failure to open the folder means it is unusable
            raise IndexCorruptError(
                f"The index at {self.location} cannot be opened ({exc}). {REBUILD_HINT}"
            ) from exc
        self.path = path
        return client

    def _chroma_folder(self) -> Path:
        """The build to open: the given one, or the index folder's (see :func:`builds.to_open`)."""
        if self._fixed_path is not None:
            return self._fixed_path
        path, self.read_only = builds.to_open(self.settings.index_dir)
        return path

    @contextlib.contextmanager
    def translate_errors(self) -> Iterator[None]:
        """Turn Chroma and network failures into errors a user can act on."""
        import httpx
        from chromadb.errors import InternalError, InvalidArgumentError, NotFoundError

        try:
            yield
        except (httpx.TransportError, ConnectionError) as exc:
            self.forget()
            raise StoreUnavailableError(
                f"Lost the Chroma server at {self.location} ({exc}). Check that it is "
                "running; the assistant reconnects by itself once it is back."
            ) from exc
        except NotFoundError as exc:
            # The collection was replaced under us (a rebuild on the server, or another
            # process's sync): reconnect, and let the caller ask again.
            self.forget()
            raise IndexChangedError(
                f"The index at {self.location} changed while it was being read; ask again."
            ) from exc
        except (InternalError, InvalidArgumentError, sqlite3.DatabaseError) as exc:
            # A damaged database surfaces as any of these ("Failed to pull logs from the
            # log store", "database disk image is malformed").
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
        """The validated units collection, created (with its passages) if it does not exist."""
        self._follow_resets()
        if self._collection is None:
            with self.lock, self.translate_errors():
                if self._collection is None:
                    name = self.settings.collection
                    collection = self.create_collection(name, existing_ok=True)
                    self._check_compatible(collection.metadata or {})
                    self._passages = self.create_collection(
                        name + PASSAGES_SUFFIX, existing_ok=True
                    )
                    self._collection = collection
        return self._collection

    @property
    def passages(self) -> Any:
        """The passages collection: each chunk's text and metadata, fetched by id."""
        self.collection  # noqa: B018 - connects both collections
        return self._passages

    def use_collections(self, units: Any, passages: Any) -> None:
        """Read and write these collections from now on (a rebuild's staging pair)."""
        self._collection = units
        self._passages = passages

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

    @outlasting_restarts
    def revision(self) -> str:
        """A token that changes whenever the index's content changes. In embedded mode, a
        change by another process (`assistant index` beside the app) makes this one reopen
        the index: Chroma keeps the vector index in memory and would search the old one."""
        if not self.settings.server_mode and self._fixed_path is None and not self.read_only:
            active = builds.active(self.settings.index_dir)
            if self.path is not None and active is not None and active != self.path:
                log.info("The index at %s was rebuilt; switching to it.", self.location)
                self.forget()
        with self.translate_errors():
            name = self.collection.name
            current = str((self.client.get_collection(name).metadata or {}).get("revision", ""))
        if self.settings.server_mode:
            token = current
        else:
            assert self.path is not None
            if revisions.changed_elsewhere(self.path, current):
                log.info("The index at %s changed in another process; reopening it.", self.path)
            token = f"{self.path}:{current}"
        self._seen_revision = token
        return token

    def bump_revision(self) -> None:
        """Announce a change of content to every reader, here and in other processes."""
        collection = self.collection
        metadata = dict(collection.metadata or {})
        metadata["revision"] = uuid.uuid4().hex
        collection.modify(metadata=metadata)
        if not self.settings.server_mode and self.path is not None:
            revisions.written(self.path, metadata["revision"])

    # --- reading --------------------------------------------------------------------

    def count(self) -> int:
        """Number of chunks in the index."""
        with self.translate_errors():
            return int(self.passages.count())

    @outlasting_restarts
    def search(
        self, vector: np.ndarray, k: int, *, hidden: frozenset[str] = frozenset()
    ) -> list[ScoredChunk]:
        """The ``k`` chunks whose best unit is nearest to ``vector``, most similar first: exact
        (:mod:`assistant.indexing.vector_search`) up to ``exact_search_max_units``, Chroma's
        HNSW beyond. Chunks of ``hidden`` documents (others' private ones) never come back."""
        matrix = self.exact.matrix(self._seen_revision or self.revision(), self._load_matrix)
        if matrix is not None:
            nearest = matrix.nearest_chunks(vector, k, hidden=hidden)
            with self.translate_errors():
                chunks = {c.id: c for c in self._get_chunks([i for i, _ in nearest])}
            return [ScoredChunk(chunks[i], score) for i, score in nearest if i in chunks]
        return self._approximate_search(vector, k, hidden)

    def _load_matrix(self, limit: int) -> UnitMatrix | None:
        with self.translate_errors():
            if self.collection.count() > limit:
                return None  # Chroma's HNSW search, without holding every vector
            return UnitMatrix.load(self.collection, dimension=self.embeddings.dimension)

    def _approximate_search(
        self, vector: np.ndarray, k: int, hidden: frozenset[str]
    ) -> list[ScoredChunk]:
        with self.translate_errors():
            nearest = approximate_nearest_chunks(self.collection, vector, k, hidden=hidden)
            chunks = {c.id: c for c in self._get_chunks([i for i, _ in nearest])}
        return [ScoredChunk(chunks[i], score) for i, score in nearest if i in chunks]

    @outlasting_restarts
    def unit_vectors(self, chunks: list[Chunk]) -> dict[str, np.ndarray]:
        """The stored vectors of every unit of the given chunks, one row per unit in order; a
        chunk whose units are not all stored (an index being updated) is left out."""
        wanted = {c.id: c.unit_ids for c in chunks if c.units}
        ids = list(dict.fromkeys(i for unit_ids in wanted.values() for i in unit_ids))
        if not ids:
            return {}
        matrix = self.exact.cached(self._seen_revision)
        if matrix is not None:
            rows = {chunk_id: matrix.vectors_of(unit_ids) for chunk_id, unit_ids in wanted.items()}
            return {chunk_id: r for chunk_id, r in rows.items() if r is not None}
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

    @outlasting_restarts
    def chunks(self) -> list[Chunk]:
        """Every chunk, in document order."""
        records: list[Chunk] = []
        for ids, documents, metadatas in self.pages(
            self.passages, include=["documents", "metadatas"]
        ):
            records.extend(
                Chunk.from_record(i, d, m)
                for i, d, m in zip(ids, documents, metadatas, strict=True)
            )
        return sorted(records, key=lambda c: (c.source, c.ordinal))

    @outlasting_restarts
    def sources(self) -> dict[str, int]:
        """Indexed documents and their number of chunks."""
        counts: dict[str, int] = defaultdict(int)
        for _, _, metadatas in self.pages(self.passages, include=["metadatas"]):
            for metadata in metadatas:
                counts[str(metadata["source"])] += 1
        return dict(sorted(counts.items()))

    def _get_chunks(self, ids: list[str]) -> list[Chunk]:
        if not ids:
            return []
        found = self.passages.get(ids=ids, include=["documents", "metadatas"])
        return [
            Chunk.from_record(i, d, m)
            for i, d, m in zip(found["ids"], found["documents"], found["metadatas"], strict=True)
        ]

    def pages(
        self, collection: Any, include: list[str]
    ) -> Iterator[tuple[list[str], list[Any], list[Any]]]:
        """Every record of ``collection``, a page at a time: ``(ids, documents, metadatas)``."""
        offset = 0
        while True:
            with self.translate_errors():
                page = collection.get(include=include, limit=PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            documents = page.get("documents") or [None] * len(ids)
            metadatas = page.get("metadatas") or [{}] * len(ids)
            yield ids, documents, metadatas
            offset += len(ids)
            if len(ids) < PAGE:
                return
