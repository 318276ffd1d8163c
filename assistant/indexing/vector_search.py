"""Dense search over unit vectors: exact, over a matrix held in memory, or approximate.

Chroma's HNSW graph is approximate, and thousands of near-identical vectors (a
templated PDF: "Zebra page N tiny text.") can knot it so that a search never
leaves their cluster and the relevant document is never reached. Below a size
where the matrix is cheap to hold (``exact_search_max_units``), every unit is
scored instead: one matrix product, a few milliseconds, and never a miss.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np


@dataclass(frozen=True)
class UnitMatrix:
    """Every unit vector of an index (L2-normalised rows) and the chunk each belongs to."""

    unit_ids: tuple[str, ...]
    chunk_of: np.ndarray
    """For each row, the index of its chunk in ``chunk_ids``."""
    chunk_ids: tuple[str, ...]
    vectors: np.ndarray
    source_of: np.ndarray | None = None
    """For each chunk, the index of its document in ``sources`` (None: not known)."""
    sources: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        unit_ids: list[str],
        chunk_ids: list[str],
        vectors: np.ndarray,
        sources: list[str] | None = None,
    ) -> UnitMatrix:
        """From parallel lists: each unit's id, its chunk's id, its vector (and document)."""
        order = {chunk: index for index, chunk in enumerate(dict.fromkeys(chunk_ids))}
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(unit_ids), -1)
        source_of = None
        names: dict[str, int] = {}
        if sources is not None:
            of_chunk = dict(zip(chunk_ids, sources, strict=True))
            names = {name: index for index, name in enumerate(dict.fromkeys(sources))}
            source_of = np.fromiter(
                (names[of_chunk[c]] for c in order), dtype=np.int64, count=len(order)
            )
        return cls(
            unit_ids=tuple(unit_ids),
            chunk_of=np.fromiter(
                (order[c] for c in chunk_ids), dtype=np.int64, count=len(chunk_ids)
            ),
            chunk_ids=tuple(order),
            vectors=matrix,
            source_of=source_of,
            sources=tuple(names),
        )

    @classmethod
    def load(cls, collection: Any, *, dimension: int, page: int = 5000) -> UnitMatrix:
        """Every record of a Chroma units collection (``chunk_id`` in each metadata)."""
        unit_ids: list[str] = []
        chunk_ids: list[str] = []
        sources: list[str] = []
        vectors: list[np.ndarray] = [np.zeros((0, dimension), dtype=np.float32)]
        while True:
            found = collection.get(
                include=["metadatas", "embeddings"], limit=page, offset=len(unit_ids)
            )
            if not found["ids"]:
                break
            unit_ids.extend(found["ids"])
            chunk_ids.extend(str(m["chunk_id"]) for m in found["metadatas"])
            sources.extend(str(m.get("source", "")) for m in found["metadatas"])
            vectors.append(np.asarray(found["embeddings"], dtype=np.float32))
            if len(found["ids"]) < page:
                break
        return cls.build(unit_ids, chunk_ids, np.concatenate(vectors), sources)

    def nearest_chunks(
        self, vector: np.ndarray, k: int, *, hidden: frozenset[str] = frozenset()
    ) -> list[tuple[str, float]]:
        """The ``k`` chunks whose best unit is most similar to ``vector``, best first.

        Chunks of the ``hidden`` documents are never returned.
        """
        if not self.unit_ids or k <= 0:
            return []
        scores = self.vectors @ np.asarray(vector, dtype=np.float32)
        best = np.full(len(self.chunk_ids), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.chunk_of, scores)
        if hidden:
            if self.source_of is None:
                raise ValueError("This matrix does not know its documents; cannot hide some.")
            masked = np.fromiter((s in hidden for s in self.sources), dtype=bool)
            best[masked[self.source_of]] = -np.inf
        k = min(k, int(np.isfinite(best).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-best, k - 1)[:k]
        top = top[np.argsort(-best[top], kind="stable")]
        return [(self.chunk_ids[i], float(best[i])) for i in top]

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Each unit id's row."""
        return {unit_id: row for row, unit_id in enumerate(self.unit_ids)}

    def vectors_of(self, unit_ids: tuple[str, ...]) -> np.ndarray | None:
        """The rows of these units in order, or None if one is missing."""
        if not all(i in self.row_of for i in unit_ids):
            return None
        return self.vectors[[self.row_of[i] for i in unit_ids]]


class ExactSearch:
    """The :class:`UnitMatrix` of an index's current revision, loaded once per revision.

    ``limit`` is the most units held in memory (0: never); above it, the loader
    returns None and the caller searches Chroma's HNSW graph instead.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._revision: str | None = None
        self._matrix: UnitMatrix | None = None
        self._lock = threading.Lock()

    def matrix(self, revision: str, load: Callable[[int], UnitMatrix | None]) -> UnitMatrix | None:
        """The matrix for ``revision``, from ``load(limit)`` when it changed."""
        if self.limit <= 0:
            return None
        with self._lock:
            if self._revision != revision:
                self._matrix = load(self.limit)
                self._revision = revision
            return self._matrix

    def cached(self, revision: str | None) -> UnitMatrix | None:
        """The matrix if it is loaded for ``revision``; never loads."""
        return self._matrix if revision is not None and revision == self._revision else None


_UNITS_PER_CHUNK = 4


def approximate_nearest_chunks(
    collection: Any, vector: np.ndarray, k: int, *, hidden: frozenset[str] = frozenset()
) -> list[tuple[str, float]]:
    """The ``k`` chunks whose best unit is nearest, by Chroma's HNSW search of ``collection``.

    Units of the ``hidden`` documents are filtered out by Chroma, before ranking.
    """
    query = np.asarray(vector, dtype=np.float32).tolist()
    where = {"source": {"$nin": sorted(hidden)}} if hidden else None
    total = collection.count()
    best: dict[str, float] = {}
    # A chunk has a few units; fetch enough of them to fill k distinct chunks, and more
    # when they crowd into fewer.
    wanted = min(total, max(k * _UNITS_PER_CHUNK, k))
    while wanted:
        result = collection.query(
            query_embeddings=[query],
            n_results=wanted,
            where=where,
            include=["metadatas", "distances"],
        )
        for metadata, distance in zip(result["metadatas"][0], result["distances"][0], strict=True):
            best.setdefault(str(metadata["chunk_id"]), 1.0 - float(distance))
        if len(best) >= k or wanted >= total:
            break
        wanted = min(total, wanted * 4)
    ranked = sorted(best, key=lambda i: -best[i])[:k]
    return [(i, best[i]) for i in ranked]
