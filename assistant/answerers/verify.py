"""Check generated sentences against the passages, without trusting the model.

A sentence is supported by a unit of the retrieved passages (a sentence, or a
list item read with its lead-in) when it is close in meaning (cosine similarity
of their embeddings) and when most of its content words are in that unit. The
second test is what catches a fluent sentence that adds a fact of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.blocks import split_sentences
from assistant.candidates import Candidate
from assistant.text import terms

_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")
_INLINE_ITEMS = re.compile("\\s+[-\u2013\u2022]\\s+")  # hyphen, en dash, bullet


@dataclass(frozen=True)
class Support:
    """The unit that best supports a sentence, and how well."""

    candidate: Candidate
    similarity: float
    overlap: float


class SentenceVerifier:
    """Finds, for a generated sentence, the passage unit that supports it (if any)."""

    def __init__(
        self,
        embeddings: Embeddings,
        candidates: list[Candidate],
        vectors: np.ndarray,
        *,
        min_similarity: float,
        min_overlap: float,
        idf: Callable[[str], float] | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.candidates = candidates
        self.vectors = vectors
        self.min_similarity = min_similarity
        self.min_overlap = min_overlap
        self.idf = idf or (lambda _term: 1.0)
        self._terms = [set(terms(c.scoring_text)) for c in candidates]

    def best(self, sentence: str) -> Support | None:
        """The best-supporting unit of ``sentence``, or ``None`` if there are no units."""
        words = set(terms(sentence))
        if not self.candidates or not words:
            return None
        vector = np.asarray(self.embeddings.embed_query(sentence), dtype=np.float32)
        vector /= max(float(np.linalg.norm(vector)), 1e-12)
        similarity = self.vectors @ vector
        # Weighted by idf: names every passage repeats count little, a new fact's words a lot.
        weights = {w: self.idf(w) for w in words}
        total = sum(weights.values()) or 1.0
        overlap = np.array([sum(weights[w] for w in words & unit) / total for unit in self._terms])
        index = int(np.argmax(similarity + overlap))
        return Support(self.candidates[index], float(similarity[index]), float(overlap[index]))

    def supports(self, support: Support | None) -> bool:
        """Whether a support is strong enough to keep the sentence."""
        return (
            support is not None
            and support.similarity >= self.min_similarity
            and support.overlap >= self.min_overlap
        )


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
