"""What the assistant gives back: an :class:`Answer` and its :class:`Citation` list."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from assistant.common.escape import markdown_text

SegmentKind = Literal["sentence", "leadin", "item"]
UNSURE_NOTE = "Not sure: these are the closest passages, not a confirmed answer."
"""The line every interface adds below an unsure answer."""


@dataclass(frozen=True)
class Segment:
    """One piece of an answer's text: a sentence, a list's lead-in or one of its items.

    ``text`` is a verbatim quote (extractive), a checked generated sentence, or the
    assistant's own words (a refusal); ``context`` is a subject named for the
    reader, not part of any quote. Renderers build their output from segments, so
    they can escape what came from a document and keep what is structure.
    """

    kind: SegmentKind
    text: str
    marker: int | None = None
    context: str = ""


def _laid_out(segments: tuple[Segment, ...] | list[Segment]) -> Iterator[tuple[str, Segment]]:
    """Each segment with what goes before it: sentences run on, a list stands on its lines."""
    previous: SegmentKind | None = None
    for segment in segments:
        if segment.kind == "item":
            joiner = "\n- "
        elif segment.kind == "leadin" or previous in ("leadin", "item"):
            joiner = "\n\n"
        else:
            joiner = " "
        yield joiner, segment
        previous = segment.kind


def compose(segments: tuple[Segment, ...] | list[Segment]) -> str:
    """The plain text of an answer: each segment with its ``[n]`` marker."""
    out = []
    for joiner, segment in _laid_out(segments):
        marker = f" [{segment.marker}]" if segment.marker is not None else ""
        context = f"[{segment.context}:] " if segment.context else ""
        out.append(f"{joiner}{context}{segment.text}{marker}")
    return "".join(out).strip()


@dataclass(frozen=True)
class Citation:
    """A verbatim span of a source document that supports part of an answer.

    ``quote == document_text[start:end]``, where ``document_text`` is what
    :meth:`assistant.Assistant.document_text` returns for ``source``.
    """

    marker: int
    """The number that appears as ``[marker]`` in the answer text."""
    quote: str
    source: str
    section: str
    start: int
    end: int
    score: float
    """How likely the span is to answer the question (0..1; for generated sentences,
    how close the sentence is to the span)."""
    title: str = ""
    page: int | None = None
    """The page the quote starts on, for PDF sources."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)

    def label(self, *, show_score: bool = False) -> str:
        """Where the quote comes from, for people: "section · source, p. 3 · score 0.71"."""
        page = f", p. {self.page}" if self.page else ""
        score = f" · score {self.score:.2f}" if show_score else ""
        return f"{self.section} · {self.source}{page}{score}"


@dataclass(frozen=True)
class RetrievedPassage:
    """A passage the answer was drawn from (retrieved, not necessarily cited)."""

    source: str
    section: str
    start: int
    end: int
    score: float
    """The passage's fused retrieval score."""


@dataclass(frozen=True)
class Dropped:
    """A generated sentence left out of the answer, and why."""

    sentence: str
    reason: str
    """What the nearest passage says otherwise ("the passage says this of the COO, not
    operation manager"), or that none says anything close."""


