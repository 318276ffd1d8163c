"""What the assistant gives back: an :class:`Answer` and its :class:`Citation` list."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


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
class Answer:
    """An answer with inline ``[n]`` markers and the citations they point to.

    While streaming, snapshots have ``complete=False``; the last one is the
    same as :meth:`assistant.Assistant.answer` returns.
    """

    question: str
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with ``text``, ``refused``, ``citations`` and ``timings`` first."""
        return {
            "text": self.text,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "timings": {k: round(v, 6) for k, v in self.timings.items()},
            "question": self.question,
            "query": self.query,
            "backend": self.backend,
            "fallback": self.fallback,
            "closest": self.closest.to_dict() if self.closest else None,
        }

    def to_json(self, **kwargs: Any) -> str:
        """The answer as one JSON object."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def markdown(self) -> str:
        """The answer and its quoted sources as Markdown."""
        lines = [self.text]
        if self.refused and self.closest is not None:
            quote = " ".join(self.closest.quote.split())
            lines += ["", f"Closest passage (not an answer), *{self.closest.label()}*: “{quote}”"]
        if self.citations:
            lines += ["", "**Sources**", ""]
            for c in self.citations:
                quote = " ".join(c.quote.split())
                lines.append(f"[{c.marker}] *{c.label(show_score=True)}*: “{quote}”")
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def citations_frame(self) -> Any:
        """The citations as a ``pandas.DataFrame`` (pandas must be installed)."""
        import pandas as pd

        columns = ["marker", "quote", "source", "section", "page", "start", "end", "score", "title"]
        return pd.DataFrame([c.to_dict() for c in self.citations], columns=columns)
