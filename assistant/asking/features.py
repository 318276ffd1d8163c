"""What the learned scorer sees: features of each candidate unit and of the question.

Every signal the pipeline has, as numbers: closeness in meaning (cosine) and in
words (idf-weighted overlap, heading and lead-in included), how generic a unit is,
whether it has what the question's type asks for (a date for "when"), the reader's
score, and how much of the question the corpus knows at all. The scorer turns them
into probabilities with learned weights (:mod:`assistant.models.scorer.training`).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from cachetools import LRUCache

from assistant.asking.candidates import Candidate, UnitKey, candidates_of, stored_vectors
from assistant.asking.retrieval import Retrieval
from assistant.common.text import QUESTION_FILLER, STOPWORDS, terms
from assistant.indexing.spelling import Normalized, english_frequencies, rarity
from assistant.indexing.statistics import KeywordIndex
from assistant.indexing.topics import without_topics

UNIT_FEATURES = (
    "cos",
    "overlap",
    "overlap_context",
    "heading_overlap",
    "centrality",
    "length",
    "novelty",
    "when_date",
    "count_number",
    "who_name",
    "where_name",
    "why_cause",
    "reader",
)
"""Per candidate unit. The ranker compares one question's units, so only differences
between them matter: nothing here needs to mean the same on another document."""
QUESTION_FEATURES = (
    "top_score",
    "top_share",
    "top_probability",
    "top_list_share",
    "top_cos",
    "best_similarity",
    "top_overlap",
    "top_reader",
    "asked_cos",
    "vocab_share",
    "unknown_count",
    "unknown_soft",
    "unknown_rarity",
    "unknown_english",
    "unknown_acronyms",
    "unknown_substitutes",
    "length",
    "type_unmet",
)
"""Per question: how well its best unit matches, and how much of it the corpus knows."""
SCORED = 4
"""The first question features come from the unit scores (the scorer fills them in)."""
_READER = UNIT_FEATURES.index("reader")
_CONTEXT_OVERLAP = UNIT_FEATURES.index("overlap_context")

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"hundred|thousand|million|billion|dozen|half|percent)\b",
    re.I,
)
_DATE = re.compile(
    r"\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(january|february|march|april|may|june|july|august|"
    r"september|october|november|december|century|centuries|decade)\b",
    re.I,
)
_CAUSE = re.compile(
    r"\b(because|due to|since|so that|in order to|as a result|to ensure|therefore|thus|"
    r"led to|caused|crucial|essential|important)\b",
    re.I,
)
# The question's type, from its first question word (a later "when" joins clauses).
_QUESTION_KINDS = (
    ("count", re.compile(r"^how (many|much|long|old|far|big|large)\b|\bwhat (percentage|number)")),
    ("when", re.compile(r"^when\b|\b(what|which|in what) (year|century|decade|date)\b")),
    ("who", re.compile(r"^(who|whom|whose)\b")),
    ("where", re.compile(r"^where\b")),
    ("why", re.compile(r"^why\b")),
)
_QUESTION_WORD = re.compile(r"\b(how|when|who|whom|whose|where|why|what|which)\b.*", re.I)
_WORD_CACHE = 50_000


@dataclass(frozen=True)
class Question:
    """The question as the scorer reads it."""

    text: str
    """The normalized question (in the corpus's words)."""
    weights: dict[str, float]
    """Each content term (stemmed) and its idf in the corpus."""
    kind: str
    """``count``, ``when``, ``who``, ``where``, ``why`` or ``other``."""
    normalized: Normalized


@dataclass(frozen=True)
class Features:
    """Everything the scorer needs about one question and its candidate units."""

    question: Question
    candidates: list[Candidate]
    vectors: np.ndarray = field(repr=False)
    """Unit-length vectors of the candidates, one row each."""
    units: np.ndarray = field(repr=False)
    """One row of :data:`UNIT_FEATURES` per candidate."""
    question_row: np.ndarray = field(repr=False)
    """:data:`QUESTION_FEATURES`, the first :data:`SCORED` left for the scorer to fill in."""


Read = Callable[[str, list[Candidate]], np.ndarray]
"""The reader: log-odds that each candidate answers the question."""


def reading_order(units: np.ndarray) -> np.ndarray:
    """Candidates by closeness in meaning and in words (heading too): the reader's order."""
    first = units[:, UNIT_FEATURES.index("cos")] + units[:, _CONTEXT_OVERLAP]
    return np.argsort(-first, kind="stable")


def read_units(
    read: Read, question: str, candidates: list[Candidate], units: np.ndarray, best: int
) -> None:
    """Fill in ``units``' reader column: the ``best`` candidates read, the rest their lowest."""
    if not candidates:
        return
    order = reading_order(units)[:best]
    logits = read(question, [candidates[i] for i in order])
    units[:, _READER] = float(logits.min())
    units[order, _READER] = logits


class FeatureExtractor:
    """Computes :class:`Features`; embeds only what the index did not store, reads
    (:func:`read_units`) only the ``read_best`` candidates retrieval ranks highest."""

    def __init__(
        self,
        encode: Callable[[list[str]], np.ndarray],
        read: Read | None = None,
        *,
        read_best: int = 12,
    ) -> None:
        self.encode = encode
        self.read = read
        self.read_best = read_best
        self._words: LRUCache[str, np.ndarray] = LRUCache(_WORD_CACHE)
        self._lock = threading.Lock()

    def extract(
        self, normalized: Normalized, retrieval: Retrieval, skip: Collection[UnitKey] = ()
    ) -> Features:
        """Features of ``normalized`` against ``retrieval``'s finds, but units at ``skip``."""
        statistics = retrieval.statistics
        sources = frozenset(p.chunk.source for p in retrieval.passages)
        question = _question(normalized, statistics, sources)
        candidates = candidates_of(retrieval.passages, skip)
        vectors = stored_vectors(candidates, retrieval.passages)
        if vectors is None and candidates:
            vectors = self.encode([c.scoring_text for c in candidates])
        if vectors is None:
            vectors = np.zeros((0, len(retrieval.vector)), dtype=np.float32)
        dense = vectors @ retrieval.vector if len(candidates) else np.zeros(0)
        units = _unit_rows(question, candidates, dense, vectors, retrieval)
        if self.read is not None:
            read_units(self.read, question.text, candidates, units, self.read_best)
        row = self._question_row(question, candidates, dense, units, retrieval, vectors=vectors)
        return Features(question, candidates, vectors, units, row)

    def _question_row(
        self,
        question: Question,
        candidates: list[Candidate],
        dense: np.ndarray,
        units: np.ndarray,
        retrieval: Retrieval,
        *,
        vectors: np.ndarray,
    ) -> np.ndarray:
        weights = question.weights
        total = sum(weights.values()) or 1.0
        vocabulary = retrieval.statistics.vocabulary
        known = sum(w for t, w in weights.items() if t in vocabulary) / total
        unknown = list(dict.fromkeys(w.lower() for w in question.normalized.unknown))
        english = english_frequencies()
        acronyms = [
            w
            for w in _WORD.findall(question.normalized.text)
            if w.isupper() and len(w) >= 2 and w in question.normalized.unknown
        ]
        wants = question.kind in ("count", "when")
        cue = "count_number" if question.kind == "count" else "when_date"
        has = units[:, UNIT_FEATURES.index(cue)]
        return np.array(
            [
                *([0.0] * SCORED),  # from the unit scores, filled in by the scorer
                float(dense.max()) if len(dense) else 0.0,
                retrieval.best_similarity,
                float(units[:, UNIT_FEATURES.index("overlap_context")].max()) if len(units) else 0,
                float(units[:, _READER].max()) if len(units) else -10.0,
                self._asked(question, retrieval, vectors, dense),
                known,
                float(len(unknown)),
                *self._soft_coverage(unknown, candidates),
                sum(w in english for w in unknown) / len(unknown) if unknown else 0.0,
                float(len(acronyms)),
                _substitutes(question.normalized, candidates, self._similarity),
                math.log1p(len(weights)),
                float(wants and not (len(has) and has.max() > 0)),
            ],
            dtype=np.float32,
        )

    def _asked(
        self, question: Question, retrieval: Retrieval, vectors: np.ndarray, dense: np.ndarray
    ) -> float:
        """How close what is asked, without the subjects the corpus keeps naming, comes to a unit
        ("What is the average salary of [a COO]?" asks about pay, which no unit is close to)."""
        if not len(vectors):
            return 0.0
        asked = without_topics(question.text, retrieval.statistics.topics)
        if not asked or asked == question.text:
            return float(dense.max())  # the question's own similarity, computed already
        return float((vectors @ self.encode([asked])[0]).max())

    def _soft_coverage(
        self, unknown: list[str], candidates: list[Candidate]
    ) -> tuple[float, float]:
        """How close the unknown words come to a word of the passages, and how rare they are.

        A paraphrase's new words have near neighbours ("consequences", "impact");
        a near miss's do not ("salary"). Chat adds common words ("actually", "real
        quick") that name no topic; a near miss adds a rarer one.
        """
        if not unknown:
            return 1.0, 0.0
        text = " ".join(f"{c.chunk.section} {c.scoring_text}" for c in candidates)
        words = sorted({w.lower() for w in _WORD.findall(text)} - STOPWORDS - QUESTION_FILLER)
        if not words:
            return 0.0, 0.0
        best = (self._word_vectors(unknown) @ self._word_vectors(words).T).max(axis=1)
        return float(best.mean()), rarity(unknown)

    def _similarity(self, first: str, second: str) -> float:
        a, b = self._word_vectors([first, second])
        return float(a @ b)

    def _word_vectors(self, words: list[str]) -> np.ndarray:
        with self._lock:
            known = {w: self._words[w] for w in words if w in self._words}
        missing = [w for w in words if w not in known]
        if missing:
            fresh = self.encode(missing)
            with self._lock:
                for word, vector in zip(missing, fresh, strict=True):
                    self._words[word] = vector
                    known[word] = vector
        return np.stack([known[w] for w in words])


def _question(
    normalized: Normalized, statistics: KeywordIndex, sources: frozenset[str]
) -> Question:
    opening = _QUESTION_WORD.search(normalized.text)
    asked = opening.group(0).lower() if opening else normalized.text.lower()
    kind = next((name for name, pattern in _QUESTION_KINDS if pattern.search(asked)), "other")
    # Rarity among the documents retrieved, not the whole corpus (see KeywordIndex.idf).
    weights = {t: statistics.idf(t, sources) for t in dict.fromkeys(terms(normalized.text))}
    return Question(normalized.text, weights, kind, normalized)


def _substitutes(
    normalized: Normalized, candidates: list[Candidate], similar: Callable[[str, str], float]
) -> float:
    """How far unknown words are from the words the passages have in their place.

    "chief *financial* officer" against "chief operating officer", "a *general*
    manager" against "an operations manager": the question names a neighbour
    of what the corpus talks about, and counts fully (1 minus a low similarity).
    A related word in that place ("main" for "key responsibilities") is nearer a
    paraphrase and counts little.
    """
    words = [w.lower() for w in _WORD.findall(normalized.text)]
    unknown = {w.lower() for w in normalized.unknown}
    text = " ".join(" ".join(_WORD.findall(c.text)).lower() for c in candidates)
    total = 0.0
    for i, word in enumerate(words):
        if word not in unknown:
            continue
        left = words[i - 1] if i > 0 and words[i - 1] not in STOPWORDS else None
        right = words[i + 1] if i + 1 < len(words) and words[i + 1] not in STOPWORDS else None
        if left is None and right is None:
            continue
        before = rf"\b{re.escape(left)} " if left else r"\b"
        after = rf" {re.escape(right)}\b" if right else r"\b"
        others = {m.group(1) for m in re.finditer(before + r"([a-z-]+)" + after, text)} - {word}
        if others:
            total += 1.0 - max(similar(word, o) for o in others)
    return total


@lru_cache(maxsize=20_000)
def _terms(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def _share(weights: dict[str, float], words: frozenset[str], total: float) -> float:
    return sum(w for t, w in weights.items() if t in words) / total


def _cues(text: str, question_words: set[str]) -> tuple[bool, bool, bool, bool]:
    """Whether a unit has a number, a date, a name the question does not, a cause."""
    names = [
        w
        for i, w in enumerate(_WORD.findall(text))
        if i > 0 and w[:1].isupper() and w.lower() not in question_words
    ]
    return (
        bool(_NUMBER.search(text)),
        bool(_DATE.search(text)),
        bool(names),
        bool(_CAUSE.search(text)),
    )


def _unit_rows(
    question: Question,
    candidates: list[Candidate],
    dense: np.ndarray,
    vectors: np.ndarray,
    retrieval: Retrieval,
) -> np.ndarray:
    rows = np.zeros((len(candidates), len(UNIT_FEATURES)), dtype=np.float32)
    if not candidates:
        return rows
    weights = question.weights
    total = sum(weights.values()) or 1.0
    own = set(weights)
    # A generic unit (an introduction, a conclusion) is close to all the others.
    similarity = vectors @ vectors.T
    centrality = (
        (similarity.sum(axis=1) - 1.0) / (len(candidates) - 1)
        if len(candidates) > 1
        else np.zeros(1)
    )
    question_words = {w.lower() for w in _WORD.findall(question.text)}
    kind = question.kind
    lengths = np.array([math.log1p(len(_terms(c.scoring_text))) for c in candidates])
    for i, candidate in enumerate(candidates):
        unit_terms = _terms(candidate.scoring_text)
        context_terms = unit_terms | _terms(candidate.context)
        number, date, name, cause = _cues(candidate.text, question_words)
        # The last column, the reader's, is filled in by FeatureExtractor (0 without it).
        rows[i, :_READER] = (
            dense[i],
            _share(weights, unit_terms, total),
            _share(weights, context_terms, total),
            _share(weights, _terms(candidate.chunk.section), total),
            centrality[i],
            lengths[i] - float(np.median(lengths)),
            len(unit_terms - own) / max(len(unit_terms), 1),
            float(kind == "when" and date),
            float(kind == "count" and number),
            float(kind == "who" and name),
            float(kind == "where" and name),
            float(kind == "why" and cause),
        )
    return rows
