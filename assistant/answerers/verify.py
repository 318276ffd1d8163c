"""Check generated sentences against the passages, without trusting the model.

A sentence is supported by a unit of the retrieved passages (a sentence, or a
list item read with its lead-in) when it is close in meaning, when most of its
content words are in that unit (what catches a fluent sentence that adds a fact
of its own), and when it says what the unit says about who does what.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answerers.reading import UnitReader
from assistant.asking.candidates import Candidate
from assistant.common.text import terms
from assistant.documents.blocks import split_sentences
from assistant.models.reader.reader import read_together, reader_text

_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")
_INLINE_ITEMS = re.compile("\\s+[-\u2013\u2022]\\s+")  # hyphen, en dash, bullet


@dataclass(frozen=True)
class Support:
    """The unit that best supports a sentence, and how well."""

    candidate: Candidate
    similarity: float
    overlap: float


@dataclass(frozen=True)
class Check:
    """The verdict on one generated claim: its support, or why it has none."""

    claim: str
    support: Support | None
    reasons: tuple[str, ...] = ()
    """Why the nearest unit does not support it ("the passage says this of the COO")."""
    entailment: float | None = None
    """The entailment model's probability that the best units say it (when it ran)."""

    @property
    def kept(self) -> bool:
        """Whether the claim may stand in the answer."""
        return self.support is not None and not self.reasons


class SentenceVerifier:
    """Finds, for a generated sentence, a passage unit that supports what it claims.

    A unit supports a claim when it is close in meaning (cosine similarity of
    their embeddings), covers its content words (idf-weighted overlap, with
    synonyms for nouns), and when the claim agrees with it clause by clause:
    the same agent, the same direction of every comparison, the same polarity,
    and no name or number the unit lacks (:mod:`assistant.answerers.claims`).
    """

    def __init__(
        self,
        embeddings: Embeddings,
        candidates: list[Candidate],
        vectors: np.ndarray,
        *,
        min_similarity: float,
        min_overlap: float,
        idf: Callable[[str], float] | None = None,
        structure: bool = True,
        entails: Callable[[str, list[str]], np.ndarray] | None = None,
        min_entailment: float = 0.5,
    ) -> None:
        self.embeddings = embeddings
        self.candidates = candidates
        self.vectors = vectors
        self.min_similarity = min_similarity
        self.min_overlap = min_overlap
        self.idf = idf or (lambda _term: 1.0)
        self._terms = [set(terms(c.scoring_text)) for c in candidates]
        self.reader = UnitReader(candidates, embeddings) if structure else None
        self.entails = entails
        """The entailment model: given, it decides (the structural check may still veto)."""
        self.min_entailment = min_entailment

    def check(self, claim: str) -> Check:
        """Whether some unit supports ``claim`` (one claim: see :func:`claims`)."""
        ranked = self._ranked(claim)
        if not ranked:
            return Check(claim, None, ("there are no passages to check it against",))
        top = ranked[0]
        if self.entails is not None:
            return self._entailed(claim, ranked)
        if self.reader is None:
            ok = self._close(top)
            return Check(claim, top if ok else None, () if ok else (_NOT_CLOSE,))
        reasons: tuple[str, ...] = ()
        best = top.similarity + top.overlap
        for support in ranked[:_TRIED]:
            # A claim whose nearest unit says it of someone else is not rescued by a
            # vaguer unit further down (the introduction names every role).
            if support.similarity + support.overlap < best - _MARGIN:
                break
            if not self._close(support):
                continue
            found = self.reader.conflicts(claim, support.candidate)
            if not found:
                return Check(claim, support)
            reasons = reasons or tuple(found)
        return Check(claim, None, reasons or (_NOT_CLOSE,))

    def _entailed(self, claim: str, ranked: list[Support]) -> Check:
        tried = ranked[:_TRIED]
        premises = [reader_text(s.candidate) for s in tried]
        # A sentence may join what neighbouring units say: they are read together too.
        premises.append(read_together([s.candidate for s in tried[:_JOINED]]))
        assert self.entails is not None
        probabilities = self.entails(claim, premises)
        best = int(np.argmax(probabilities))
        probability = float(probabilities[best])
        support = tried[min(best, len(tried) - 1)]
        if probability < self.min_entailment:
            return Check(claim, None, (_NOT_ENTAILED,), probability)
        if self.reader is not None and best < len(tried):
            found = self.reader.conflicts(claim, support.candidate)
            if found:
                return Check(claim, None, tuple(found), probability)
        return Check(claim, support, (), probability)

    def _close(self, support: Support) -> bool:
        return support.similarity >= self.min_similarity and support.overlap >= self.min_overlap

    def _ranked(self, sentence: str) -> list[Support]:
        """Every unit with its similarity and overlap to ``sentence``, best first."""
        words = set(terms(sentence))
        if not self.candidates or not words:
            return []
        vector = np.asarray(self.embeddings.embed_query(sentence), dtype=np.float32)
        vector /= max(float(np.linalg.norm(vector)), 1e-12)
        similarity = self.vectors @ vector
        # Weighted by idf: names every passage repeats count little, a new fact's words a lot.
        weights = {w: self.idf(w) for w in words}
        total = sum(weights.values()) or 1.0
        overlap = np.array([sum(weights[w] for w in words & unit) / total for unit in self._terms])
        order = np.argsort(-(similarity + overlap), kind="stable")
        return [Support(self.candidates[i], float(similarity[i]), float(overlap[i])) for i in order]


_TRIED = 5
_MARGIN = 0.25
"""Units tried per claim, nearest first: the nearest may be the other role's."""
_NOT_CLOSE = "no passage says anything close to it"
_NOT_ENTAILED = "no passage says it"
_JOINED = 3
"""The nearest units read together as one more premise (a sentence merging them)."""


def clean_sentence(sentence: str) -> str:
    """A generated sentence without the model's own markers and bullet signs."""
    return " ".join(_MARKER.sub("", _BULLET.sub("", sentence)).split())


def claims(sentence: str) -> list[str]:
    """The separate claims of a sentence: the items of an inline "a - b - c" list, or itself."""
    text = clean_sentence(sentence)
    parts = [p.strip(" ,;") for p in _INLINE_ITEMS.split(text)]
    if len(parts) >= 2:
        return [p for p in parts if p]
    return [text] if text else []


def complete_sentences(buffer: str, *, final: bool) -> tuple[list[str], str]:
    """Split streamed text into finished sentences and the unfinished rest.

    A sentence is finished once the next one has started (or the line ended);
    with ``final`` the rest counts as finished too.
    """
    lines = buffer.split("\n")
    done: list[str] = []
    for line in lines[:-1]:
        done.extend(line[s:e] for s, e in split_sentences(line, 0, len(line)))
    last = lines[-1]
    spans = split_sentences(last, 0, len(last))
    if final:
        return done + [last[s:e] for s, e in spans], ""
    if len(spans) > 1:
        done.extend(last[s:e] for s, e in spans[:-1])
        return done, last[spans[-1][0] :]
    return done, last
