"""Bringing the index up to date with a corpus: plan, apply, rebuild, lock.

Sync is incremental and safe to interrupt: new chunks are written before stale
ones are deleted, and a file counts as indexed only when all of its chunks carry
its current fingerprint, so a killed run is finished by the next one. Writers
are serialised across processes by a file lock beside the embedded index.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.chunking import Chunk, chunk_document
from assistant.documents import Corpus, SkippedFile
from assistant.errors import IndexCorruptError
from assistant.progress import Progress
from assistant.store import PAGE, ChunkStore, reset_chroma_cache
from assistant.text import plural

_BUILDING_SUFFIX = "-building-"


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


@dataclass
class _Plan:
    add: list[tuple[Chunk, int]] = field(default_factory=list)
    keep: list[tuple[Chunk, int]] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    owners: dict[str, tuple[Chunk, int]] = field(default_factory=dict)
    """Each unit record's first occurrence: the chunk and unit index it describes."""
    deleted_chunks: int = 0
    unchanged: int = 0
    total_chunks: int = 0

    @property
    def writes(self) -> bool:
        return bool(self.add or self.keep or self.delete)


class Indexer:
    """Writes a corpus into a :class:`ChunkStore`."""

    def __init__(self, store: ChunkStore) -> None:
        self.store = store
        self.settings = store.settings
        self.embeddings = store.embeddings

    def sync(self, corpus: Corpus, *, progress: Progress | None = None) -> SyncReport:
        """Make the index match ``corpus``, embedding only new or changed chunks.

        Files that could not be read this time keep their previous chunks, so a
        transient read error never deletes indexed content.
        """
        started = time.perf_counter()
        with self.store.lock, self._file_lock(), self.store.translate_errors():
            plan = self._plan(corpus, self._indexed_by_source())
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

    def _plan(self, corpus: Corpus, indexed: dict[str, _Indexed]) -> _Plan:
        plan = _Plan()
        max_tokens = min(self.settings.chunk_max_tokens, self.embeddings.max_tokens - 2)
        for doc in corpus.documents:
            previous = indexed.get(doc.source, _Indexed())
            if previous.complete_for(doc.fingerprint):
                plan.unchanged += 1
                plan.total_chunks += len(previous.chunk_ids)
                continue
            chunks = chunk_document(
                doc, count_tokens=self.embeddings.count_tokens, max_tokens=max_tokens
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
        return plan

    def _indexed_by_source(self) -> dict[str, _Indexed]:
        indexed: dict[str, _Indexed] = defaultdict(_Indexed)
        for ids, documents, metadatas in self.store.pages(None, include=["documents", "metadatas"]):
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

    def _apply(self, plan: _Plan, progress: Progress | None) -> None:
        collection = self.store.collection
        total = len(plan.add)
        if progress:
            progress(0, total)
        if plan.writes:
            # Announced before writing, so a reader in another process sees the change
            # even if this run is killed halfway.
            self.store.bump_revision()
        written: set[str] = set()
        # Order matters for interrupted runs: add, then update, then delete.
        batch = max(1, self.settings.embedding_batch_size)
        for start in range(0, total, batch):
            part = plan.add[start : start + batch]
            collection.upsert(**self._records(part, plan, written))
            if progress:
                progress(min(start + batch, total), total)
        for start in range(0, len(plan.keep), PAGE):
            part = plan.keep[start : start + PAGE]
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
        for start in range(0, len(plan.delete), PAGE):
            collection.delete(ids=plan.delete[start : start + PAGE])
        if plan.writes:
            self.store.bump_revision()

    def _records(
        self, part: list[tuple[Chunk, int]], plan: _Plan, written: set[str]
    ) -> dict[str, list[Any]]:
        """Embedded records of a batch of chunks: each new unit once, then the chunk."""
        texts = list(dict.fromkeys(c.unit_embed_text(u) for c, _ in part for u in c.units))
        vector_of = dict(zip(texts, self.embeddings.encode(texts), strict=True))
        records: dict[str, list[Any]] = {
            "ids": [],
            "embeddings": [],
            "documents": [],
            "metadatas": [],
        }

        def add(record_id: str, vector: np.ndarray, document: str, metadata: Any) -> None:
            records["ids"].append(record_id)
            records["embeddings"].append(vector.tolist())
            records["documents"].append(document)
            records["metadatas"].append(metadata)

        for chunk, file_chunks in part:
            mine = np.stack([vector_of[chunk.unit_embed_text(u)] for u in chunk.units])
            for index, unit_id in enumerate(chunk.unit_ids):
                if unit_id in written:
                    continue
                written.add(unit_id)
                owner, at = plan.owners[unit_id]
                add(
                    unit_id,
                    mine[index],
                    chunk.unit_embed_text(chunk.units[index]),
                    owner.unit_metadata(at),
                )
            # The chunk's own vector is the mean of its units': no extra model call.
            centre = mine.mean(axis=0)
            centre /= max(float(np.linalg.norm(centre)), 1e-12)
            add(chunk.id, centre, chunk.text, chunk.to_metadata(file_chunks=file_chunks))
        return records

    def rebuild(self, corpus: Corpus, *, progress: Progress | None = None) -> SyncReport:
        """Re-embed everything from scratch.

        The new index is built beside the old one and swapped in at the end, so
        an interrupted rebuild leaves the previous index working. An index that
        cannot even be opened is wiped first.
        """
        store = self.store
        with store.lock:
            try:
                with store.translate_errors():
                    store.client.list_collections()
            except IndexCorruptError:
                self._wipe_local_index()
            client = store.client
            name = self.settings.collection
            staging = f"{name}{_BUILDING_SUFFIX}{uuid.uuid4().hex[:8]}"
            with store.translate_errors():
                self._drop_stale_staging(client)
                store.use_collection(store.create_collection(staging, existing_ok=False))
            report = self.sync(corpus, progress=progress)
            with store.translate_errors():
                if any(c.name == name for c in client.list_collections()):
                    client.delete_collection(name)
                store.collection.modify(name=name)
                store.use_collection(None)
        return report

    def _drop_stale_staging(self, client: Any) -> None:
        prefix = f"{self.settings.collection}{_BUILDING_SUFFIX}"
        for collection in client.list_collections():
            if collection.name.startswith(prefix):
                client.delete_collection(collection.name)

    def _wipe_local_index(self) -> None:
        if self.settings.server_mode:
            raise IndexCorruptError(
                f"The Chroma server at {self.store.location} reports a damaged store."
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
        self.store.forget()
        reset_chroma_cache()

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


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True
