"""A document summarised in its own sentences: which units, chosen how.

An extractive summary over the sentence vectors the index already holds:
LexRank centrality (each unit's stationary weight in the graph of cosine
similarities between the document's units), then maximal marginal relevance
that also spreads the picks over the document's sections, and the picks put
back in document order. Boilerplate never makes it in: a unit at the very start
or end of a document that shares little with the rest (a sign-off, a call to
subscribe, navigation), or any unit holding a link, is peeled off first. Numpy
only; a document too long for the graph is ranked by its centroid instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.asking.subjects import leans_on_before
from assistant.common.text import terms
from assistant.documents.chunking import Chunk, Unit

_LINK = re.compile(r"https?://|www\.|\b[\w.+-]+@[\w-]+\.\w|\[[^\]]*\]\([^)]*\)", re.I)
_SHARED_BELOW = 0.5
"""An edge unit is boilerplate when fewer than half its words occur elsewhere in the document..."""
_NEAREST_BELOW = 0.55
"""...and no other unit of the document comes this close to it in meaning..."""
_NEAREST_MARGIN = 0.1
"""...nor within this of how close the document's units typically come to their nearest:
in a short or varied document every unit stands apart, and standing apart there is no
sign of a sign-off (the first sentence of a leaflet is what it says)."""
_TYPICAL_SAMPLE = 256
"""Units, evenly spaced, whose nearest neighbours give that typical closeness."""
_EDGE = 3
"""At most this many units are peeled off each end of a document..."""
_EDGE_SHARE = 5
"""...and at most one in this many of its units: in a short document, whose sections share
little with each other, the edges are what it says, not a sign-off."""
_GRAPH_LIMIT = 2000
"""Above this many units the similarity graph (n² floats) gives way to the centroid."""
_DAMPING = 0.85
_REDUNDANCY = 0.6
"""How much a unit's likeness to one already picked counts against it (MMR)."""
_MIN_WORDS = 8
"""A list item shorter than this is a fragment, not a sentence a summary can stand on."""
_LEAD = 0.1
"""A section's first sentence usually says what the section is about: a small head start."""
_LEANING = 0.2
"""A sentence that opens with a pronoun needs the one before it: it starts behind."""


@dataclass(frozen=True)
class DocumentUnit:
    """One unit of a document, where it is, and its stored vector's row."""

    chunk: Chunk
    index: int
    """Position of the unit in its chunk."""

    @property
    def unit(self) -> Unit:
        """The unit itself."""
        return self.chunk.units[self.index]

    @property
    def text(self) -> str:
        """The unit's source text."""
        return self.chunk.unit_text(self.unit)

    @property
    def section(self) -> tuple[str, tuple[int, int] | None]:
        """The section the unit belongs to (heading text and place)."""
        return self.chunk.section, self.chunk.heading


def document_units(chunks: list[Chunk]) -> list[DocumentUnit]:
    """Every unit of one document's chunks, in document order, each place once."""
    seen: set[tuple[int, int]] = set()
    units: list[DocumentUnit] = []
    for chunk in sorted(chunks, key=lambda c: c.ordinal):
        for index, unit in enumerate(chunk.units):
            if (unit.start, unit.end) not in seen:
                seen.add((unit.start, unit.end))
                units.append(DocumentUnit(chunk, index))
    return sorted(units, key=lambda u: u.unit.start)


def boilerplate(units: list[DocumentUnit], vectors: np.ndarray) -> set[int]:
    """Indexes of the units that are not part of what the document says.

    Peeled from both ends: a first or last unit goes when it shares little with
    the rest, in words or in meaning, and the next one is then at the edge.
    """
    if len(units) < 3:
        return set()
    texts = [u.text for u in units]
    found = {i for i, t in enumerate(texts) if _LINK.search(t)}
    counts: dict[str, int] = {}
    for text in texts:
        for term in set(terms(text)):
            counts[term] = counts.get(term, 0) + 1

    def nearest(i: int) -> float:
        similar = vectors @ vectors[i]
        similar[i] = -1.0
        return float(similar.max())

    # The typical nearest from an even sample: a long document costs no n² matrix.
    sample = np.unique(np.linspace(0, len(units) - 1, min(len(units), _TYPICAL_SAMPLE)).astype(int))
    below = min(_NEAREST_BELOW, float(np.median([nearest(i) for i in sample])) - _NEAREST_MARGIN)

    def apart(i: int) -> bool:
        own = set(terms(texts[i]))
        shared = sum(1 for t in own if counts[t] > 1) / max(1, len(own))
        return shared < _SHARED_BELOW and nearest(i) < below

    edge = min(_EDGE, len(units) // _EDGE_SHARE)
    for order in (range(edge), range(len(units) - 1, len(units) - 1 - edge, -1)):
        for i in order:
            if i in found:
                continue
            if not apart(i):
                break
            found.add(i)
    return found


def centrality(vectors: np.ndarray) -> np.ndarray:
    """LexRank: each unit's weight in the random walk over cosine similarities."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0)
    if n > _GRAPH_LIMIT:
        centroid = vectors.mean(axis=0)
        return np.asarray(vectors @ (centroid / max(float(np.linalg.norm(centroid)), 1e-12)))
    graph = np.clip(vectors @ vectors.T, 0.0, None)
    graph /= np.maximum(graph.sum(axis=1, keepdims=True), 1e-12)
    rank = np.full(n, 1.0 / n)
    for _ in range(100):
        updated = (1 - _DAMPING) / n + _DAMPING * (graph.T @ rank)
        if float(np.abs(updated - rank).sum()) < 1e-9:
            return updated
        rank = updated
    return rank


def eligible(unit: DocumentUnit) -> bool:
    """Whether a unit can stand in a summary: a sentence, or a list item that is one."""
    text = unit.text.strip()
    if text.endswith(":") or unit.unit.kind == "leadin":
        return False
    return unit.unit.kind == "sentence" or len(text.split()) >= _MIN_WORDS


def summary_units(units: list[DocumentUnit], vectors: np.ndarray, limit: int) -> list[int]:
    """Indexes of the units to quote as the summary (at most ``limit``), in document order.

    One unit per section first, the most central ones, as long as sections and
    room remain; a unit like one already picked counts for less.
    """
    if not units:
        return []
    skipped = boilerplate(units, vectors)
    kept = [i for i in range(len(units)) if i not in skipped]
    weights = np.zeros(len(units))
    if kept:
        weights[kept] = centrality(vectors[kept])
        weights /= max(float(weights.max()), 1e-12)
    pool = [i for i in kept if eligible(units[i])]
    firsts: dict[tuple[str, tuple[int, int] | None], int] = {}
    for i in pool:
        firsts.setdefault(units[i].section, i)
    for i in pool:
        weights[i] += _LEAD * (firsts[units[i].section] == i)
        weights[i] -= _LEANING * leans_on_before(units[i].text)
    sections = set(firsts)
    wanted = min(limit, max(3, len(sections)), len(pool))
    chosen: list[int] = []
    covered: set[tuple[str, tuple[int, int] | None]] = set()
    while len(chosen) < wanted:
        uncovered = [i for i in pool if i not in chosen and units[i].section not in covered]
        options = uncovered or [i for i in pool if i not in chosen]
        if not options:
            break

        def value(i: int) -> float:
            like = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            return float(weights[i]) - _REDUNDANCY * like

        best = max(options, key=value)
        chosen.append(best)
        covered.add(units[best].section)
    return sorted(chosen, key=lambda i: units[i].unit.start)
