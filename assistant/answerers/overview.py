"""Answers about a document as a whole: its summary, its outline, the corpus's documents;
and the reply to a greeting or thanks, which says what can be asked instead of quoting.

A summary quotes a few of the document's own sentences (chosen by
:mod:`assistant.answerers.summaries`), each with its ``[n]`` marker and exact
span, in document order. An outline lists its headings, each cited. Which
documents there are (or what one is called) is listed with their titles, each cited
at the heading that gives it where the document has one. With several documents, a bare
"summarize" that nothing narrows down gets a question back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

import numpy as np

from assistant.answerers.base import cite, start_answer
from assistant.answerers.summaries import document_units, summary_units
from assistant.asking.candidates import Candidate
from assistant.asking.documents import DocumentInfo, documents_of
from assistant.asking.state import QuestionState
from assistant.asking.subjects import subject_of
from assistant.common.text import plural
from assistant.common.timing import stage
from assistant.documents.chunking import Chunk
from assistant.response import Answer, Citation, Segment, compose

UnitVectors = Callable[[list[Chunk]], dict[str, np.ndarray]]
"""The stored unit vectors of chunks, by chunk id (the store's ``unit_vectors``)."""


class OverviewAnswerer:
    """Summaries, outlines and the list of documents, for any backend (all quoted)."""

    name = "extractive"

    def __init__(self, unit_vectors: UnitVectors, *, max_sentences: int = 6) -> None:
        self.unit_vectors = unit_vectors
        self.max_sentences = max_sentences

    def stream(self, state: QuestionState) -> Iterator[Answer]:
        """The one answer to a request about documents (they come whole, not streamed)."""
        base, _ = start_answer(state, state.backend)
        base = replace(base, request=state.request.kind if state.request else "summary")
        statistics = state.corpus_statistics
        documents = documents_of(statistics) if statistics is not None else []
        with stage("compose"):
            if not documents:
                yield _said(base, "The corpus holds no documents yet.", refused=True)
            elif base.request == "documents":
                assert statistics is not None
                yield _document_list(base, documents, statistics.chunks)
            elif base.request == "greeting":
                yield _said(base, _welcome(documents))
            elif state.unknown_document:
                # Named, and not among what this visitor may read: said, never guessed at.
                listed = ", ".join(_named(d) for d in documents[:5])
                yield _said(
                    base,
                    f"No document called “{state.unknown_document}”. You can ask about {listed}.",
                    refused=True,
                )
            elif not state.document:
                yield _which_document(base, documents)
            else:
                assert statistics is not None
                chunks = [c for c in statistics.chunks if c.source == state.document]
                info = next(d for d in documents if d.source == state.document)
                if base.request == "outline":
                    yield _outline(base, info, chunks)
                else:
                    yield self._summary(base, info, chunks, statistics.phrase_count)

    def _summary(
        self,
        base: Answer,
        info: DocumentInfo,
        chunks: list[Chunk],
        phrase_count: Callable[[str], int],
    ) -> Answer:
        units = document_units(chunks)
        stored = self.unit_vectors(chunks)
        units = [u for u in units if u.chunk.id in stored]
        if not units:
            return _said(base, f"{_named(info)} has no text to summarise.", refused=True)
        vectors = np.stack([stored[u.chunk.id][u.index] for u in units])
        chosen = [units[i] for i in summary_units(units, vectors, self.max_sentences)]
        segments = [Segment("leadin", f"{_named(info)} in {plural(len(chosen), 'sentence')}:")]
        citations: list[Citation] = []
        for marker, unit in enumerate(chosen, start=1):
            chunk = unit.chunk
            candidate = Candidate(chunk, unit.unit, None, 0, unit.index)
            context = subject_of(candidate, phrase_count)
            segments.append(Segment("item", unit.text, marker, context))
            citations.append(cite(chunk, unit.unit.start, unit.unit.end, marker=marker, score=1.0))
        return _with(base, segments, citations)


def _named(info: DocumentInfo) -> str:
    return f"“{info.title}”" if info.title else info.source


def _said(base: Answer, text: str, *, refused: bool = False) -> Answer:
    return replace(base, text=text, refused=refused, segments=(Segment("sentence", text),))


def _with(base: Answer, segments: list[Segment], citations: list[Citation]) -> Answer:
    return replace(base, text=compose(segments), segments=tuple(segments), citations=citations)


def _outline(base: Answer, info: DocumentInfo, chunks: list[Chunk]) -> Answer:
    """The document's headings in order, each cited at its own span."""
    headings: dict[tuple[int, int], Chunk] = {}
    for chunk in sorted(chunks, key=lambda c: c.ordinal):
        if chunk.heading is not None and chunk.section != chunk.title:
            headings.setdefault(chunk.heading, chunk)
    if not headings:
        return _said(
            base,
            f"{_named(info)} has no section headings. Ask for a summary to see what it says.",
        )
    count = plural(len(headings), "section")
    segments = [Segment("leadin", f"{_named(info)} has {count}:")]
    citations = []
    for marker, (_, chunk) in enumerate(sorted(headings.items()), start=1):
        segments.append(Segment("item", chunk.section, marker))
        citations.append(_heading_citation(chunk, marker))
    return _with(base, segments, citations)


def _heading_citation(chunk: Chunk, marker: int) -> Citation:
    """The heading of ``chunk``'s section, cited at its span."""
    assert chunk.heading is not None
    start, end = chunk.heading
    return Citation(
        marker=marker,
        quote=chunk.section,
        source=chunk.source,
        section=chunk.section,
        start=start,
        end=end,
        score=1.0,
        title=chunk.title,
        page=chunk.page_at(start),
    )


def _document_list(base: Answer, documents: list[DocumentInfo], chunks: Sequence[Chunk]) -> Answer:
    """The documents, each with its title and file name; a title the document gives as its
    heading is cited there (where a passage sits under it, as the index keeps headings
    with their passages), so "what is the article called?" can be checked like any
    answer."""
    titled = _title_headings(chunks)
    segments = [Segment("leadin", f"The corpus holds {plural(len(documents), 'document')}:")]
    citations: list[Citation] = []
    for info in documents:
        chunk = titled.get(info.source)
        marker = None
        if chunk is not None:
            marker = len(citations) + 1
            citations.append(_heading_citation(chunk, marker))
        segments.append(Segment("item", f"{_named(info)} ({info.source})", marker))
    return _with(base, segments, citations)


def _title_headings(chunks: Sequence[Chunk]) -> dict[str, Chunk]:
    """Per document, its first chunk under a heading that is the document's title."""
    found: dict[str, Chunk] = {}
    for chunk in chunks:
        if chunk.heading is None or not chunk.title or chunk.section != chunk.title:
            continue
        first = found.get(chunk.source)
        if first is None or chunk.ordinal < first.ordinal:
            found[chunk.source] = chunk
    return found


def _welcome(documents: list[DocumentInfo]) -> str:
    """What a greeting, a thanks or a goodbye gets: what can be asked, and of what."""
    cited = "quoting the passages each answer rests on"
    if len(documents) == 1:
        return (
            f"I answer questions about {_named(documents[0])}, {cited}, and I say so when "
            "it does not say. Ask me something about it, or ask for a summary."
        )
    named = ", ".join(_named(d) for d in documents[:3])
    if len(documents) > 3:
        named += f" and {plural(len(documents) - 3, 'other')}"
    return (
        f"I answer questions about the corpus's {plural(len(documents), 'document')} "
        f"({named}), {cited}, and I say so when they do not say. Ask me something about "
        "them, or ask which documents there are."
    )


def _which_document(base: Answer, documents: list[DocumentInfo]) -> Answer:
    """Several documents and nothing to say which: ask."""
    segments = [
        Segment(
            "leadin",
            f"Which document do you mean? The corpus holds {plural(len(documents), 'document')}:",
        )
    ]
    segments += [Segment("item", f"{_named(d)} ({d.source})") for d in documents]
    segments.append(Segment("sentence", "Ask again with its title or file name."))
    return _with(base, segments, [])
