"""The retrieved units read as clauses, and a generated claim held up against one.

A unit is read in its setting: a list item takes its agent from its lead-in
("Key responsibilities of a COO include:"), a sentence opening with "They" from
the sentence before it, anything else subjectless from its section heading.
"""

from __future__ import annotations

import threading

import numpy as np
from cachetools import LRUCache
from langchain_core.embeddings import Embeddings

from assistant.answerers.claims import ClaimReader
from assistant.answerers.facts import EMPTY, LIGHT_NOUNS, Clause, conflicts
from assistant.asking.candidates import Candidate

_SYNONYM = 0.55
"""Cosine similarity at which a claim's noun counts as a unit word in other words."""
_WORDS: LRUCache[str, np.ndarray] = LRUCache(20_000)
_WORDS_LOCK = threading.Lock()


class UnitReader:
    """Parses the candidates once, on the first claim, and compares claims with them."""

    def __init__(self, candidates: list[Candidate], embeddings: Embeddings) -> None:
        self.candidates = candidates
        self.embeddings = embeddings
        self.reader = ClaimReader()
        self._docs: dict[tuple[str, bool], object] = {}
        self._clauses: dict[tuple[str, int, int], list[Clause]] = {}
        self._ready = False

    def conflicts(self, claim: str, candidate: Candidate) -> list[str]:
        """Why ``candidate`` does not support ``claim``; empty when it does."""
        self._prepare()
        units = self._unit_clauses(candidate)
        setting = f"{candidate.chunk.title} {candidate.context} {candidate.text}"
        words = set().union(*(u.content | u.nouns for u in units))
        words |= {t.lemma_.lower() for t in self._doc(candidate.context)}  # type: ignore[attr-defined]
        found: list[str] = []
        for clause in self.reader.clauses(self._doc(claim, label=False)):
            unit = max(
                units,
                key=lambda u: (
                    len((clause.content & u.content) - clause.roles),
                    bool(clause.agent & u.agent),
                ),
            )
            found += conflicts(clause, unit, setting, self.reader.generic)
            found += self._new_nouns(clause, words)
        return list(dict.fromkeys(found))

    def _prepare(self) -> None:
        if self._ready:
            return
        units = {c.text for c in self.candidates} | {c.chunk.leadin_text() for c in self.candidates}
        titles = {c.chunk.title for c in self.candidates} | {
            c.chunk.section for c in self.candidates
        }
        self.reader.learn(
            (self._doc(t, label=False) for t in units if t), (self._doc(t) for t in titles if t)
        )
        self._ready = True

    def _doc(self, text: str, *, label: bool = True) -> object:
        if (text, label) not in self._docs:
            self._docs[text, label] = self.reader.parse(text, label=label)
        return self._docs[text, label]

    def _unit_clauses(self, candidate: Candidate) -> list[Clause]:
        if candidate.key not in self._clauses:
            context = self._context(candidate)
            clauses = self.reader.clauses(self._doc(candidate.text, label=False), context=context)
            self._clauses[candidate.key] = clauses or [EMPTY]
        return self._clauses[candidate.key]

    def _context(self, candidate: Candidate) -> frozenset[str]:
        """Who a subjectless unit is about: its lead-in's agent, the sentence before's,
        or the roles its section heading names."""
        chunk, unit = candidate.chunk, candidate.unit
        heading = self._heading_roles(chunk.section)
        if unit.kind == "item" and candidate.leadin is not None:
            leadin = self.reader.clauses(
                self._doc(chunk.unit_text(candidate.leadin)), context=heading
            )
            return next((c.agent for c in leadin if c.agent), heading)
        if candidate.index > 0:
            before = chunk.units[candidate.index - 1]
            previous = self.reader.clauses(
                self._doc(chunk.unit_text(before), label=False), context=heading
            )
            return next((c.agent for c in previous if c.agent), heading)
        return heading

    def _heading_roles(self, heading: str) -> frozenset[str]:
        if not heading:
            return frozenset()
        return frozenset().union(*(c.roles for c in self.reader.clauses(self._doc(heading))))

    def _new_nouns(self, clause: Clause, words: set[str]) -> list[str]:
        """Nouns of the claim that the unit says in no words of its own."""
        role_words = {w for role in clause.roles for w in role.split()}
        new = sorted(clause.nouns - words - role_words - LIGHT_NOUNS - clause.names)
        if not new:
            return []
        unit_words = sorted(words)
        vectors = _vectors(self.embeddings, [*new, *unit_words])
        if not unit_words:
            return [f"the passage does not mention {', '.join(new)}"]
        similarity = vectors[: len(new)] @ vectors[len(new) :].T
        missing = [w for w, row in zip(new, similarity, strict=True) if row.max() < _SYNONYM]
        return [f"the passage does not mention {', '.join(missing)}"] if missing else []


def _vectors(embeddings: Embeddings, words: list[str]) -> np.ndarray:
    """Unit-length vectors of single words, cached across questions."""
    with _WORDS_LOCK:
        missing = [w for w in dict.fromkeys(words) if w not in _WORDS]
    if missing:
        embedded = np.asarray(embeddings.embed_documents(missing), dtype=np.float32)
        embedded /= np.maximum(np.linalg.norm(embedded, axis=1, keepdims=True), 1e-12)
        with _WORDS_LOCK:
            for word, vector in zip(missing, embedded, strict=True):
                _WORDS[word] = vector
    with _WORDS_LOCK:
        return np.stack([_WORDS[w] for w in words])
