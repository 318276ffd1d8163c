"""The vectors the index stores for sentences and list items.

A list item is searched as read with the end of its lead-in ("Key
responsibilities of a COO include: Strategic planning"), so each is embedded
with it. For a long list (a 4,000-item upload under a 150-word lead-in) that
would cost items times lead-in; there the lead-in is embedded once and added to
each item's own vector, so indexing grows with a document's words. Lists of
ordinary length keep the exact embedding (docs/evaluation/list-items.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np

from assistant.documents.chunking import Chunk, Unit

JOINT_ITEMS = 64
"""Items of one list embedded each with its lead-in's end; a longer list (a 4,000-item
upload) embeds its lead-in once and adds it to each item's vector, so indexing costs
grow with a document's words, not with items times its lead-in."""


def long_lists(chunks: Iterable[Chunk]) -> frozenset[tuple[str, str]]:
    """``(source, lead-in)`` of the lists among ``chunks`` with over :data:`JOINT_ITEMS` items."""
    items = Counter(
        (chunk.source, chunk.leadin_tail())
        for chunk in chunks
        for unit in chunk.units
        if unit.kind == "item"
    )
    return frozenset(key for key, count in items.items() if count > JOINT_ITEMS)


def embedded_texts(chunk: Chunk, unit: Unit, long_lists: frozenset[tuple[str, str]]) -> list[str]:
    """The texts a unit's vector is made from: itself as read (a list item with its
    lead-in's end), or, for an item of a long list, its own words and its lead-in apart."""
    if unit.kind == "item" and (chunk.source, chunk.leadin_tail()) in long_lists:
        return [chunk.unit_text(unit), chunk.leadin_tail()]
    return [chunk.unit_embed_text(unit)]


def unit_vector(
    chunk: Chunk,
    unit: Unit,
    vector_of: dict[str, np.ndarray],
    long_lists: frozenset[tuple[str, str]],
) -> np.ndarray:
    """A unit's vector; an item of a long list adds its lead-in's, weighted by length.

    Mean pooling makes the vector of "lead-in item" close to the two vectors
    weighted by their words; ``sqrt(lead-in words / item words)`` kept a cosine of
    0.95-0.96 to the embedded whole on the article's lists and a 4,000-item list.
    """
    texts = embedded_texts(chunk, unit, long_lists)
    if len(texts) == 1:
        return vector_of[texts[0]]
    text, tail = texts
    weight = math.sqrt(len(tail.split()) / max(len(text.split()), 1))
    vector = vector_of[text] + weight * vector_of[tail]
    return vector / max(float(np.linalg.norm(vector)), 1e-12)
