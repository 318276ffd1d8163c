"""Hybrid retrieval: dense Chroma search and BM25, fused by reciprocal rank.

:class:`HybridRetriever` is a LangChain ``BaseRetriever``, so it drops into any
chain. Below the relevance floor (the best dense cosine similarity), a question
counts as not covered by the corpus and the retriever returns nothing.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
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
            rrf_k=settings.rrf_k,
            dense_weight=settings.dense_weight,
            keyword_weight=settings.keyword_weight,
            relevance_floor=settings.relevance_floor,
        )

    def keyword_index(self) -> KeywordIndex:
        """The BM25 index, rebuilt whenever the store's content has changed."""
        revision = self.store.revision()
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
            dense = self.store.search(vector, fetch)
        if not dense or dense[0].similarity < self.relevance_floor:
            return []
        with stage("keyword"):
            keyword = self.keyword_index().search(query, fetch)
        with stage("fuse"):
            return self._fuse(vector, dense, keyword, k)

    def _fuse(
        self,
        vector: np.ndarray,
        dense: list[Any],
        keyword: list[tuple[Chunk, float]],
        k: int,
    ) -> list[Document]:
        chunks: dict[str, Chunk] = {}
        fused: dict[str, float] = {}
        similarity: dict[str, float] = {}
        dense_rank: dict[str, int] = {}
        keyword_rank: dict[str, int] = {}
        keyword_score: dict[str, float] = {}
        for rank, hit in enumerate(dense, start=1):
            chunks[hit.chunk.id] = hit.chunk
            similarity[hit.chunk.id] = hit.similarity
            dense_rank[hit.chunk.id] = rank
            fused[hit.chunk.id] = self.dense_weight / (self.rrf_k + rank)
        for rank, (chunk, score) in enumerate(keyword, start=1):
            chunks.setdefault(chunk.id, chunk)
            keyword_rank[chunk.id] = rank
            keyword_score[chunk.id] = score
            fused[chunk.id] = fused.get(chunk.id, 0.0) + self.keyword_weight / (self.rrf_k + rank)
        ranked = sorted(fused, key=lambda i: (-fused[i], dense_rank.get(i, 10**9)))[:k]
        missing = [i for i in ranked if i not in similarity]
        if missing:
            similarity.update(self._similarities(vector, [chunks[i] for i in missing]))
        return [
            _to_document(
                chunks[i],
                similarity=similarity[i],
                fused_score=fused[i],
                dense_rank=dense_rank.get(i),
                keyword_rank=keyword_rank.get(i),
                keyword_score=keyword_score.get(i, 0.0),
            )
            for i in ranked
        ]

    def _similarities(self, vector: np.ndarray, chunks: list[Chunk]) -> dict[str, float]:
        """Cosine similarity of keyword-only hits, which dense search did not score."""
        vectors = self.store.embeddings.encode([c.embed_text for c in chunks])
        return {c.id: float(v @ vector) for c, v in zip(chunks, vectors, strict=True)}


def _to_document(chunk: Chunk, **scores: Any) -> Document:
    metadata = chunk.to_metadata(file_chunks=0)
    metadata.pop("file_chunks")
    metadata.pop("fingerprint")
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