@dataclass(frozen=True)
class Answer:
    """An answer with inline ``[n]`` markers and the citations they point to.

    While streaming, snapshots have ``complete=False``; the last one is the
    same as :meth:`assistant.Assistant.answer` returns.
    """

    question: str
    text: str
    refused: bool
    """True only for "not in the corpus": nothing retrieved answers the question."""
    citations: list[Citation] = field(default_factory=list)
    segments: tuple[Segment, ...] = ()
    """The pieces ``text`` is made of, for renderers that must tell a quote from structure."""
    timings: dict[str, float] = field(default_factory=dict)
    query: str = ""
    """What was searched for: the question made standalone (a follow-up rewritten) and
    read in the corpus's words (typos and abbreviations resolved)."""
    backend: str = "extractive"
    complete: bool = True
    pending: str = ""
    """While streaming a generated answer: text written but not yet checked against the sources."""
    fallback: bool = False
    """True when no generated sentence was supported and the extractive answer stands in."""
    retrieved: tuple[RetrievedPassage, ...] = ()
    """The passages retrieved for the question, best first (what evaluation scores)."""
    closest: Citation | None = None
    """For a refusal: the passage that came nearest to answering (``marker`` 0), so a
    reader can judge for themselves. Not cited, and not part of ``text``."""
    dropped: tuple[Dropped, ...] = ()
    """Generated sentences the passages did not support, left out, each with why."""
    notice: str = ""
    """A problem met on the way, for people: the model failed (its endpoint is down, it
    crashed) and these quotes answer instead. Empty when all went well."""
    hedged: bool = False
    """True for an unsure answer: the corpus may not answer the question, and the quotes
    are the closest it comes, said to be so in ``text``. Never True with ``refused``."""
    request: str = "ask"
    """What the message was read as: ``ask`` (a question one passage answers),
    ``summary``, ``outline`` or ``documents`` (about a document, or the corpus, as a
    whole), or a move continuing the last answer: ``more``, ``why``, ``importance``."""

    def dropped_note(self) -> str:
        """One line for people: "1 generated sentence dropped: ..." (empty if none)."""
        if not self.dropped:
            return ""
        reasons = "; ".join(dict.fromkeys(d.reason for d in self.dropped))
        count = len(self.dropped)
        return f"{count} generated sentence{'s' if count > 1 else ''} dropped: {reasons}."

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with ``text``, ``refused``, ``citations`` and ``timings`` first."""
        return {
            "text": self.text,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "timings": {k: round(v, 6) for k, v in self.timings.items()},
            "hedged": self.hedged,
            "question": self.question,
            "query": self.query,
            "backend": self.backend,
            "fallback": self.fallback,
            "closest": self.closest.to_dict() if self.closest else None,
            "dropped": [asdict(d) for d in self.dropped],
            "notice": self.notice,
            "request": self.request,
        }

    def to_json(self, **kwargs: Any) -> str:
        """The answer as one JSON object."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def markdown(self, *, show_scores: bool = False) -> str:
        """The answer and its quoted sources as Markdown; what documents say stays text.

        Each source's score is written only when ``show_scores`` is on.
        """
        lines = [answer_markdown(self)]
        if self.hedged:
            lines += ["", f"*{UNSURE_NOTE}*"]
        if self.notice:
            lines += ["", f"⚠️ *{markdown_text(self.notice)}*"]
        if self.dropped:
            lines += ["", f"*{markdown_text(self.dropped_note())}*"]
        if self.refused and self.closest is not None:
            where = markdown_text(self.closest.label())
            quote = markdown_text(self.closest.quote)
            lines += ["", f"Closest passage (not an answer), *{where}*: “{quote}”"]
        if self.citations:
            lines += ["", "**Sources**", ""]
            for c in self.citations:
                where = markdown_text(c.label(show_score=show_scores))
                lines.append(f"\\[{c.marker}\\] *{where}*: “{markdown_text(c.quote)}”")
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def citations_frame(self) -> Any:
        """The citations as a ``pandas.DataFrame`` (pandas must be installed)."""
        import pandas as pd

        columns = ["marker", "quote", "source", "section", "page", "start", "end", "score", "title"]
        return pd.DataFrame([c.to_dict() for c in self.citations], columns=columns)


def answer_markdown(answer: Answer, link: Callable[[int], str] | None = None) -> str:
    """``answer``'s text as Markdown, every quote escaped; ``link`` renders a marker.

    Answers made before segments existed (or by a custom answerer) are escaped whole.
    """
    link = link or (lambda marker: f"\\[{marker}\\]")
    if not answer.segments:
        return markdown_text(answer.text)
    out = []
    for joiner, segment in _laid_out(answer.segments):
        marker = f" {link(segment.marker)}" if segment.marker is not None else ""
        context = f"*\\[{markdown_text(segment.context)}:\\]* " if segment.context else ""
        out.append(f"{joiner}{context}{markdown_text(segment.text)}{marker}")
    return "".join(out).strip()
