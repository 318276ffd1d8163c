"""Bringing the index up to date with a corpus: plan, apply, rebuild, lock.

Sync is incremental and safe to interrupt: new chunks are written before stale
ones are deleted, and a file counts as indexed only when all of its chunks carry
its current fingerprint, so a killed run is finished by the next one. Writers
are serialised across processes by a file lock beside the embedded index.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from assistant.common.progress import Progress
from assistant.common.text import plural
from assistant.documents.chunking import UNIT_ID_PREFIX, Chunk
from assistant.documents.corpus import Corpus, SkippedFile
from assistant.errors import IndexReadOnlyError
from assistant.indexing import builds
from assistant.indexing.indexed import Indexed, indexed_by_source
from assistant.indexing.reading import FileReader
from assistant.indexing.refusals import Refusal, Refusals
from assistant.indexing.store import PAGE, PASSAGES_SUFFIX, ChunkStore
from assistant.indexing.unit_vectors import embedded_texts, long_lists, unit_vector

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
class _Plan:
    add: list[tuple[Chunk, int]] = field(default_factory=list)
    keep: list[tuple[Chunk, int]] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    owners: dict[str, tuple[Chunk, int]] = field(default_factory=dict)
    """Each unit record's first occurrence: the chunk and unit index it describes."""
    deleted_chunks: int = 0
    unchanged: int = 0
    total_chunks: int = 0
    unreadable: list[SkippedFile] = field(default_factory=list)
    """Files that could not be read this time (their previous chunks are kept)."""
    refused: dict[str, Refusal] = field(default_factory=dict)
    """The files refused this time, by digest: remembered, so no later sync pays again."""

    @cached_property
    def long_lists(self) -> frozenset[tuple[str, str]]:
        """The lists being written whose lead-in is embedded once (see :mod:`unit_vectors`)."""
        return long_lists(chunk for chunk, _ in self.add)

    @property
    def writes(self) -> bool:
        return bool(self.add or self.keep or self.delete)


@dataclass(frozen=True)
class _Prepared:
    """What a sync read before taking the lock, and the index revision it read it at."""

    revision: str
    indexed: dict[str, Indexed]
    read: dict[tuple[str, str], list[Chunk] | Refusal]


class _Records(dict[str, list[Any]]):
    """Column lists for one Chroma ``upsert``."""

    def __init__(self) -> None:
        super().__init__(ids=[], embeddings=[], documents=[], metadatas=[])

    def add(self, record_id: str, vector: np.ndarray, document: str, metadata: Any) -> None:
        self["ids"].append(record_id)
        self["embeddings"].append(vector.tolist())
        self["documents"].append(document)
        self["metadatas"].append(metadata)


