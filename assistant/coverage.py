"""Does the corpus speak about what the question asks? The near-miss check.

Dense similarity alone cannot tell "What does a COO do?" from "What does a CFO
do?" or "How much does a COO earn?": the passages about the COO are close to all
three. This check looks at the question's own words instead. Each topical word
must be in the corpus, or have a close counterpart (by embedding) among the
words of the retrieved passages; the words that carry most of the question's
weight (idf) must be covered. Two cases fail outright: an acronym the corpus
never uses (CFO, CTO), and a word standing where the corpus has another one in
the same frame ("chief *financial* officer" against "chief *operating* officer").
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from langchain_core.documents import Document

from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.keyword import KeywordIndex
from assistant.text import QUESTION_FILLER, STOPWORDS, fold, stem

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_ACRONYM = re.compile(r"\b([A-Z]{2,})s?\b")
_CACHE_SIZE = 20_000


@dataclass(frozen=True)
class Coverage:
    """The verdict, with the words the corpus has nothing for."""

    covered: bool
    share: float
    """Share of the question's topical weight that the corpus covers (0..1)."""
    missing: tuple[str, ...] = ()


class CoverageCheck:
    """Decides whether retrieved passages can speak to a question's topic."""

    def __init__(
        self,
        embeddings: SentenceTransformerEmbeddings,
        keyword_index: Callable[[], KeywordIndex],
        *,
        word_similarity: float = 0.55,
        min_share: float = 0.6,
    ) -> None:
        self.embeddings = embeddings
        self.keyword_index = keyword_index
        self.word_similarity = word_similarity
        self.min_share = min_share
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, question: str, documents: list[Document]) -> Coverage:
        """Judge ``question`` against the corpus and the passages retrieved for it."""
        if not documents:
            return Coverage(covered=False, share=0.0)
        index = self.keyword_index()
        corpus = index.lowered_text
        words = list(dict.fromkeys(w.lower() for w in _WORD.findall(question)))
        topical = [w for w in words if w not in STOPWORDS and w not in QUESTION_FILLER]
        missing = [w for w in topical if stem(fold(w)) not in index.vocabulary]
        foreign = [a.lower() for a in _ACRONYM.findall(question) if not _mentions(corpus, a)]
        foreign += [w for w in missing if _contrasting(question, w, corpus)]
        if foreign:
            return Coverage(covered=False, share=0.0, missing=tuple(dict.fromkeys(foreign)))
        if not topical:
            return Coverage(covered=True, share=1.0)
        unmatched = set(self._unmatched(missing, documents))
        weights = {w: index.idf(stem(fold(w))) for w in topical}
        total = sum(weights.values()) or 1.0
        share = sum(weights[w] for w in topical if w not in unmatched) / total
        ordered = tuple(w for w in topical if w in unmatched)
        return Coverage(covered=share >= self.min_share, share=share, missing=ordered)

    def _unmatched(self, missing: list[str], documents: list[Document]) -> list[str]:
        """Missing words with no close counterpart among the passages' words."""
        if not missing:
            return []
        text = " ".join(f"{d.metadata.get('section', '')} {d.page_content}" for d in documents)
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
            unknown = [w for w in words if w not in self._vectors]
        if unknown:
            fresh = self.embeddings.encode(unknown)
            with self._lock:
                for word, vector in zip(unknown, fresh, strict=True):
                    self._vectors[word] = vector
                while len(self._vectors) > _CACHE_SIZE:
                    self._vectors.popitem(last=False)
        with self._lock:
            return np.stack([self._vectors[w] for w in words])


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
