"""The scorer's training data: every question of every document, asked for real.

Each document (the article, four SQuAD articles) is indexed on its own with the
assistant's own pipeline, and every question goes through the same steps as in
production (read, retrieve, extract features), so training sees exactly what
answering will. Besides each document's own questions (with seeded typo and
chat variants), every document is also asked the other documents' questions
(which it cannot answer) and near misses built from them (its own subject, the
other question's predicate).
"""

from __future__ import annotations

import hashlib
import random
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.asking.features import Features
from assistant.common.text import STOPWORDS, stem
from assistant.evaluation.datasets import QuestionSet, Span, article_set, bundled_squad_sets
from assistant.evaluation.near_misses import (
    foreign_words,
    paraphrase_word,
    swap_subject,
    swap_word,
)
from assistant.evaluation.noise import noisy_variants
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.indexing.spelling import english_frequencies
from assistant.indexing.topics import topic_phrases

DATA_FILES = ("article_gold.json", "squad-v2-dev-normans.json", "squad-v1-dev-3articles.json")
SEED = 20261126
_CLOSE_WORDS = 200
"""Near-miss replacements per document: the foreign words closest to its topic."""
_RELATED = 0.5
"""Words this close (cosine) count as related: never a near miss's replacement, and
the least a paraphrase's synonym must be."""
_ENGLISH = 12_000
"""The most frequent English words, where paraphrases find their synonyms."""


@dataclass(frozen=True)
class Sample:
    """One question asked of one document's index, with its features and labels."""

    document: str
    """The document whose index was asked."""
    question: str
    variant: str
    """``clean``, ``typo`` or ``chat`` (own questions); ``other``, ``near-miss`` or
    ``word-swap`` (questions it cannot answer); ``unanswerable`` (SQuAD 2.0's own
    unanswerable questions: reported, not fitted)."""
    answerable: bool
    features: Features = field(repr=False)
    labels: np.ndarray = field(repr=False)
    """1 for each candidate unit that holds (part of) the gold evidence."""
    origin: str = ""
    """The document the question was written about."""
    base: str = ""
    """The written question this one was made from (itself when it was not made): its
    variants, near misses and paraphrases share it, so a fold by it keeps them together."""

    @property
    def fitted(self) -> bool:
        """Whether the scorer learns from this sample."""
        return self.variant != "unanswerable"


def data_files() -> dict[str, Path]:
    """The data files the scorer is fitted on, by name."""
    folder = resources.files("assistant.evaluation").joinpath("data")
    return {name: Path(str(folder.joinpath(name))) for name in DATA_FILES}


def data_hashes() -> dict[str, str]:
    """SHA-256 of every data file, recorded with the fitted scorer."""
    return {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in data_files().items()}


def documents() -> dict[str, QuestionSet]:
    """Every training document's question set, by a short name."""
    sets = [article_set(), *bundled_squad_sets()]
    return {s.scorer_document or s.name: s for s in sets}


def collect(
    embeddings: SentenceTransformerEmbeddings,
    *,
    names: list[str] | None = None,
    asked: list[str] | None = None,
    limit: int | None = None,
    others: int = 40,
    near_misses: int = 40,
    progress: bool = True,
    **settings: Any,
) -> list[Sample]:
    """Index each document and ask it its own, the others' and near-miss questions.

    ``names`` restricts the documents, ``limit`` the questions of each (both for
    quick runs; training uses everything); ``asked`` indexes and asks only these
    documents, the others still lending their questions. ``settings`` go to the assistant that
    computes the features (``reader=False`` leaves the reader out).
    """
    from tqdm.auto import tqdm

    sets = {n: s.limited(limit) for n, s in documents().items() if names is None or n in names}
    texts = {name: next(iter(s.documents.values())) for name, s in sets.items()}
    phrases = {name: topic_phrases(text) for name, text in texts.items()}
    words = _WordVectors(embeddings)
    asking = [name for name in sets if asked is None or name in asked]
    replacements = {name: _close_foreign_words(name, sets, texts, words) for name in asking}
    samples: list[Sample] = []
    with tempfile.TemporaryDirectory(prefix="assistant-train-") as folder:
        for name in asking:
            question_set = sets[name]
            context = _Context(texts, phrases, replacements[name], words)
            questions = list(_questions(name, sets, context, others, near_misses))
            bar = tqdm(questions, desc=f"features: {name}", unit="q", disable=not progress)
            samples.extend(
                _ask(Path(folder) / name, question_set, bar, embeddings, name, settings=settings)
            )
    return samples


@dataclass(frozen=True)
class _Context:
    texts: dict[str, str]
    phrases: dict[str, list[str]]
    replacements: list[str]
    words: _WordVectors


class _WordVectors:
    """Word embeddings, each word embedded once, and a synonym finder over English words."""

    def __init__(self, embeddings: SentenceTransformerEmbeddings) -> None:
        self.embeddings = embeddings
        self.vectors: dict[str, np.ndarray] = {}
        self._english: tuple[list[str], np.ndarray] | None = None

    def of(self, words: list[str]) -> np.ndarray:
        missing = [w for w in dict.fromkeys(words) if w not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.embeddings.encode(missing), strict=True))
        return np.stack([self.vectors[w] for w in words])

    def related(self, a: str, b: str) -> bool:
        first, second = self.of([a, b])
        return float(first @ second) >= _RELATED

    def synonym(self, word: str, text: str) -> str | None:
        """The English word closest to ``word`` that ``text`` never uses, if it is related."""
        if self._english is None:
            frequencies = english_frequencies()
            common = sorted(
                (w for w in frequencies if w.isalpha() and len(w) > 3 and w not in STOPWORDS),
                key=lambda w: -frequencies[w],
            )[:_ENGLISH]
            self._english = (common, self.of(common))
        common, vectors = self._english
        own = {stem(w.lower()) for w in re.findall(r"[A-Za-z]+", text)}
        closeness = vectors @ self.of([word])[0]
        for index in np.argsort(-closeness)[:50]:
            candidate = common[index]
            if closeness[index] < _RELATED:
                return None
            if stem(candidate) not in own and stem(candidate) != stem(word):
                return candidate
        return None


