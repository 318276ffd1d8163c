"""Hybrid retrieval: dense Chroma search over sentences and BM25 over passages, fused.

:meth:`HybridRetriever.search` returns typed :class:`Passage` objects (with the
unit vectors the answerers reuse); as a LangChain ``BaseRetriever`` it returns
the same passages as ``Document`` objects, so it drops into any chain. Whether
the passages answer the question is not decided here: that is
:mod:`assistant.asking.decision`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from assistant.common.timing import stage
from assistant.documents.chunking import Chunk, chunk_to_document
from assistant.indexing.statistics import CorpusStatistics, KeywordIndex
from assistant.indexing.store import ChunkStore
from assistant.settings import Settings


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its scores and its units' stored vectors."""

    chunk: Chunk
    similarity: float
    """Cosine similarity of the chunk's best unit to the query."""
    fused_score: float
    keyword_score: float = 0.0
    dense_rank: int | None = None
    keyword_rank: int | None = None
    unit_similarities: tuple[float, ...] = ()
    """Cosine similarity of each unit to the query, in unit order (empty if unknown)."""
    unit_vectors: np.ndarray | None = field(default=None, compare=False, repr=False)
    """The units' stored vectors, one row per unit (``None`` if unknown)."""

    def to_document(self) -> Document:
        """The passage as a LangChain document, scores in its metadata."""
        return chunk_to_document(
            self.chunk,
            similarity=self.similarity,
            fused_score=self.fused_score,
            keyword_score=self.keyword_score,
            dense_rank=self.dense_rank,
            keyword_rank=self.keyword_rank,
        )


@dataclass(frozen=True)
class Retrieval:
    """What one search found, with what it computed on the way."""

    query: str
    vector: np.ndarray = field(compare=False, repr=False)
    """The query's unit-length embedding."""
    passages: tuple[Passage, ...]
    best_similarity: float
    """Cosine similarity of the nearest unit in the whole index (-1 when it is empty)."""
    statistics: KeywordIndex = field(compare=False, repr=False)
    """The corpus statistics the search used (idf, vocabulary, phrase counts)."""


