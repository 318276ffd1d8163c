"""The default answerer: grounded, extractive, model-free.

It reads the retrieved passages unit by unit (sentences, list lead-ins, list
items), scores each against the question by meaning (embedding similarity) and
by words (idf-weighted overlap), and composes a short answer out of the best
units, each followed by a ``[n]`` marker that points at its exact span. It never
writes a word that is not in the corpus.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
from cachetools import LRUCache
from langchain_core.embeddings import Embeddings

from assistant.answerers.base import (
    Candidate,
    candidates_of,
    cite,
    refusal_text,
    start_answer,
)
from assistant.response import Answer, Citation
from assistant.retrieval import Passage
from assistant.state import QuestionState
from assistant.text import terms
from assistant.timing import stage

# Questions that ask for an enumeration get the whole list rather than one bullet.
_LIST_QUESTION = re.compile(
    r"\b(list|lists|name the|enumerate|responsibilities|duties|tasks|differences|distinctions|"
    r"what are the|do(es)? .{0,40}\bdo)\b",
    re.IGNORECASE,
)
_UNIT_CACHE_SIZE = 8192


@dataclass(frozen=True)
class _Group:
    """One citation's worth of answer: a sentence, or a lead-in with its list."""

    candidates: tuple[Candidate, ...]
    score: float

    @property
    def is_list(self) -> bool:
        return len(self.candidates) > 1


