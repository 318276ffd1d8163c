"""Corpus statistics and BM25 keyword search, built in memory from the index.

:class:`KeywordIndex` is one snapshot of the indexed chunks: BM25 search, idf,
the vocabulary and phrase counts. :class:`CorpusStatistics` hands out the
snapshot that matches the store's current revision, so everyone who needs a
statistic asks the same object and a change to the index is seen everywhere.
A snapshot holds only the chunks one :class:`~assistant.documents.access.Viewer`
may see: everything read from it (keyword search, vocabulary, document names,
summaries) leaves other users' private documents out, and dense search skips
its ``hidden_sources``.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Container
from functools import cached_property

import numpy as np

from assistant.common.text import terms
from assistant.documents.access import EVERYONE, Viewer, private_owner
from assistant.documents.chunking import Chunk
from assistant.indexing.spelling import Vocabulary
from assistant.indexing.store import ChunkStore
from assistant.indexing.topics import topic_phrases

_CAPITALS = re.compile(r"\b[A-Z]{2,6}\b")


class KeywordIndex:
    """Okapi BM25 over chunk texts (with their section headings), held as postings."""

    def __init__(
        self,
        chunks: list[Chunk],
        *,
        k1: float = 1.2,
        b: float = 0.75,
        hidden_sources: frozenset[str] = frozenset(),
    ) -> None:
        self.chunks = chunks
        self.hidden_sources = hidden_sources
        """Documents of the index this snapshot leaves out (another user's private ones)."""
        self.k1 = k1
        self.b = b
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(len(chunks), dtype=np.float32)
        for index, chunk in enumerate(chunks):
            counts = Counter(terms(chunk.search_text))
            lengths[index] = sum(counts.values())
            for term, tf in counts.items():
                postings[term].append((index, tf))
        self._lengths = lengths
        self._avg_length = float(lengths.mean()) if len(chunks) else 0.0
        self._postings = {
            term: (
                np.fromiter((i for i, _ in rows), dtype=np.int64, count=len(rows)),
                np.fromiter((tf for _, tf in rows), dtype=np.float32, count=len(rows)),
            )
            for term, rows in postings.items()
        }

    def phrase_count(self, phrase: str) -> int:
        """Occurrences of ``phrase`` in the chunks (case-insensitive, whole words)."""
        needle = " ".join(phrase.lower().split())
        if not needle:
            return 0
        pattern = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")
        return len(pattern.findall(self.lowered_text))

    @cached_property
    def lowered_text(self) -> str:
        """Every chunk's text, lower-cased with single spaces, one chunk per line."""
        return "\n".join(" ".join(c.text.lower().split()) for c in self.chunks)

    @cached_property
    def words(self) -> Vocabulary:
        """The corpus's words, for reading a question typed with mistakes or abbreviations."""
        return Vocabulary.from_texts([c.search_text for c in self.chunks])

    @cached_property
    def topics(self) -> list[str]:
        """The subjects each document keeps naming ("COO", "operations manager")."""
        texts: dict[str, list[str]] = {}
        for chunk in self.chunks:
            texts.setdefault(chunk.source, []).append(chunk.text)
        return list(dict.fromkeys(p for t in texts.values() for p in topic_phrases("\n\n".join(t))))

    @cached_property
    def topic_terms(self) -> tuple[frozenset[str], ...]:
        """Each of :attr:`topics`' content terms, read as a question is read: "Chief
        Operating Officer" is the "COO" the corpus defines. Worked out once per snapshot."""
        return tuple(frozenset(self.subject_terms(t)) for t in self.topics)

    @cached_property
    def named_terms(self) -> frozenset[str]:
        """The terms of the names the corpus writes in capitals ("CEO", "COO"): roles and
        bodies a question may ask about even where the corpus names them once."""
        names = (n for c in self.chunks for n in _CAPITALS.findall(c.text))
        return frozenset(terms(" ".join(names)))

    def subject_terms(self, phrase: str) -> list[str]:
        """The content terms of a subject phrase, read as a question is read."""
        return terms(self.words.normalize(phrase).text)

    @cached_property
    def sources(self) -> frozenset[str]:
        """The documents the chunks come from."""
        return frozenset(c.source for c in self.chunks)

    @cached_property
    def titles(self) -> frozenset[str]:
        """The documents' titles."""
        return frozenset(c.title for c in self.chunks if c.title)

    @cached_property
    def title_terms(self) -> frozenset[str]:
        """Stemmed words of the documents' titles and file names."""
        names = {f"{c.title} {c.source.rsplit('.', 1)[0]}" for c in self.chunks}
        return frozenset(t for name in names for t in terms(name.replace("_", " ")))

    @property
    def vocabulary(self) -> Container[str]:
        """The stemmed terms that occur in the chunks."""
        return self._postings.keys()

    def idf(self, term: str, sources: frozenset[str] | None = None) -> float:
        """Inverse document frequency of a (stemmed) term; high for rare terms.

        With ``sources``, counted over those documents' chunks only: how rare a word
        is among the documents that answer, whatever else the corpus holds (a
        thousand pages about zebras must not make "COO" look rare).
        """
        if sources is None:
            n = len(self.chunks)
            df = len(self._postings[term][0]) if term in self._postings else 0
        else:
            n = sum(self._source_sizes.get(s, 0) for s in sources)
            rows = self._postings[term][0] if term in self._postings else ()
            df = sum(1 for row in rows if self.chunks[row].source in sources)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    @cached_property
    def _source_sizes(self) -> Counter[str]:
        return Counter(chunk.source for chunk in self.chunks)

    def search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` best-scoring chunks with a positive score, best first."""
        if not self.chunks:
            return []
        scores = np.zeros(len(self.chunks), dtype=np.float32)
        norm = self.k1 * (1 - self.b + self.b * self._lengths / max(self._avg_length, 1e-9))
        for term in set(terms(query)):
            posting = self._postings.get(term)
            if posting is None:
                continue
            rows, tf = posting
            scores[rows] += self.idf(term) * tf * (self.k1 + 1) / (tf + norm[rows])
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        top = positive[np.argsort(-scores[positive], kind="stable")[:k]]
        return [(self.chunks[i], float(scores[i])) for i in top]


class CorpusStatistics:
    """The :class:`KeywordIndex` of a store, rebuilt whenever the store's content changes.

    One snapshot per viewer who has private documents (a few kept, least recently
    used dropped); everyone else shares the snapshot of the shared corpus.
    """

    def __init__(self, store: ChunkStore, *, views: int = 8) -> None:
        self.store = store
        self._chunks: list[Chunk] = []
        self._views: dict[str | None, KeywordIndex] = {}
        self._owners: frozenset[str | None] = frozenset()
        self._max_views = views
        self._revision: str | None = None
        self._lock = threading.Lock()

    def current(self, revision: str | None = None, viewer: Viewer = EVERYONE) -> KeywordIndex:
        """The snapshot of ``revision`` (by default, the store's revision now) for ``viewer``."""
        revision = revision if revision is not None else self.store.revision()
        with self._lock:
            if self._revision != revision:
                self._chunks = self.store.chunks()
                self._views = {}
                self._revision = revision
                self._owners = frozenset(private_owner(c.source) for c in self._chunks)
            key = viewer.key if viewer.key in self._owners else None
            index = self._views.pop(key, None)
            if index is None:
                index = _view(self._chunks, viewer if key is not None else EVERYONE)
            self._views[key] = index  # most recently used last
            while len(self._views) > self._max_views:
                del self._views[next(iter(self._views))]
            return index


def _view(chunks: list[Chunk], viewer: Viewer) -> KeywordIndex:
    visible = [c for c in chunks if viewer.sees(c.source)]
    hidden = {c.source for c in chunks} - {c.source for c in visible}
    return KeywordIndex(visible, hidden_sources=frozenset(hidden))