class HybridRetriever(BaseRetriever):
    """Dense + keyword retrieval over a :class:`ChunkStore`.

    >>> retriever = HybridRetriever(store=store, k=4)        # doctest: +SKIP
    >>> docs = retriever.invoke("What does a COO do?")       # doctest: +SKIP
    >>> docs[0].metadata["section"], docs[0].metadata["similarity"]  # doctest: +SKIP

    Each document carries ``source``, ``section``, ``start``/``end`` offsets,
    its dense ``similarity``, its ``fused_score`` and its ranks in both lists.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChunkStore
    statistics: CorpusStatistics | None = None
    """Shared corpus statistics; by default the retriever keeps its own."""
    k: int = Field(default=4, ge=1)
    fetch_k: int = Field(default=20, ge=1)
    fusion: Literal["relative", "rrf"] = "relative"
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.0, ge=0.0)
    keyword_weight: float = Field(default=1.0, ge=0.0)

    def model_post_init(self, context: Any, /) -> None:
        if self.statistics is None:
            self.statistics = CorpusStatistics(self.store)

    @classmethod
    def from_settings(
        cls, store: ChunkStore, settings: Settings, statistics: CorpusStatistics | None = None
    ) -> HybridRetriever:
        """A retriever configured from :class:`Settings`."""
        return cls(
            store=store,
            statistics=statistics,
            k=settings.top_k,
            fetch_k=settings.fetch_k,
            fusion=settings.fusion,
            rrf_k=settings.rrf_k,
            dense_weight=settings.dense_weight,
            keyword_weight=settings.keyword_weight,
        )

    def search(
        self, query: str, k: int | None = None, *, statistics: KeywordIndex | None = None
    ) -> Retrieval:
        """The ``k`` best passages for ``query``, best first, with their scores.

        ``statistics`` is the snapshot of the index to use, when the caller already
        took one (it also reopened an index changed by another process), and
        decides which documents the asker may be answered from.
        """
        assert self.statistics is not None
        k = self.k if k is None else k
        fetch = max(self.fetch_k, k)
        with stage("embed"):
            vector = self.store.embeddings.encode_query(query)
        with stage("search"):
            if statistics is None:
                statistics = self.statistics.current()  # first: it reopens a changed index
            # The snapshot is the asker's: another user's private documents are hidden, and
            # what the index gained since the snapshot (another user's upload being written)
            # is left for the next question: only the snapshot's documents are kept.
            dense = self.store.search(vector, fetch, hidden=statistics.hidden_sources)
            dense = [hit for hit in dense if hit.chunk.source in statistics.sources]
        if not dense:
            return Retrieval(query, vector, (), -1.0, statistics)
        with stage("keyword"):
            keyword = statistics.search(query, fetch)
        with stage("fuse"):
            chunks = {hit.chunk.id: hit.chunk for hit in dense}
            chunks.update((chunk.id, chunk) for chunk, _ in keyword if chunk.id not in chunks)
            vectors = self.store.unit_vectors(list(chunks.values()))
            units = {i: (rows @ vector).tolist() for i, rows in vectors.items()}
            similarity = {i: max(units.get(i) or [0.0]) for i in chunks}
            bm25 = {chunk.id: score for chunk, score in keyword}
            fused = self._fused_scores(similarity, bm25)
            ranked = sorted(fused, key=lambda i: (-fused[i], -similarity[i]))[:k]
            dense_rank = {hit.chunk.id: rank for rank, hit in enumerate(dense, start=1)}
            keyword_rank = {chunk.id: rank for rank, (chunk, _) in enumerate(keyword, start=1)}
        passages = tuple(
            Passage(
                chunks[i],
                similarity=similarity[i],
                fused_score=fused[i],
                keyword_score=bm25.get(i, 0.0),
                dense_rank=dense_rank.get(i),
                keyword_rank=keyword_rank.get(i),
                unit_similarities=tuple(units.get(i, ())),
                unit_vectors=vectors.get(i),
            )
            for i in ranked
        )
        return Retrieval(query, vector, passages, dense[0].similarity, statistics)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        return [passage.to_document() for passage in self.search(query, k).passages]

    def _fused_scores(self, dense: dict[str, float], bm25: dict[str, float]) -> dict[str, float]:
        """Combine dense similarity and BM25 into one score per candidate chunk.

        ``relative`` rescales each score to 0..1 over the candidates and adds them
        with the weights, so a clear keyword match keeps its lead; ``rrf`` adds
        ``weight / (rrf_k + rank)`` and ignores how far apart the scores are.
        """
        if self.fusion == "rrf":
            fused: dict[str, float] = defaultdict(float)
            rankings = (
                (self.dense_weight, sorted(dense, key=lambda i: -dense[i])),
                (
                    self.keyword_weight,
                    sorted((i for i in bm25 if bm25[i] > 0), key=lambda i: -bm25[i]),
                ),
            )
            for weight, order in rankings:
                for rank, chunk_id in enumerate(order, start=1):
                    fused[chunk_id] += weight / (self.rrf_k + rank)
            return {i: fused[i] for i in dense}
        dense_scaled = _min_max(dense)
        bm25_scaled = _min_max({i: bm25.get(i, 0.0) for i in dense})
        return {
            i: self.dense_weight * dense_scaled[i] + self.keyword_weight * bm25_scaled[i]
            for i in dense
        }


def _min_max(scores: dict[str, float]) -> dict[str, float]:
    """Scores rescaled to 0..1 (all 0 when they are all equal)."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high <= low:
        return dict.fromkeys(scores, 0.0)
    return {i: (v - low) / (high - low) for i, v in scores.items()}
