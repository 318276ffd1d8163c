"""Moves in a conversation: "tell me more", "why?", "is that important?".

They have no topic of their own: they continue the last question that had one
(the *topic*), from what its answers already quoted.

- *More* gives the next units that were not quoted yet: the rest of the quoted
  units' section first, in document order after them, then the passages the
  scorer ranks next for the topic. When nothing is left, or the topic was one
  the article does not answer at all, it says so.
- *Why* and *importance* look for the reason, or the statement of importance,
  beside the quoted units (the unit before and the one after each, in the same
  section): the learned scorer reads a question made of the move and the
  topic against just those units, and decides as for any question. The quoted
  units themselves are never the answer: shown again, a quote reads as a reason
  it is not ("any reason why?" → the same list item). "Is that important?"
  after "How do the two roles work together?" is answered from the sentence
  after the quote ("Collaboration between these roles is essential ..."); where
  nothing beside the quotes answers, the move says that the article gives no
  more than what was quoted.

The continued state goes to the extractive answerer: a move is answered with
quotes whatever the backend (a model asked "tell me more" would answer the
topic again).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
from langchain_core.runnables import Runnable

from assistant.answerers.base import hedge_text, start_answer
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.summaries import boilerplate, document_units
from assistant.asking.candidates import Candidate
from assistant.asking.decision import Verdict, related
from assistant.asking.documents import quoted_units
from assistant.asking.retrieval import Passage
from assistant.asking.state import QuestionState
from assistant.common.timing import stage
from assistant.documents.chunking import Chunk
from assistant.indexing.statistics import KeywordIndex
from assistant.models.requests.classifier import Request
from assistant.models.scorer.scorer import ScoredCandidate
from assistant.response import Answer, Segment, compose

Steps = Runnable[QuestionState, QuestionState]
"""Some of the chain's steps: its search (rewrite, read, retrieve), or its judge."""
RequestOf = Callable[[str, KeywordIndex | None], Request]
"""What a message asks for, given the corpus statistics it is read against."""
Classify = Callable[[str], Request]
UnitVectors = Callable[[list[Chunk]], dict[str, np.ndarray]]

_QUESTIONS = {
    "why": "Why: {statement}",
    "importance": "Why is this important: {statement}",
}
"""What the scorer reads for a reason or an importance move: the move, then the statement
it asks about (the first unit the last answer quoted)."""
_LABEL = re.compile(r"^[^:]{1,60}:\s+(?=\S)")
"""A list item's label ("Decision-Making Authority: ..."), not part of its statement."""


@dataclass(frozen=True)
class Thread:
    """The question a run of moves continues, and what its answers quoted so far."""

    topic: str
    before: tuple[tuple[str, str], ...]
    """The turns before the topic (to read the topic itself as it was meant)."""
    answers: tuple[str, ...]


def thread_of(history: Sequence[tuple[str, str]], classify: Classify) -> Thread | None:
    """The latest question of ``history`` that was not itself a move, and the answers since."""
    for at in range(len(history) - 1, -1, -1):
        question = history[at][0]
        if question.strip() and not classify(question).move:
            answers = tuple(answer for _, answer in history[at:])
            return Thread(question, tuple(history[:at]), answers)
    return None


