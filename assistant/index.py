"""The Chroma collection that holds a corpus's chunks, and its incremental sync.

Embedded (``PersistentClient`` under ``index_dir``) by default, or a ``chroma
run`` server when ``chroma_host`` is set. The collection records the embedding
model and dimension it was built with; opening it with another model is an error
that names both and the command that rebuilds.

Sync is incremental and safe to interrupt: new chunks are written before stale
ones are deleted, and a file counts as indexed only when all of its chunks carry
its current fingerprint, so a killed run is finished by the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import shutil
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.chunking import Chunk, chunk_document
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.errors import (
    IndexCorruptError,
    IndexLayoutError,
    IndexMismatchError,
    StoreUnavailableError,
)
from assistant.ingest import Corpus, SkippedFile
from assistant.settings import Settings
from assistant.text import plural

SCHEMA_VERSION = 3
_PAGE = 5000
_CHUNKS = {"kind": "chunk"}
_UNITS = {"kind": "unit"}
_UNITS_PER_CHUNK = 4
_BUILDING_SUFFIX = "-building-"

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while chunks are embedded."""

REBUILD_HINT = "Rebuild it with `assistant index --rebuild`."
log = logging.getLogger("assistant")


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk and its cosine similarity to a query."""

    chunk: Chunk
    similarity: float


@dataclass(frozen=True)
class SyncReport:
    """What one sync changed."""

    documents: int
    chunks: int
    added: int
    updated: int
    deleted: int
    unchanged_documents: int
    seconds: float
    skipped: tuple[SkippedFile, ...] = field(default=())

    @property
    def changed(self) -> bool:
        """True if the sync wrote anything."""
        return bool(self.added or self.updated or self.deleted)

    def summary(self) -> str:
        """One line for people."""
        text = (
            f"{plural(self.documents, 'document')}, {plural(self.chunks, 'chunk')}: "
            f"{self.added} embedded, {self.updated} updated, {self.deleted} removed, "
            f"{plural(self.unchanged_documents, 'document')} unchanged ({self.seconds:.1f}s)"
        )
        if self.skipped:
            text += f"; skipped {len(self.skipped)} file(s)"
        return text


@dataclass
class _Indexed:
    """What the index holds of one source file."""

    chunk_ids: set[str] = field(default_factory=set)
    unit_ids: set[str] = field(default_factory=set)
    fingerprints: set[str] = field(default_factory=set)
    expected: set[int] = field(default_factory=set)
    referenced_units: set[str] = field(default_factory=set)

    def complete_for(self, fingerprint: str) -> bool:
        """True when every chunk and unit of the file's current version is indexed."""
        return (
            self.fingerprints == {fingerprint}
            and self.expected == {len(self.chunk_ids)}
            and self.referenced_units == self.unit_ids
        )

    def all_ids(self) -> set[str]:
        return self.chunk_ids | self.unit_ids


