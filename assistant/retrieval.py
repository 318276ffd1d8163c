"""Hybrid retrieval: dense Chroma search over sentences and BM25 over passages, fused.

:class:`HybridRetriever` is a LangChain ``BaseRetriever``, so it drops into any
chain. Below the relevance floor (the best dense cosine similarity), a question
counts as not covered by the corpus and the retriever returns nothing.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, PrivateAttr

from assistant.chunking import Chunk
from assistant.index import ChunkStore
from assistant.keyword import KeywordIndex
from assistant.settings import Settings
from assistant.timing import stage


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
    k: int = Field(default=4, ge=1)
    fetch_k: int = Field(default=20, ge=1)
    fusion: Literal["relative", "rrf"] = "relative"
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.0, ge=0.0)
    keyword_weight: float = Field(default=1.0, ge=0.0)
    relevance_floor: float = 0.30

    _keyword: KeywordIndex | None = PrivateAttr(default=None)
    _keyword_revision: str | None = PrivateAttr(default=None)
    _keyword_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, store: ChunkStore, settings: Settings) -> HybridRetriever:
        """A retriever configured from :class:`Settings`."""
        return cls(
            store=store,
            k=settings.top_k,
            fetch_k=settings.fetch_k,
            fusion=settings.fusion,
            rrf_k=settings.rrf_k,
            dense_weight=settings.dense_weight,
            keyword_weight=settings.keyword_weight,
            relevance_floor=settings.relevance_floor,
        )

    def keyword_index(self, revision: str | None = None) -> KeywordIndex:
        """The BM25 index, rebuilt whenever the store's content has changed."""
        revision = revision if revision is not None else self.store.revision()
        with self._keyword_lock:
            if self._keyword is None or self._keyword_revision != revision:
                self._keyword = KeywordIndex(self.store.chunks())
                self._keyword_revision = revision
            return self._keyword

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        k = self.k if k is None else k
        fetch = max(self.fetch_k, k)
        with stage("embed"):
            vector = self.store.embeddings.encode_query(query)
        with stage("search"):
            revision = self.store.revision()  # first: it reopens an index changed elsewhere
            dense = self.store.search(vector, fetch)
        if not dense or dense[0].similarity < self.relevance_floor:
            return []
        with stage("keyword"):
            keyword = self.keyword_index(revision).search(query, fetch)
        with stage("fuse"):
            chunks = {hit.chunk.id: hit.chunk for hit in dense}
            chunks.update((chunk.id, chunk) for chunk, _ in keyword if chunk.id not in chunks)
            units = self.store.unit_similarities(list(chunks.values()), vector)
            similarity = {i: max(units.get(i) or [0.0]) for i in chunks}
            bm25 = {chunk.id: score for chunk, score in keyword}
            fused = self._fused_scores(similarity, bm25)
            ranked = sorted(fused, key=lambda i: (-fused[i], -similarity[i]))[:k]
            dense_rank = {hit.chunk.id: rank for rank, hit in enumerate(dense, start=1)}
            keyword_rank = {chunk.id: rank for rank, (chunk, _) in enumerate(keyword, start=1)}
        return [
            _to_document(
                chunks[i],
                similarity=similarity[i],
                unit_similarities=json.dumps([round(v, 5) for v in units.get(i, [])]),
                fused_score=fused[i],
                dense_rank=dense_rank.get(i),
                keyword_rank=keyword_rank.get(i),
                keyword_score=bm25.get(i, 0.0),
            )
            for i in ranked
        ]

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


def _to_document(chunk: Chunk, **scores: Any) -> Document:
    metadata = chunk.to_metadata(file_chunks=0)
    for internal in ("file_chunks", "fingerprint", "kind"):
        metadata.pop(internal)
    if metadata.get("pages") == "[]":
        metadata.pop("pages")
    metadata["chunk_id"] = chunk.id
    metadata.update({key: value for key, value in scores.items() if value is not None})
    return Document(id=chunk.id, page_content=chunk.text, metadata=metadata)


def chunk_from_document(document: Document) -> Chunk:
    """The :class:`Chunk` a retrieved document was made from."""
    return Chunk.from_record(
        str(document.metadata.get("chunk_id", document.id)),
        document.page_content,
        document.metadata,
    )