class Indexer:
    """Writes a corpus into a :class:`ChunkStore`."""

    def __init__(self, store: ChunkStore, refusals: Refusals | None = None) -> None:
        self.store = store
        self.settings = store.settings
        self.embeddings = store.embeddings
        self.reader = FileReader(self.settings, self.embeddings, refusals)

    @property
    def refusals(self) -> Refusals:
        """The files this index refused (see :mod:`assistant.indexing.refusals`)."""
        return self.reader.refusals

    def sync(self, corpus: Corpus, *, progress: Progress | None = None) -> SyncReport:
        """Make the index match ``corpus``, embedding only new or changed chunks.

        Files that could not be read this time keep their previous chunks, so a
        transient read error never deletes indexed content.
        """
        started = time.perf_counter()
        # Read and cut before the lock: one visitor's slow PDF does not hold up another's
        # upload, which waits only for the writing.
        with self.store.translate_errors():
            prepared = self._prepare(corpus)
        with self.store.lock, self._file_lock():
            return self._sync(corpus, progress, prepared, started=started)

    def _prepare(self, corpus: Corpus) -> _Prepared:
        """The chunks (or the refusal) of each file the index lacks, read without the lock."""
        revision = self.store.revision()
        indexed = indexed_by_source(self.store)
        read = {
            (file.source, file.fingerprint): self.reader.read(file)
            for file in corpus.files
            if not indexed.get(file.source, Indexed()).complete_for(file.fingerprint)
        }
        return _Prepared(revision, indexed, read)

    def _sync(
        self,
        corpus: Corpus,
        progress: Progress | None,
        prepared: _Prepared | None = None,
        *,
        started: float | None = None,
    ) -> SyncReport:
        started = time.perf_counter() if started is None else started
        with self.store.translate_errors():
            # Every write moves the revision: unmoved, what was seen before the lock holds.
            if prepared is not None and prepared.revision == self.store.revision():
                indexed = prepared.indexed
            else:
                indexed = indexed_by_source(self.store)
            plan = self._plan(corpus, indexed, prepared.read if prepared else {})
            self._apply(plan, progress)
        present = None if corpus.partial else {f.fingerprint for f in corpus.files}
        self.refusals.update(plan.refused, present)
        return SyncReport(
            documents=len(corpus.files) - len(plan.unreadable),
            chunks=plan.total_chunks,
            added=len(plan.add),
            updated=len(plan.keep),
            deleted=plan.deleted_chunks,
            unchanged_documents=plan.unchanged,
            seconds=time.perf_counter() - started,
            skipped=(*corpus.skipped, *plan.unreadable),
        )

    def _plan(
        self,
        corpus: Corpus,
        indexed: dict[str, Indexed],
        prepared: dict[tuple[str, str], list[Chunk] | Refusal],
    ) -> _Plan:
        plan = _Plan()
        for file in corpus.files:
            previous = indexed.get(file.source, Indexed())
            if previous.complete_for(file.fingerprint):
                plan.unchanged += 1
                plan.total_chunks += len(previous.chunk_ids)
                continue
            chunks = prepared.get((file.source, file.fingerprint))
            if chunks is None:  # changed since it was read, or a rebuild's
                chunks = self.reader.read(file)
            if isinstance(chunks, Refusal):
                # Skipped like an unreadable file: what was indexed from it before stays.
                plan.unreadable.append(SkippedFile(file.source, chunks.reason))
                plan.refused[file.fingerprint] = chunks
                plan.total_chunks += len(previous.chunk_ids)
                continue
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
        if corpus.partial:
            return plan
        unreadable = {s.source for s in (*corpus.skipped, *plan.unreadable)}
        for source, previous in indexed.items():
            # A file added since the folder was listed (an upload indexed while this
            # sync was reading) is not this sync's to remove.
            added = (corpus.root / source).is_file()
            if corpus.get(source) is None and source not in unreadable and not added:
                plan.delete.extend(sorted(previous.all_ids()))
                plan.deleted_chunks += len(previous.chunk_ids)
        return plan

    def _apply(self, plan: _Plan, progress: Progress | None) -> None:
        units, passages = self.store.collection, self.store.passages
        total = len(plan.add)
        if progress:
            progress(0, total)
        if plan.writes:
            # Announced before writing, so a reader in another process sees the change
            # even if this run is killed halfway.
            self.store.bump_revision()
        written: set[str] = set()
        # Order matters for interrupted runs: add (units before their chunks), then
        # update, then delete.
        batch = max(1, self.settings.embedding_batch_size)
        for start in range(0, total, batch):
            unit_records, chunk_records = self._records(
                plan.add[start : start + batch], plan, written
            )
            if unit_records["ids"]:
                units.upsert(**unit_records)
            passages.upsert(**chunk_records)
            if progress:
                progress(min(start + batch, total), total)
        for start in range(0, len(plan.keep), PAGE):
            part = plan.keep[start : start + PAGE]
            passages.update(
                ids=[c.id for c, _ in part],
                metadatas=[c.to_metadata(file_chunks=n) for c, n in part],
            )
            # Ownership may have moved to another chunk since these units were written.
            owned = list(dict.fromkeys(i for c, _ in part for i in c.unit_ids if i not in written))
            written.update(owned)
            if owned:
                units.update(
                    ids=owned,
                    metadatas=[plan.owners[i][0].unit_metadata(plan.owners[i][1]) for i in owned],
                )
        unit_ids = [i for i in plan.delete if i.startswith(UNIT_ID_PREFIX)]
        chunk_ids = [i for i in plan.delete if not i.startswith(UNIT_ID_PREFIX)]
        for collection, ids in ((passages, chunk_ids), (units, unit_ids)):
            for start in range(0, len(ids), PAGE):
                collection.delete(ids=ids[start : start + PAGE])
        if plan.writes:
            self.store.bump_revision()

    def _records(
        self, part: list[tuple[Chunk, int]], plan: _Plan, written: set[str]
    ) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
        """Embedded records of a batch of chunks: each new unit once, and the chunks."""
        texts = dict.fromkeys(
            text for c, _ in part for u in c.units for text in embedded_texts(c, u, plan.long_lists)
        )
        vector_of = dict(zip(texts, self.embeddings.encode(list(texts)), strict=True))
        unit_records = _Records()
        chunk_records = _Records()
        for chunk, file_chunks in part:
            mine = np.stack(
                [unit_vector(chunk, u, vector_of, plan.long_lists) for u in chunk.units]
            )
            for index, unit_id in enumerate(chunk.unit_ids):
                if unit_id in written:
                    continue
                written.add(unit_id)
                owner, at = plan.owners[unit_id]
                unit_records.add(
                    unit_id,
                    mine[index],
                    chunk.unit_embed_text(chunk.units[index]),
                    owner.unit_metadata(at),
                )
            # Passages are fetched by id, never searched; Chroma still wants a vector,
            # and the mean of the units' costs no model call.
            centre = mine.mean(axis=0)
            centre /= max(float(np.linalg.norm(centre)), 1e-12)
            chunk_records.add(
                chunk.id, centre, chunk.text, chunk.to_metadata(file_chunks=file_chunks)
            )
        return unit_records, chunk_records

    def rebuild(self, corpus: Corpus, *, progress: Progress | None = None) -> SyncReport:
        """Re-embed everything from the corpus alone, then swap the new index in.

        Embedded, the new index is a new build folder, published by one atomic
        rename when it is complete (see :mod:`assistant.indexing.builds`): the old index,
        damaged or not, is never opened, and readers see the old one or the new
        one. Against a server, the new collection is built beside the old one and
        renamed when complete.
        """
        if self.settings.server_mode:
            return self._rebuild_on_server(corpus, progress)
        store = self.store
        folder = self.settings.index_dir
        with store.lock, self._file_lock():
            self.refusals.forget()  # a rebuild tries every file again
            previous = builds.active(folder)
            build = builds.new_build(folder)
            staging = Indexer(ChunkStore(self.settings, self.embeddings, path=build), self.refusals)
            report = staging._sync(corpus, progress)
            staging.store.forget()
            builds.publish(folder, build)
            store.forget()
            builds.prune(folder, keep={build, *([previous] if previous else [])})
        return report

    def _rebuild_on_server(self, corpus: Corpus, progress: Progress | None) -> SyncReport:
        store = self.store
        with store.lock:
            self.refusals.forget()  # a rebuild tries every file again
            client = store.client
            name = self.settings.collection
            staging = f"{name}{_BUILDING_SUFFIX}{uuid.uuid4().hex[:8]}"
            with store.translate_errors():
                self._drop_stale_staging(client)
                store.use_collections(
                    store.create_collection(staging, existing_ok=False),
                    store.create_collection(staging + PASSAGES_SUFFIX, existing_ok=False),
                )
            report = self._sync(corpus, progress)
            with store.translate_errors():
                existing = {c.name for c in client.list_collections()}
                for final, built in (
                    (name + PASSAGES_SUFFIX, store.passages),
                    (name, store.collection),
                ):
                    if final in existing:
                        client.delete_collection(final)
                    built.modify(name=final)
                store.forget()
        return report

    def _drop_stale_staging(self, client: Any) -> None:
        prefix = f"{self.settings.collection}{_BUILDING_SUFFIX}"
        for collection in client.list_collections():
            if collection.name.startswith(prefix):
                client.delete_collection(collection.name)

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Serialise writers across processes for the embedded index."""
        if self.settings.server_mode:
            yield
            return
        folder = Path(self.settings.index_dir)
        folder.mkdir(parents=True, exist_ok=True)
        if not builds.writable(folder):
            raise IndexReadOnlyError(
                f"The index folder {folder} is read-only: it can answer, but not be updated or "
                "rebuilt. Make it writable, or point ASSISTANT_INDEX_DIR at a writable folder."
            )
        with (folder / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