class ChunkStore:
    """The chunks of one corpus in a Chroma collection."""

    def __init__(
        self,
        settings: Settings,
        embeddings: SentenceTransformerEmbeddings,
        *,
        client: Any = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self._client = client
        self._collection: Any = None
        self._lock = threading.RLock()
        self._generation = 0  # which reopening of the shared in-process index we hold

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
        """The Chroma client, created on first use."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._connect()
        return self._client

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
            except Exception as exc:
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
        except Exception as exc:
            raise IndexCorruptError(
                f"The index at {self.location} cannot be opened ({exc}). {REBUILD_HINT}"
            ) from exc

    @contextlib.contextmanager
    def _translate_errors(self) -> Iterator[None]:
        """Turn Chroma and network failures into errors a user can act on."""
        try:
            yield
        except (IndexMismatchError, IndexCorruptError, StoreUnavailableError):
            raise
        except Exception as exc:
            if self.settings.server_mode and _is_connection_error(exc):
                self._collection = None
                raise StoreUnavailableError(
                    f"Lost the Chroma server at {self.location} ({exc}). Check that it is "
                    "running; the assistant reconnects by itself once it is back."
                ) from exc
            if _is_corruption(exc):
                raise IndexCorruptError(
                    f"The index at {self.location} is damaged ({exc}). {REBUILD_HINT}"
                ) from exc
            raise

    def _expected_metadata(self) -> dict[str, Any]:
        return {
            "embedding_model": self.embeddings.name,
            "embedding_dimension": self.embeddings.dimension,
            "schema_version": SCHEMA_VERSION,
        }

    @property
    def collection(self) -> Any:
        """The validated collection, created if it does not exist yet."""
        if self._collection is None:
            with self._lock, self._translate_errors():
                if self._collection is None:
                    collection = self.client.get_or_create_collection(
                        self.settings.collection,
                        configuration={"hnsw": {"space": "cosine"}},
                        metadata={**self._expected_metadata(), "revision": uuid.uuid4().hex},
                        embedding_function=None,
                    )
                    self._check_compatible(collection.metadata or {})
                    self._collection = collection
        return self._collection

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

    # --- reading --------------------------------------------------------------------

    def count(self) -> int:
        """Number of chunks in the index."""
        return sum(len(ids) for ids, _, _ in self._pages(_CHUNKS, include=[]))

    def revision(self) -> str:
        """A token that changes whenever the index's content changes.

        In embedded mode, a change made by another process (say `assistant index`
        beside the running app) makes this process reopen the index: Chroma keeps
        the vector index in memory and would otherwise search the old one.
        """
        with self._translate_errors():
            name = self.collection.name
            current = str((self.client.get_collection(name).metadata or {}).get("revision", ""))
        if self.settings.server_mode:
            return current
        key = str(self.settings.index_dir)
        with _VIEWS_LOCK:
            seen, generation = _VIEWS.get(key, (None, 0))
            if seen is None:
                _VIEWS[key] = (current, generation)
            elif seen != current:
                log.info("The index at %s changed in another process; reopening it.", key)
                generation += 1
                _forget_cached_client(self.settings.index_dir)
                _VIEWS[key] = (current, generation)
        if self._generation != generation:
            self._client = None
            self._collection = None
            self._generation = generation
        return current

    def search(self, vector: np.ndarray, k: int) -> list[ScoredChunk]:
        """The ``k`` chunks whose best unit is nearest to ``vector``, most similar first.

        Units are searched, not whole chunks, so a question meets the sentence it
        is about; a chunk scores as its best unit.
        """
        query = np.asarray(vector, dtype=np.float32).tolist()
        best: dict[str, float] = {}
        with self._translate_errors():
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
                self._collect_units(best, query, wanted, where=_UNITS)
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
        with self._translate_errors():
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

    def unit_similarities(self, chunks: list[Chunk], vector: np.ndarray) -> dict[str, list[float]]:
        """Cosine similarity of ``vector`` to every unit of the given chunks, in unit order."""
        query = np.asarray(vector, dtype=np.float32)
        return {cid: (rows @ query).tolist() for cid, rows in self.unit_vectors(chunks).items()}

    def chunks(self) -> list[Chunk]:
        """Every chunk, in document order."""
        records: list[Chunk] = []
        for ids, documents, metadatas in self._pages(_CHUNKS, include=["documents", "metadatas"]):
            records.extend(
                Chunk.from_record(i, d, m)
                for i, d, m in zip(ids, documents, metadatas, strict=True)
            )
        return sorted(records, key=lambda c: (c.source, c.ordinal))

    def sources(self) -> dict[str, int]:
        """Indexed documents and their number of chunks."""
        counts: dict[str, int] = defaultdict(int)
        for _, _, metadatas in self._pages(_CHUNKS, include=["metadatas"]):
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

    def _pages(
        self, where: dict[str, Any] | None, include: list[str]
    ) -> Iterator[tuple[list[str], list[Any], list[Any]]]:
        offset = 0
        while True:
            with self._translate_errors():
                page = self.collection.get(where=where, include=include, limit=_PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            documents = page.get("documents") or [None] * len(ids)
            metadatas = page.get("metadatas") or [{}] * len(ids)
            yield ids, documents, metadatas
            offset += len(ids)
            if len(ids) < _PAGE:
                return

    # --- writing --------------------------------------------------------------------

    def sync(self, corpus: Corpus, *, progress: Progress | None = None) -> SyncReport:
        """Make the index match ``corpus``, embedding only new or changed chunks.

        Files that could not be read this time keep their previous chunks, so a
        transient read error never deletes indexed content.
        """
        started = time.perf_counter()
        with self._lock, self._file_lock(), self._translate_errors():
            indexed = self._indexed_by_source()
            plan = _SyncPlan()
            for doc in corpus.documents:
                previous = indexed.get(doc.source, _Indexed())
                if previous.complete_for(doc.fingerprint):
                    plan.unchanged += 1
                    plan.total_chunks += len(previous.chunk_ids)
                    continue
                chunks = chunk_document(
                    doc,
                    count_tokens=self.embeddings.count_tokens,
                    max_tokens=min(self.settings.chunk_max_tokens, self.embeddings.max_tokens - 2),
                )
                plan.total_chunks += len(chunks)
                wanted = {c.id for c in chunks}
                for chunk in chunks:
                    unit_ids = chunk.unit_ids
                    wanted.update(unit_ids)
                    for index, unit_id in enumerate(unit_ids):
                        # A repeated unit is one record, described by its first occurrence.
                        plan.owners.setdefault(unit_id, (chunk, index))
                    # A chunk is re-embedded unless it and all its units are already there.
                    kept = chunk.id in previous.chunk_ids and set(unit_ids) <= previous.unit_ids
                    (plan.keep if kept else plan.add).append((chunk, len(chunks)))
                plan.delete.extend(sorted(previous.all_ids() - wanted))
                plan.deleted_chunks += len(previous.chunk_ids - wanted)
            unreadable = {s.source for s in corpus.skipped}
            for source, previous in indexed.items():
                if corpus.get(source) is None and source not in unreadable:
                    plan.delete.extend(sorted(previous.all_ids()))
                    plan.deleted_chunks += len(previous.chunk_ids)
            self._apply(plan, progress)
        return SyncReport(
            documents=len(corpus.documents),
            chunks=plan.total_chunks,
            added=len(plan.add),
            updated=len(plan.keep),
            deleted=plan.deleted_chunks,
            unchanged_documents=plan.unchanged,
            seconds=time.perf_counter() - started,
            skipped=corpus.skipped,
        )

    def _indexed_by_source(self) -> dict[str, _Indexed]:
        indexed: dict[str, _Indexed] = defaultdict(_Indexed)
        for ids, documents, metadatas in self._pages(None, include=["documents", "metadatas"]):
            for record_id, document, metadata in zip(ids, documents, metadatas, strict=True):
                entry = indexed[str(metadata["source"])]
                entry.fingerprints.add(str(metadata.get("fingerprint", "")))
                if metadata.get("kind") == "unit":
                    entry.unit_ids.add(record_id)
                    continue
                entry.chunk_ids.add(record_id)
                entry.expected.add(int(metadata.get("file_chunks", -1)))
                entry.referenced_units.update(
                    Chunk.from_record(record_id, document or "", metadata).unit_ids
                )
        return indexed

    def _apply(self, plan: _SyncPlan, progress: Progress | None) -> None:
        collection = self.collection
        batch = max(1, self.settings.embedding_batch_size)
        total = len(plan.add)
        if progress:
            progress(0, total)
        if plan.add or plan.keep or plan.delete:
            # Announced before writing, so a reader in another process sees the change
            # even if this run is killed halfway.
            self._bump_revision()
        written: set[str] = set()
        # Order matters for interrupted runs: add, then update, then delete.
        for start in range(0, total, batch):
            part = plan.add[start : start + batch]
            texts = list(dict.fromkeys(c.unit_embed_text(u) for c, _ in part for u in c.units))
            vector_of = dict(zip(texts, self.embeddings.encode(texts), strict=True))
            ids: list[str] = []
            embeddings: list[list[float]] = []
            documents: list[str] = []
            metadatas: list[dict[str, Any]] = []
            for chunk, file_chunks in part:
                mine = np.stack([vector_of[chunk.unit_embed_text(u)] for u in chunk.units])
                for index, unit_id in enumerate(chunk.unit_ids):
                    if unit_id in written:
                        continue
                    written.add(unit_id)
                    owner, at = plan.owners[unit_id]
                    ids.append(unit_id)
                    embeddings.append(mine[index].tolist())
                    documents.append(chunk.unit_embed_text(chunk.units[index]))
                    metadatas.append(owner.unit_metadata(at))
                # The chunk's own vector is the mean of its units': no extra model call.
                centre = mine.mean(axis=0)
                ids.append(chunk.id)
                embeddings.append((centre / max(float(np.linalg.norm(centre)), 1e-12)).tolist())
                documents.append(chunk.text)
                metadatas.append(chunk.to_metadata(file_chunks=file_chunks))
            collection.upsert(
                ids=ids, embeddings=embeddings, documents=documents, metadatas=metadatas
            )
            if progress:
                progress(min(start + batch, total), total)
        for start in range(0, len(plan.keep), _PAGE):
            part = plan.keep[start : start + _PAGE]
            collection.update(
                ids=[c.id for c, _ in part],
                metadatas=[c.to_metadata(file_chunks=n) for c, n in part],
            )
            # Ownership may have moved to another chunk since these units were written.
            units = list(dict.fromkeys(i for c, _ in part for i in c.unit_ids if i not in written))
            written.update(units)
            if units:
                collection.update(
                    ids=units,
                    metadatas=[plan.owners[i][0].unit_metadata(plan.owners[i][1]) for i in units],
                )
        for start in range(0, len(plan.delete), _PAGE):
            collection.delete(ids=plan.delete[start : start + _PAGE])
        if plan.add or plan.keep or plan.delete:
            self._bump_revision()

    def _bump_revision(self) -> None:
        collection = self.collection
        metadata = dict(collection.metadata or {})
        metadata["revision"] = uuid.uuid4().hex
        collection.modify(metadata=metadata)
        if not self.settings.server_mode:
            key = str(self.settings.index_dir)
            with _VIEWS_LOCK:
                _VIEWS[key] = (metadata["revision"], _VIEWS.get(key, (None, 0))[1])

    def rebuild(self, corpus: Corpus, *, progress: Progress | None = None) -> SyncReport:
        """Re-embed everything from scratch.

        The new index is built beside the old one and swapped in at the end, so
        an interrupted rebuild leaves the previous index working. An index that
        cannot even be opened is wiped first.
        """
        with self._lock:
            try:
                client = self.client
                with self._translate_errors():
                    client.list_collections()
            except IndexCorruptError:
                self._wipe_local_index()
                client = self.client
            name = self.settings.collection
            staging = f"{name}{_BUILDING_SUFFIX}{uuid.uuid4().hex[:8]}"
            with self._translate_errors():
                self._drop_stale_staging(client)
                self._collection = client.create_collection(
                    staging,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={**self._expected_metadata(), "revision": uuid.uuid4().hex},
                    embedding_function=None,
                )
            report = self.sync(corpus, progress=progress)
            with self._translate_errors():
                if any(c.name == name for c in client.list_collections()):
                    client.delete_collection(name)
                self._collection.modify(name=name)
                self._collection = None
        return report

    def _drop_stale_staging(self, client: Any) -> None:
        prefix = f"{self.settings.collection}{_BUILDING_SUFFIX}"
        for collection in client.list_collections():
            if collection.name.startswith(prefix):
                client.delete_collection(collection.name)

    def _wipe_local_index(self) -> None:
        if self.settings.server_mode:
            raise IndexCorruptError(
                f"The Chroma server at {self.location} reports a damaged store."
            )
        folder = self.settings.index_dir
        unexpected = [
            p.name
            for p in folder.iterdir()
            if not (p.name in {"chroma.sqlite3", ".gitkeep", ".lock"} or _is_uuid(p.name))
        ]
        if unexpected:
            raise IndexCorruptError(
                f"The index at {folder} is damaged, but it also holds files the assistant did not "
                f"write ({', '.join(sorted(unexpected)[:5])}), so it was left alone. Move them "
                "away or point ASSISTANT_INDEX_DIR at an empty folder."
            )
        for path in folder.iterdir():
            if path.name in {".gitkeep", ".lock"}:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        self._client = None
        self._collection = None
        _forget_cached_client(folder)

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Serialise writers across processes for the embedded index."""
        if self.settings.server_mode:
            yield
            return
        folder = Path(self.settings.index_dir)
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class _SyncPlan:
    add: list[tuple[Chunk, int]] = field(default_factory=list)
    keep: list[tuple[Chunk, int]] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    owners: dict[str, tuple[Chunk, int]] = field(default_factory=dict)
    """Each unit record's first occurrence: the chunk and unit index it describes."""
    deleted_chunks: int = 0
    unchanged: int = 0
    total_chunks: int = 0


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True


def _is_connection_error(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(
        word in text
        for word in ("connect", "connection", "timeout", "timed out", "refused", "unreachable")
    )


def _is_corruption(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(
        word in text
        for word in ("not a database", "malformed", "disk image", "corrupt", "no such table")
    )


# Per index folder: the revision this process's shared Chroma system reflects, and how
# many times it was reopened (each store reconnects when the count moves on).
_VIEWS: dict[str, tuple[str | None, int]] = {}
_VIEWS_LOCK = threading.Lock()


def _forget_cached_client(path: Path) -> None:
    """Make the next client for ``path`` load the index from disk afresh.

    Chroma shares one in-memory system per path within a process; dropping it
    from that cache (without stopping it, others may still hold it) is the way
    to see what another process wrote, or a folder that was wiped.
    """
    with contextlib.suppress(Exception):
        from chromadb.api.shared_system_client import SharedSystemClient

        identifier = str(path)
        SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
