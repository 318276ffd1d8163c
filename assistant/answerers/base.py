"""What every answerer shares: candidates, citations, the start of an answer, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Protocol

from assistant.chunking import Chunk, Unit
from assistant.response import Answer, Citation, RetrievedPassage
from assistant.retrieval import Passage
from assistant.scope import Verdict
from assistant.state import QuestionState


class Answerer(Protocol):
    """Turns a question's state (passages, verdict) into streamed answer snapshots."""

    name: str

    def stream(self, state: QuestionState) -> Iterator[Answer]:
        """Yield growing answers; the last one has ``complete=True``."""
        ...


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
    index: int = 0
    """Position of the unit in its chunk (the row of its stored vector)."""

    def score(self, dense_share: float) -> float:
        """Blend of meaning (cosine) and idf-weighted word overlap, 0..1-ish."""
        return dense_share * (self.dense or 0.0) + (1 - dense_share) * self.lexical

    @property
    def text(self) -> str:
        """The unit's own text."""
        return self.chunk.unit_text(self.unit)

    @property
    def scoring_text(self) -> str:
        """The unit as the index embeds it (a list item with its lead-in)."""
        return self.chunk.unit_embed_text(self.unit)


def candidates_of(passages: tuple[Passage, ...] | list[Passage]) -> list[Candidate]:
    """Every unit of the retrieved passages, once, with any similarity the retriever knew."""
    candidates: list[Candidate] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, passage in enumerate(passages):
        chunk = passage.chunk
        leadin = next((u for u in chunk.units if u.kind == "leadin"), None)
        known = passage.unit_similarities
        dense = list(known) if len(known) == len(chunk.units) else [None] * len(chunk.units)
        for index, (unit, similarity) in enumerate(zip(chunk.units, dense, strict=True)):
            key = (chunk.source, unit.start, unit.end)
            if key in seen:
                continue
            seen.add(key)
            candidates.append(
                Candidate(
                    chunk=chunk,
                    unit=unit,
                    leadin=leadin,
                    rank=rank,
                    dense=similarity,
                    index=index,
                )
            )
    return candidates


def cite(chunk: Chunk, start: int, end: int, *, marker: int, score: float) -> Citation:
    """The citation of ``chunk``'s source text between ``start`` and ``end``."""
    return Citation(
        marker=marker,
        quote=chunk.text[start - chunk.start : end - chunk.start],
        source=chunk.source,
        section=chunk.section,
        start=start,
        end=end,
        score=round(score, 4),
        title=chunk.title,
        page=chunk.page_at(start),
    )


def refusal_text(documents: int, verdict: Verdict | None = None) -> str:
    """The refusal, naming the question's words the corpus has nothing about."""
    if documents > 1:
        text = (
            f"The documents do not say: nothing in the {documents} indexed documents "
            "answers this question."
        )
    else:
        text = "The article does not say: nothing in it answers this question."
    missing = verdict.missing if verdict is not None else ()
    if not missing:
        return text
    quoted = [f"“{word}”" for word in missing[:3]]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"{text} It does not mention {listed}."


def start_answer(state: QuestionState, backend: str) -> tuple[Answer, Answer | None]:
    """The empty answer to grow, and the refusal when the verdict says so (else ``None``)."""
    retrieved = tuple(
        RetrievedPassage(p.chunk.source, p.chunk.section, p.chunk.start, p.chunk.end, p.fused_score)
        for p in state.passages
    )
    base = Answer(
        question=state.question,
        text="",
        refused=False,
        query=state.standalone,
        backend=backend,
        retrieved=retrieved,
    )
    verdict = state.verdict
    if state.passages and (verdict is None or verdict.answerable):
        return base, None
    return base, replace(base, text=refusal_text(state.documents, verdict), refused=True)