def _close_foreign_words(
    name: str, sets: dict[str, QuestionSet], texts: dict[str, str], words: _WordVectors
) -> list[str]:
    """Words document ``name`` never uses, closest to its topic first (hard near misses)."""
    elsewhere = " ".join(
        [t for n, t in texts.items() if n != name]
        + [q.question for n, s in sets.items() if n != name for q in s.questions]
    )
    pool = foreign_words(texts[name], elsewhere)
    paragraphs = [p for p in texts[name].split("\n\n") if p.strip()]
    centre = words.embeddings.encode(paragraphs).mean(axis=0)
    closeness = words.of(pool) @ (centre / max(float(np.linalg.norm(centre)), 1e-12))
    return [pool[i] for i in np.argsort(-closeness)[:_CLOSE_WORDS]]


def _questions(
    name: str,
    sets: dict[str, QuestionSet],
    context: _Context,
    others: int,
    near_misses: int,
) -> Iterator[tuple[str, str, bool, tuple[Span, ...], str, str]]:
    """``(question, variant, answerable, evidence, origin, base)`` to ask of document ``name``."""
    texts, phrases = context.texts, context.phrases
    own = sets[name]
    squad = own.short_answers
    for q in own.questions:
        evidence = tuple(span for group in q.evidence for span in group)
        if squad and not q.answerable:
            yield q.question, "unanswerable", False, (), name, q.question
            continue
        yield q.question, "clean", q.answerable, evidence, name, q.question
        for kind, text in noisy_variants(q.question, SEED):
            yield text, kind, q.answerable, evidence, name, q.question
    rng = random.Random(f"{SEED}\x00{name}")
    for other, other_set in sets.items():
        if other == name:
            continue
        pool = [q.question for q in other_set.questions]
        for text in rng.sample(pool, k=min(others, len(pool))):
            yield text, "other", False, (), other, text
        swapped = [(swap_subject(t, phrases[other], phrases[name], rng), t) for t in pool]
        candidates = [(t, written) for t, written in swapped if t]
        for text, written in rng.sample(candidates, k=min(near_misses, len(candidates))):
            yield text, "near-miss", False, (), other, written
    # Its own questions asking about something it never mentions: one key word swapped
    # for a word of its topic that it never uses ("What is the salary of a COO?").
    answerable = [q.question for q in own.questions if q.answerable]
    for question in rng.sample(answerable, k=min(near_misses, len(answerable))):
        changed = swap_word(
            question,
            texts[name],
            context.replacements,
            phrases[name],
            rng,
            related=context.words.related,
        )
        if changed:
            yield changed, "word-swap", False, (), name, question
    # And the same questions said in other words it never uses: still answerable.
    for q in rng.sample(
        [q for q in own.questions if q.answerable], k=min(near_misses, len(answerable))
    ):
        paraphrased = paraphrase_word(
            q.question,
            texts[name],
            phrases[name],
            lambda word: context.words.synonym(word, texts[name]),
        )
        if paraphrased:
            evidence = tuple(span for group in q.evidence for span in group)
            yield paraphrased, "synonym", True, evidence, name, q.question


def _ask(
    folder: Path,
    question_set: QuestionSet,
    questions: Iterator[tuple[str, str, bool, tuple[Span, ...], str, str]],
    embeddings: SentenceTransformerEmbeddings,
    name: str,
    *,
    settings: dict[str, Any],
) -> Iterator[Sample]:
    from assistant.api import Assistant

    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for source, text in question_set.documents.items():
        (corpus / source).write_text(text, encoding="utf-8")
    bot = Assistant(corpus, folder / "index", embeddings=embeddings, auto_index=False, **settings)
    bot.index()
    for text, variant, answerable, evidence, origin, base in questions:
        statistics = bot.statistics.current()
        normalized = statistics.words.normalize(text)
        retrieval = bot.retriever.search(normalized.text, statistics=statistics)
        features = bot.decision.features.extract(normalized, retrieval)
        labels = _labels(features, evidence)
        yield Sample(name, text, variant, answerable, features, labels, origin, base)


def _labels(features: Features, evidence: tuple[Span, ...]) -> np.ndarray:
    """1 for each candidate holding evidence; a lead-in too, when two of its items do."""
    candidates = features.candidates
    labels = np.array(
        [float(_holds(c.chunk.source, c.unit.start, c.unit.end, evidence)) for c in candidates],
        dtype=np.float32,
    )
    for i, candidate in enumerate(candidates):
        if candidate.unit.kind != "leadin":
            continue
        items = [j for j, other in enumerate(candidates) if other.item_of(candidate)]
        if labels[items].sum() >= 2:
            labels[i] = 1.0  # the answer is the list
    return labels


def _holds(source: str, start: int, end: int, evidence: tuple[Span, ...]) -> bool:
    """Whether a unit holds most of one evidence span (or the span most of the unit)."""
    unit = Span(source, start, end)
    return any(unit.covers(span, 0.5) or span.covers(unit, 0.5) for span in evidence)
