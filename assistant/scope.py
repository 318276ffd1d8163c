"""Answer or refuse: the one place that decides whether the corpus covers a question.

Two checks, in order. Nothing retrieved is close enough in meaning (the best
unit's cosine similarity is under the relevance floor): refuse. Otherwise the
near-miss check looks at the question's own words, because dense similarity
alone cannot tell "What does a COO do?" from "What does a CFO do?" or "How much
does a COO earn?". Each topical word must be in the corpus, or have a close
counterpart (by embedding) among the words of the retrieved passages; the words
that carry most of the question's weight (idf) must be covered. Two cases fail
outright: an acronym the corpus never uses (CFO, CTO), and a word standing where
the corpus has another one in the same frame ("chief *financial* officer"
against "chief *operating* officer").
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache

from assistant.bm25 import KeywordIndex
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.retrieval import Passage, Retrieval
from assistant.text import QUESTION_FILLER, STOPWORDS, fold, stem
from assistant.timing import stage

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_ACRONYM = re.compile(r"\b([A-Z]{2,})s?\b")
_CACHE_SIZE = 20_000


@dataclass(frozen=True)
class Verdict:
    """Whether to answer, with the question's words the corpus has nothing for."""

    answerable: bool
    share: float
    """Share of the question's topical weight that the corpus covers (0..1)."""
    missing: tuple[str, ...] = ()


class ScopeCheck:
    """Decides whether retrieved passages can answer a question."""

    def __init__(
        self,
        embeddings: SentenceTransformerEmbeddings,
        *,
        relevance_floor: float = 0.30,
        near_misses: bool = True,
        word_similarity: float = 0.55,
        min_share: float = 0.6,
    ) -> None:
        self.embeddings = embeddings
        self.relevance_floor = relevance_floor
        self.near_misses = near_misses
        self.word_similarity = word_similarity
        self.min_share = min_share
        self._vectors: LRUCache[str, np.ndarray] = LRUCache(_CACHE_SIZE)
        self._lock = threading.Lock()

    def judge(self, question: str, retrieval: Retrieval) -> Verdict:
        """The verdict on ``question`` given what was retrieved for it."""
        if not retrieval.passages or retrieval.best_similarity < self.relevance_floor:
            return Verdict(answerable=False, share=0.0)
        if not self.near_misses:
            return Verdict(answerable=True, share=1.0)
        with stage("coverage"):
            return self._coverage(question, retrieval.passages, retrieval.statistics)

    def _coverage(
        self, question: str, passages: tuple[Passage, ...], index: KeywordIndex
    ) -> Verdict:
        corpus = index.lowered_text
        words = list(dict.fromkeys(w.lower() for w in _WORD.findall(question)))
        topical = [w for w in words if w not in STOPWORDS and w not in QUESTION_FILLER]
        missing = [w for w in topical if stem(fold(w)) not in index.vocabulary]
        foreign = [a.lower() for a in _ACRONYM.findall(question) if not _mentions(corpus, a)]
        foreign += [w for w in missing if _contrasting(question, w, corpus)]
        if foreign:
            return Verdict(answerable=False, share=0.0, missing=tuple(dict.fromkeys(foreign)))
        if not topical:
            return Verdict(answerable=True, share=1.0)
        unmatched = set(self._unmatched(missing, passages))
        weights = {w: index.idf(stem(fold(w))) for w in topical}
        total = sum(weights.values()) or 1.0
        share = sum(weights[w] for w in topical if w not in unmatched) / total
        ordered = tuple(w for w in topical if w in unmatched)
        return Verdict(answerable=share >= self.min_share, share=share, missing=ordered)

    def _unmatched(self, missing: list[str], passages: tuple[Passage, ...]) -> list[str]:
        """Missing words with no close counterpart among the passages' words."""
        if not missing:
            return []
        text = " ".join(f"{p.chunk.section} {p.chunk.text}" for p in passages)
        passage_words = sorted(
            {w.lower() for w in _WORD.findall(text)} - STOPWORDS - QUESTION_FILLER
        )
        if not passage_words:
            return missing
        similarity = self._vectors_of(missing) @ self._vectors_of(passage_words).T
        return [
            w
            for w, row in zip(missing, similarity, strict=True)
            if row.max() < self.word_similarity
        ]

    def _vectors_of(self, words: list[str]) -> np.ndarray:
        with self._lock:
            known = {w: self._vectors[w] for w in words if w in self._vectors}
        unknown = [w for w in words if w not in known]
        if unknown:
            fresh = self.embeddings.encode(unknown)
            with self._lock:
                for word, vector in zip(unknown, fresh, strict=True):
                    self._vectors[word] = vector
                    known[word] = vector
        return np.stack([known[w] for w in words])


def _mentions(corpus: str, acronym: str) -> bool:
    return re.search(rf"\b{re.escape(acronym.lower())}s?\b", corpus) is not None


def _contrasting(question: str, word: str, corpus: str) -> bool:
    """True if the corpus fills this word's frame with another word ("chief X officer")."""
    words = [w.lower() for w in _WORD.findall(question)]
    for i, current in enumerate(words[1:-1], start=1):
        if current != word:
            continue
        left, right = words[i - 1], words[i + 1]
        if left in STOPWORDS or right in STOPWORDS:
            continue
        frame = re.search(rf"\b{re.escape(left)}\s+([a-z][a-z-]*)\s+{re.escape(right)}\b", corpus)
        if frame and frame.group(1) != word:
            return True
    return False