class ExtractiveAnswerer:
    """Composes answers from verbatim sentences and list items of the passages.

    ``stream(state)`` takes a :class:`~assistant.state.QuestionState` whose
    passages are retrieved and yields :class:`Answer` snapshots.
    """

    name = "extractive"

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        max_units: int = 3,
        unit_ratio: float = 0.9,
        min_gain: float = 0.3,
        dense_share: float = 0.57,
    ) -> None:
        self.embeddings = embeddings
        self.max_units = max_units
        self.unit_ratio = unit_ratio
        self.min_gain = min_gain
        self.dense_share = dense_share
        # Units come from indexed chunks, so the same texts recur across questions.
        self._cache: LRUCache[str, np.ndarray] = LRUCache(_UNIT_CACHE_SIZE)
        self._cache_lock = threading.Lock()

    def stream(self, state: QuestionState) -> Iterator[Answer]:
        """Yield growing answers, one citation at a time; the last is complete."""
        base, refusal = start_answer(state, self.name)
        if refusal is not None:
            yield refusal
            return
        idf = state.retrieval.statistics.idf if state.retrieval else None
        with stage("compose"):
            groups = self.select(base.query, state.passages, idf=idf)
        if not groups:
            yield replace(base, text=refusal_text(state.documents), refused=True)
            return
        citations = [_citation(group, marker) for marker, group in enumerate(groups, start=1)]
        for shown in range(1, len(groups)):
            partial = _compose(groups[:shown])
            yield replace(base, text=partial, citations=citations[:shown], complete=False)
        yield replace(base, text=_compose(groups), citations=citations, complete=True)

    def select(
        self,
        query: str,
        passages: tuple[Passage, ...] | list[Passage],
        *,
        idf: Callable[[str], float] | None = None,
    ) -> list[_Group]:
        """Pick the units that answer ``query`` and group them into citations.

        Units are taken best first while they score within ``unit_ratio`` of the
        best and add question words the answer does not cover yet, so a second
        citation has to answer another part of the question. List items are
        quoted with their lead-in; a whole list when the question asks for one.
        """
        candidates = self._score(query, candidates_of(passages), idf)
        if not candidates:
            return []
        scores = {id(c): c.score(self.dense_share) for c in candidates}
        ranked = sorted(candidates, key=lambda c: (-scores[id(c)], c.rank, c.unit.start))
        threshold = self.unit_ratio * scores[id(ranked[0])]
        weights = _weights(query, candidates, idf)
        total = sum(weights.values()) or 1.0
        chosen: list[Candidate] = []
        covered: set[str] = set()
        for candidate in ranked:
            if scores[id(candidate)] < threshold or len(chosen) >= self.max_units:
                break
            words = set(terms(candidate.scoring_text)) & set(weights)
            gain = sum(weights[t] for t in words - covered) / total
            if chosen and gain < self.min_gain:
                continue
            chosen.append(candidate)
            covered |= words
        near_best = [c for c in ranked if scores[id(c)] >= threshold]
        return _groups(
            chosen, near_best, candidates, scores, wants_list=bool(_LIST_QUESTION.search(query))
        )

    def _score(
        self, query: str, candidates: list[Candidate], idf: Callable[[str], float] | None
    ) -> list[Candidate]:
        if not candidates:
            return []
        unknown = [c for c in candidates if c.dense is None]
        if unknown:
            query_vector = _unit(np.asarray(self.embeddings.embed_query(query), dtype=np.float32))
            vectors = self.unit_vectors([c.scoring_text for c in unknown])
            known = dict(
                zip((id(c) for c in unknown), (vectors @ query_vector).tolist(), strict=True)
            )
            candidates = [
                c if c.dense is not None else replace(c, dense=known[id(c)]) for c in candidates
            ]
        weights = _weights(query, candidates, idf)
        total = sum(weights.values()) or 1.0
        return [
            replace(
                c,
                lexical=sum(weights[t] for t in set(terms(c.scoring_text)) & set(weights)) / total,
            )
            for c in candidates
        ]

    def unit_vectors(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts``, from a small cache where possible."""
        with self._cache_lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = _unit(np.asarray(self.embeddings.embed_documents(missing), dtype=np.float32))
            with self._cache_lock:
                for text, vector in zip(missing, fresh, strict=True):
                    known[text] = vector
                    self._cache[text] = vector
        return np.stack([known[t] for t in texts])


def _weights(
    query: str, candidates: list[Candidate], idf: Callable[[str], float] | None
) -> dict[str, float]:
    """Weight of each question word: its idf in the corpus, or among the candidates."""
    query_terms = set(terms(query))
    if idf is not None:
        return {t: idf(t) for t in query_terms}
    frequency = Counter(t for c in candidates for t in set(terms(c.scoring_text)))
    n = len(candidates)
    return {t: math.log(1.0 + n / (1 + frequency.get(t, 0))) for t in query_terms}


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Scale vectors to length one, so dot products are cosine similarities."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _groups(
    chosen: list[Candidate],
    near_best: list[Candidate],
    candidates: list[Candidate],
    scores: dict[int, float],
    *,
    wants_list: bool,
) -> list[_Group]:
    """Turn chosen units into citations: a sentence alone, list items with their lead-in.

    A list is quoted whole when the question asks for a list, when its lead-in
    was chosen, or when at least half of its items score near the best.
    """
    groups: list[_Group] = []
    done: set[tuple[str, int | None]] = set()
    for candidate in chosen:
        if candidate.unit.kind == "sentence" or candidate.leadin is None:
            groups.append(_Group((candidate,), scores[id(candidate)]))
            continue
        key = (candidate.chunk.id, candidate.leadin.start)
        if key in done:
            continue
        done.add(key)
        members = [
            c for c in candidates if c.chunk.id == candidate.chunk.id and c.unit.kind != "sentence"
        ]
        items = [c for c in members if c.unit.kind == "item"]
        close = [c for c in near_best if c in items]
        whole = wants_list or candidate.unit.kind == "leadin" or 2 * len(close) >= len(items)
        if not whole:
            picked = {id(c) for c in chosen if c in items}
            members = [c for c in members if c.unit.kind == "leadin" or id(c) in picked]
        ordered = tuple(sorted(members, key=lambda c: c.unit.start))
        groups.append(_Group(ordered, scores[id(candidate)]))
    return groups


def _citation(group: _Group, marker: int) -> Citation:
    first, last = group.candidates[0], group.candidates[-1]
    score = max(c.dense or 0.0 for c in group.candidates)
    return cite(first.chunk, first.unit.start, last.unit.end, marker=marker, score=score)


def _compose(groups: list[_Group]) -> str:
    """Answer text: sentences run on inline, lists stand as Markdown bullets."""
    paragraphs: list[str] = []
    inline = False  # whether the last paragraph is running prose that can be extended
    for marker, group in enumerate(groups, start=1):
        if not group.is_list:
            piece = f"{group.candidates[0].text} [{marker}]"
            if inline:
                paragraphs[-1] += f" {piece}"
            else:
                paragraphs.append(piece)
            inline = True
            continue
        items = list(group.candidates)
        if items[0].unit.kind == "leadin":
            lines = [f"{items.pop(0).text} [{marker}]"] + [f"- {c.text}" for c in items]
        else:
            lines = [f"- {c.text}" for c in items]
            lines[-1] += f" [{marker}]"
        paragraphs.append("\n".join(lines))
        inline = False
    return "\n\n".join(paragraphs)