class ContinuationAnswerer:
    """Answers a move from the conversation: more of the topic, or its reason."""

    name = "extractive"

    def __init__(
        self,
        search: Steps,
        judge: Steps,
        request_of: RequestOf,
        unit_vectors: UnitVectors,
        quotes: ExtractiveAnswerer,
    ) -> None:
        self.search = search
        """Searches for the topic, and for the question a reason move asks of it."""
        self.judge = judge
        """The chain's judge step: the verdict on a question over chosen passages."""
        self.request_of = request_of
        self.unit_vectors = unit_vectors
        self.quotes = quotes

    def stream(self, state: QuestionState) -> Iterator[Answer]:
        """Answer the move in ``state`` (its ``request`` says which)."""
        assert state.request is not None
        kind = state.request.kind
        thread = thread_of(state.history, lambda text: self.request_of(text, state.statistics))
        if thread is None:
            base, _ = start_answer(state, state.backend)
            text = (
                "There is no earlier answer to continue. Ask a question about the "
                "documents first, or ask for a summary."
            )
            yield replace(base, text=text, segments=(Segment("sentence", text),), request=kind)
            return
        topic = self.judge.invoke(
            self.search.invoke(
                QuestionState(
                    thread.topic,
                    thread.before,
                    top_k=state.top_k,
                    backend=state.backend,
                    request=Request(),
                    viewer=state.viewer,
                )
            )
        )
        with stage("continue"):
            if kind == "more":
                continued = self._more(state, topic, thread)
            else:
                continued = self._reason(state, topic, thread, kind)
        # After a refusal nothing was quoted: "more" of nothing is said as such.
        said_nothing = not (topic.verdict and topic.verdict.answerable)
        for snapshot in self.quotes.stream(continued):
            answer = _nothing_more(snapshot, continued.documents, kind, said_nothing)
            if kind == "more":
                answer = _more_of_closest(answer, continued)
            yield replace(answer, question=state.question, request=kind, backend=state.backend)

    def _more(self, state: QuestionState, topic: QuestionState, thread: Thread) -> QuestionState:
        statistics = topic.corpus_statistics
        assert statistics is not None and topic.verdict is not None
        if not topic.verdict.answerable:
            # The article says nothing on the topic (its closest passage was shown as not an
            # answer): there is no more of it to give, only the rest of an unrelated section.
            verdict = Verdict(False, 0.0)
            return replace(topic, question=state.question, history=state.history, verdict=verdict)
        quoted = _quoted(thread, statistics, topic.verdict)
        fresh = self._rest_of_sections(quoted, statistics)
        taken = {s.candidate.key for s in fresh} | quoted
        best = topic.verdict.ranked[0].probability if topic.verdict.ranked else 0.0
        nearby = [
            s for s in topic.verdict.ranked if s.candidate.key not in taken and related(s, best)
        ]
        ranked = fresh + [replace(s, probability=1.0) for s in nearby]
        ranked = _whole_lists(ranked, self.quotes.max_units)
        # More of an unsure answer's closest passages is no surer than they were.
        verdict = Verdict(
            bool(ranked), 1.0 if ranked else 0.0, tuple(ranked), sure=topic.verdict.sure
        )
        return replace(topic, question=state.question, history=state.history, verdict=verdict)

    def _rest_of_sections(
        self, quoted: set[tuple[str, int, int]], statistics: KeywordIndex
    ) -> list[ScoredCandidate]:
        """The units of the quoted units' sections not quoted yet: those after them first."""
        if not quoted:
            return []
        chunks_of: dict[str, list[Chunk]] = {}
        for chunk in statistics.chunks:
            chunks_of.setdefault(chunk.source, []).append(chunk)
        fresh: list[ScoredCandidate] = []
        for source in sorted({s for s, _, _ in quoted}):
            units = document_units(chunks_of.get(source, []))
            stored = self.unit_vectors(sorted({u.chunk for u in units}, key=lambda c: c.ordinal))
            vectors = np.stack([stored[u.chunk.id][u.index] for u in units if u.chunk.id in stored])
            if len(vectors) != len(units):
                continue  # an index being updated: the related passages still come
            skipped = boilerplate(units, vectors)
            places = [(u.chunk.source, u.unit.start, u.unit.end) for u in units]
            marks = [i for i, p in enumerate(places) if p in quoted]
            sections = {units[i].section for i in marks}
            last = max(marks)
            order = list(range(last + 1, len(units))) + list(range(0, last))
            for i in order:
                unit = units[i]
                if i in skipped or places[i] in quoted or unit.section not in sections:
                    continue
                leadin = next((u for u in unit.chunk.units if u.kind == "leadin"), None)
                candidate = Candidate(unit.chunk, unit.unit, leadin, 0, unit.index)
                fresh.append(ScoredCandidate(candidate, 1.0, vectors[i]))
        return fresh

    def _reason(
        self, state: QuestionState, topic: QuestionState, thread: Thread, kind: str
    ) -> QuestionState:
        statistics = topic.corpus_statistics
        assert statistics is not None and topic.verdict is not None and topic.retrieval
        quoted = _quoted(thread, statistics, topic.verdict)
        # A quote shown again is no reason, nor a word on why it matters: the answer is
        # what stands beside it, or that the article says no more.
        near = {
            key: chunk
            for key, chunk in _neighbourhood(quoted, statistics).items()
            if key not in quoted
        }
        question = _QUESTIONS[kind].format(statement=_statement(thread, statistics, topic))
        # Searched for its reading and the index-wide features; it is judged over the
        # units beside the quotes alone, below.
        asked = self.search.invoke(
            QuestionState(
                question,
                top_k=state.top_k,
                backend=state.backend,
                request=Request(),
                viewer=state.viewer,
            )
        )
        assert asked.retrieval is not None
        chunks = list({c.id: c for c in near.values()}.values())
        stored = self.unit_vectors(chunks)
        passages = [
            Passage(c, 0.0, 0.0, unit_vectors=stored[c.id]) for c in chunks if c.id in stored
        ]
        retrieval = replace(asked.retrieval, passages=tuple(passages))
        judged = self.judge.invoke(replace(asked, retrieval=retrieval, quoted=frozenset(quoted)))
        assert judged.verdict is not None
        verdict = judged.verdict.within(near)
        if topic.verdict.hedged:
            # The reason for a statement the article may not make is no surer than it.
            verdict = replace(verdict, sure=False)
        return replace(
            asked,
            question=state.question,
            history=state.history,
            retrieval=retrieval,
            verdict=verdict,
        )


