"""What every answerer shares: citations, the start of an answer, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Protocol

from assistant.asking.decision import Verdict, answers
from assistant.asking.state import QuestionState
from assistant.documents.chunking import Chunk
from assistant.response import Answer, Citation, RetrievedPassage, Segment


class Answerer(Protocol):
    """Turns a question's state (passages, verdict) into streamed answer snapshots."""

    name: str

    def stream(self, state: QuestionState) -> Iterator[Answer]:
        """Yield growing answers; the last one has ``complete=True``."""
        ...


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
    return text + _not_mentioned(verdict)


def _not_mentioned(verdict: Verdict | None) -> str:
    """ " It does not mention “salary”." for the question's words the corpus lacks, or ""."""
    missing = verdict.missing if verdict is not None else ()
    if not missing:
        return ""
    quoted = [f"“{word}”" for word in missing[:3]]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" It does not mention {listed}."


def hedge_text(documents: int, verdict: Verdict | None = None) -> str:
    """What an unsure answer says before its quotes: they may not answer the question (and
    the question's words the corpus lacks, as a refusal names them)."""
    lacks = _not_mentioned(verdict)
    if documents > 1:
        return f"The documents may not answer this directly.{lacks} The closest they come:"
    return f"The article may not answer this directly.{lacks} The closest it comes:"


def start_answer(state: QuestionState, backend: str) -> tuple[Answer, Answer | None]:
    """The empty answer to grow (marked hedged when the verdict is unsure), and the refusal
    when the verdict says so (else ``None``)."""
    retrieved = tuple(
        RetrievedPassage(p.chunk.source, p.chunk.section, p.chunk.start, p.chunk.end, p.fused_score)
        for p in state.passages
    )
    base = Answer(
        question=state.question,
        text="",
        refused=False,
        query=state.search_text,
        backend=backend,
        retrieved=retrieved,
        hedged=state.verdict is not None and state.verdict.hedged,
    )
    verdict = state.verdict
    if answers(verdict, len(state.passages)):
        return base, None
    closest = None
    if verdict is not None and verdict.closest is not None:
        unit = verdict.closest.candidate
        closest = cite(
            unit.chunk,
            unit.unit.start,
            unit.unit.end,
            marker=0,
            score=verdict.closest.probability,
        )
    text = refusal_text(state.documents, verdict)
    segments = (Segment("sentence", text),)
    return base, replace(
        base, text=text, refused=True, hedged=False, closest=closest, segments=segments
    )
