"""The default answerer: grounded, extractive, model-free.

It reads the retrieved passages unit by unit (sentences, list lead-ins, list
items), scores each against the question by meaning (embedding similarity) and
by words (idf-weighted overlap), and composes a short answer out of the best
units, each followed by a ``[n]`` marker that points at its exact span. It never
writes a word that is not in the corpus.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.chunking import Chunk, Unit
from assistant.response import Answer, Citation
from assistant.retrieval import chunk_from_document
from assistant.text import terms
from assistant.timing import stage

# Questions that ask for an enumeration get the whole list rather than one bullet.
_LIST_QUESTION = re.compile(
    r"\b(list|lists|what are|which|responsibilit\w*|duties|tasks|include\w*|main|key|"
    r"differences?|differ|distinguish\w*|ways|steps|examples?|do(es)? .{0,40}\bdo)\b",
    re.IGNORECASE,
)
_DENSE_SHARE = 0.65
_UNIT_CACHE_SIZE = 8192


@dataclass(frozen=True)
class Candidate:
    """A unit of a retrieved chunk, scored against the question."""

    chunk: Chunk
    unit: Unit
    leadin: Unit | None
    rank: int
    dense: float | None = None
    """Cosine similarity to the question, when the retriever already knows it."""
    lexical: float = 0.0

    @property
    def score(self) -> float:
        """Blend of meaning and word overlap, 0..1-ish."""
        return _DENSE_SHARE * (self.dense or 0.0) + (1 - _DENSE_SHARE) * self.lexical

    @property
    def text(self) -> str:
        """The unit's own text."""
        return self.chunk.unit_text(self.unit)

    @property
    def scoring_text(self) -> str:
        """The unit as the index embeds it (a list item with its lead-in)."""
        return self.chunk.unit_embed_text(self.unit)


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

    Use :meth:`as_runnable` to put it at the end of a LangChain chain; it takes
    ``{"question", "query", "documents"}`` and streams :class:`Answer` snapshots.
    """

    name = "extractive"

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        max_units: int = 3,
        unit_ratio: float = 0.8,
        refusal: str = "The article does not say.",
    ) -> None:
        self.embeddings = embeddings
        self.max_units = max_units
        self.unit_ratio = unit_ratio
        self.refusal = refusal
        # Units come from indexed chunks, so the same texts recur across questions.
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def as_runnable(self) -> Runnable[dict[str, Any], Answer]:
        """This answerer as a streaming LangChain runnable."""
        return RunnableLambda(self.stream, name="ExtractiveAnswerer")

    def stream(self, inputs: dict[str, Any]) -> Iterator[Answer]:
        """Yield growing answers, one citation at a time; the last is complete."""
        question = str(inputs["question"])
        query = str(inputs.get("query") or question)
        documents: list[Document] = list(inputs.get("documents") or [])
        base = Answer(question=question, text="", refused=False, query=query, backend=self.name)
        if not documents:
            yield replace(base, text=self.refusal, refused=True)
            return
        with stage("compose"):
            groups = self.select(query, documents)
        if not groups:
            yield replace(base, text=self.refusal, refused=True)
            return
        citations = [_citation(group, marker) for marker, group in enumerate(groups, start=1)]
        for shown in range(1, len(groups)):
            partial = _compose(groups[:shown])
            yield replace(base, text=partial, citations=citations[:shown], complete=False)
        yield replace(base, text=_compose(groups), citations=citations, complete=True)

    def select(self, query: str, documents: list[Document]) -> list[_Group]:
        """Pick the units that answer ``query`` and group them into citations."""
        candidates = self._score(query, _candidates(documents))
        if not candidates:
            return []
        ranked = sorted(candidates, key=lambda c: (-c.score, c.rank, c.unit.start))
        best = ranked[0].score
        chosen = [c for c in ranked if c.score >= self.unit_ratio * best][: self.max_units]
        wants_list = bool(_LIST_QUESTION.search(query))
        groups: list[_Group] = []
        used: set[tuple[str, int]] = set()
        for candidate in chosen:
            key = (candidate.chunk.id, candidate.unit.start)
            if key in used:
                continue
            members = [candidate]
            in_list = candidate.unit.kind in ("item", "leadin") and candidate.leadin is not None
            siblings = [
                c
                for c in chosen
                if c.chunk.id == candidate.chunk.id and c.leadin == candidate.leadin
            ]
            if in_list and (wants_list or candidate.unit.kind == "leadin" or len(siblings) > 1):
                members = _whole_list(candidate, candidates)
            for member in members:
                used.add((member.chunk.id, member.unit.start))
            groups.append(_Group(tuple(members), candidate.score))
        return groups

    def _score(self, query: str, candidates: list[Candidate]) -> list[Candidate]:
        if not candidates:
            return []
        unknown = [c for c in candidates if c.dense is None]
        if unknown:
            query_vector = _unit(np.asarray(self.embeddings.embed_query(query), dtype=np.float32))
            vectors = self._unit_vectors([c.scoring_text for c in unknown])
            known = dict(
                zip((id(c) for c in unknown), (vectors @ query_vector).tolist(), strict=True)
            )
            candidates = [
                c if c.dense is not None else replace(c, dense=known[id(c)]) for c in candidates
            ]
        unit_terms = [set(terms(c.scoring_text)) for c in candidates]
        document_frequency = Counter(t for ts in unit_terms for t in ts)
        n = len(candidates)
        query_terms = set(terms(query))

        def weight(term: str) -> float:
            return math.log(1.0 + n / (1 + document_frequency.get(term, 0)))

        total = sum(weight(t) for t in query_terms) or 1.0
        return [
            replace(c, lexical=sum(weight(t) for t in query_terms & ts) / total)
            for c, ts in zip(candidates, unit_terms, strict=True)
        ]

    def _unit_vectors(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts``, from a small cache where possible."""
        with self._cache_lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
            for text in known:
                self._cache.move_to_end(text)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = _unit(np.asarray(self.embeddings.embed_documents(missing), dtype=np.float32))
            with self._cache_lock:
                for text, vector in zip(missing, fresh, strict=True):
                    known[text] = vector
                    self._cache[text] = vector
                while len(self._cache) > _UNIT_CACHE_SIZE:
                    self._cache.popitem(last=False)
        return np.stack([known[t] for t in texts])


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Scale vectors to length one, so dot products are cosine similarities."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _candidates(documents: list[Document]) -> list[Candidate]:
    candidates: list[Candidate] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, document in enumerate(documents):
        chunk = chunk_from_document(document)
        leadin = next((u for u in chunk.units if u.kind == "leadin"), None)
        known = json.loads(str(document.metadata.get("unit_similarities") or "[]"))
        dense = known if len(known) == len(chunk.units) else [None] * len(chunk.units)
        for unit, similarity in zip(chunk.units, dense, strict=True):
            key = (chunk.source, unit.start, unit.end)
            if key in seen:
                continue
            seen.add(key)
            candidates.append(
                Candidate(chunk=chunk, unit=unit, leadin=leadin, rank=rank, dense=similarity)
            )
    return candidates


def _whole_list(anchor: Candidate, candidates: list[Candidate]) -> list[Candidate]:
    """The anchor's lead-in and every item of its list within the same chunk."""
    members = [
        c for c in candidates if c.chunk.id == anchor.chunk.id and c.unit.kind in ("leadin", "item")
    ]
    return sorted(members, key=lambda c: c.unit.start)


def _citation(group: _Group, marker: int) -> Citation:
    first, last = group.candidates[0], group.candidates[-1]
    chunk = first.chunk
    start, end = first.unit.start, last.unit.end
    return Citation(
        marker=marker,
        quote=chunk.text[start - chunk.start : end - chunk.start],
        source=chunk.source,
        section=chunk.section,
        start=start,
        end=end,
        score=round(max(c.dense or 0.0 for c in group.candidates), 4),
        title=chunk.title,
    )


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