def _statement(thread: Thread, statistics: KeywordIndex, topic: QuestionState) -> str:
    """What the last answer said: its first quoted unit (else the topic's best unit)."""
    for answer in reversed(thread.answers):
        found = quoted_units(answer, statistics)
        if found:
            chunk, index = min(
                found, key=lambda pair: answer.find(pair[0].unit_text(pair[0].units[pair[1]]))
            )
            return _LABEL.sub("", chunk.unit_text(chunk.units[index]))
    closest = topic.verdict.closest if topic.verdict else None
    return _LABEL.sub("", closest.candidate.text) if closest else topic.standalone


def _quoted(thread: Thread, statistics: KeywordIndex, verdict: Verdict) -> set:
    """Where the thread's answers quoted: found verbatim, or else where the topic's
    answer rests (a generated answer quotes nothing word for word)."""
    places = {
        (chunk.source, chunk.units[i].start, chunk.units[i].end)
        for answer in thread.answers
        for chunk, i in quoted_units(answer, statistics)
    }
    if not places and verdict.closest is not None:
        places.add(verdict.closest.candidate.key)
    return places


def _neighbourhood(quoted: set, statistics: KeywordIndex) -> dict[tuple[str, int, int], Chunk]:
    """The quoted units, and the unit before and after each (in the same section)."""
    by_source: dict[str, list[tuple[Chunk, int]]] = {}
    for chunk in statistics.chunks:
        if any(chunk.source == s for s, _, _ in quoted):
            by_source.setdefault(chunk.source, []).extend(
                (chunk, i) for i in range(len(chunk.units))
            )
    near: dict[tuple[str, int, int], Chunk] = {}
    for source, units in by_source.items():
        units.sort(key=lambda pair: pair[0].units[pair[1]].start)
        keys = [(source, c.units[i].start, c.units[i].end) for c, i in units]
        for at, key in enumerate(keys):
            if key not in quoted:
                continue
            for j in (at - 1, at, at + 1):
                if 0 <= j < len(units) and units[j][0].section == units[at][0].section:
                    near[keys[j]] = units[j][0]
    return near


def _whole_lists(ranked: list[ScoredCandidate], limit: int) -> list[ScoredCandidate]:
    """The first ``limit`` citations' worth of units; a lead-in brings its items along."""
    out: list[ScoredCandidate] = []
    groups = 0
    chunks_done: set[str] = set()
    for scored in ranked:
        candidate = scored.candidate
        if candidate.unit.kind == "sentence" or candidate.chunk.id not in chunks_done:
            if groups == limit:
                break
            groups += 1
        if candidate.unit.kind != "sentence":
            chunks_done.add(candidate.chunk.id)
        out.append(scored)
    return out


_NOTHING_MORE = {
    "nothing": "{Where} no answer to this, so there is no more of it to tell.",
    "more": "That is all {where} about this: there is nothing more than the passages quoted.",
    "why": "{Where} no reason for this beyond the passages already quoted.",
    "importance": "{Where} nothing on why this matters beyond the passages already quoted.",
}
"""What a refused move says: that the article has no more on it, not that nothing answers."""


def _more_of_closest(answer: Answer, state: QuestionState) -> Answer:
    """An unsure "more" says that it continues passages that may not answer the question
    asked before, not that they may not answer "tell me more"."""
    said = hedge_text(state.documents, state.verdict)
    if not answer.hedged or not answer.segments or answer.segments[0].text != said:
        return answer
    text = (
        "The documents may not answer the earlier question directly. More of what they say "
        "near the closest passages:"
        if state.documents > 1
        else "The article may not answer the earlier question directly. More of what it says "
        "near the closest passages:"
    )
    segments = (Segment("sentence", text), *answer.segments[1:])
    return replace(answer, text=compose(segments), segments=segments)


def _nothing_more(answer: Answer, documents: int, kind: str, said_nothing: bool) -> Answer:
    """A refused move says that all was said (or that nothing was, after a refusal), not
    that nothing answers the question."""
    if not answer.refused:
        return answer
    many = documents > 1
    text = _NOTHING_MORE["nothing" if said_nothing else kind].format(
        where="the documents say" if many else "the article says",
        Where="The documents give" if many else "The article gives",
    )
    return replace(answer, text=text, segments=(Segment("sentence", text),), closest=None)
