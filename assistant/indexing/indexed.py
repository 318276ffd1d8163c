"""What the index holds of each source file: what a sync compares the corpus with."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from assistant.documents.chunking import Chunk
from assistant.indexing.store import ChunkStore


@dataclass
class Indexed:
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
        """Every record of the file: its passages and its units."""
        return self.chunk_ids | self.unit_ids


def indexed_by_source(store: ChunkStore) -> dict[str, Indexed]:
    """What the index holds of each source file, read from every record."""
    indexed: dict[str, Indexed] = defaultdict(Indexed)
    for ids, documents, metadatas in store.pages(
        store.passages, include=["documents", "metadatas"]
    ):
        for chunk_id, document, metadata in zip(ids, documents, metadatas, strict=True):
            entry = indexed[str(metadata["source"])]
            entry.fingerprints.add(str(metadata.get("fingerprint", "")))
            entry.chunk_ids.add(chunk_id)
            entry.expected.add(int(metadata.get("file_chunks", -1)))
            entry.referenced_units.update(
                Chunk.from_record(chunk_id, document or "", metadata).unit_ids
            )
    for ids, _, metadatas in store.pages(store.collection, include=["metadatas"]):
        for unit_id, metadata in zip(ids, metadatas, strict=True):
            entry = indexed[str(metadata["source"])]
            entry.fingerprints.add(str(metadata.get("fingerprint", "")))
            entry.unit_ids.add(unit_id)
    return indexed
