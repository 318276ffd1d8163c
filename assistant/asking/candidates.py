"""The citable units of the retrieved passages: what an answer can quote."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from assistant.asking.retrieval import Passage
from assistant.documents.chunking import Chunk, Unit

UnitKey = tuple[str, int, int]
"""Where a unit is: its source and character span."""


@dataclass(frozen=True)
class Candidate:
    """One unit (a sentence, a lead-in or a list item) of a retrieved passage."""

    chunk: Chunk
    unit: Unit
    leadin: Unit | None
    rank: int
    """Rank of the passage it comes from (0 is the best)."""
    index: int
    """Position of the unit in its chunk (the row of its stored vector)."""

    @property
    def text(self) -> str:
        """The unit's own text."""
        return self.chunk.unit_text(self.unit)

    @property
    def scoring_text(self) -> str:
        """The unit as the index embeds it (a list item with its lead-in)."""
        return self.chunk.unit_embed_text(self.unit)

    @property
    def context(self) -> str:
        """What frames the unit: its section heading and, for a list item, the lead-in."""
        leadin = self.chunk.leadin_text() if self.unit.kind == "item" else ""
        return f"{self.chunk.section} {leadin}".strip()

    def item_of(self, leadin: Candidate) -> bool:
        """Whether this unit is an item of the list that ``leadin`` (a lead-in) introduces:
        a chunk holds at most one list, so any item of the lead-in's chunk."""
        return self.unit.kind == "item" and self.chunk.id == leadin.chunk.id

    @property
    def key(self) -> tuple[str, int, int]:
        """Where the unit is: source and character span."""
        return self.chunk.source, self.unit.start, self.unit.end


def candidates_of(
    passages: tuple[Passage, ...] | list[Passage], skip: Collection[UnitKey] = ()
) -> list[Candidate]:
    """Every unit of the passages, once, but those at ``skip`` (a document's boilerplate)."""
    candidates: list[Candidate] = []
    seen: set[UnitKey] = set(skip)
    for rank, passage in enumerate(passages):
        chunk = passage.chunk
        leadin = next((u for u in chunk.units if u.kind == "leadin"), None)
        for index, unit in enumerate(chunk.units):
            key = (chunk.source, unit.start, unit.end)
            if key in seen:
                continue
            seen.add(key)
            candidates.append(Candidate(chunk, unit, leadin, rank, index))
    return candidates


def stored_vectors(
    candidates: list[Candidate], passages: tuple[Passage, ...] | list[Passage]
) -> np.ndarray | None:
    """The candidates' stored unit vectors, one row each; ``None`` if any is missing."""
    stored = {p.chunk.id: p.unit_vectors for p in passages}
    rows = []
    for candidate in candidates:
        vectors = stored.get(candidate.chunk.id)
        if vectors is None:
            return None
        rows.append(vectors[candidate.index])
    return np.stack(rows) if rows else None
