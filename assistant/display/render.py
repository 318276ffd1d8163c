"""Answers drawn for people: chat Markdown, the highlighted-source panel, exports."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.common.escape import html_text, markdown_text
from assistant.response import UNSURE_NOTE, Answer, Citation, answer_markdown

# Around each cited span, this much of the document is shown; the rest is elided.
_CONTEXT_CHARS = 400


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation: the question and the answer it got."""

    question: str
    answer: Answer
    typed: str = ""
    """The question as the visitor typed it, markup and all (``question`` is what was
    asked, without it); the export shows what was typed, escaped."""


def anchor(turn: int, marker: int) -> str:
    """The HTML id of a citation in the sources panel."""
    return f"cite-{turn}-{marker}"


def _quoted(citation: Citation, show_scores: bool) -> str:
    """A citation inside HTML: its label and its quote, both shown as text.

    A quoted list keeps its items on lines of their own.
    """
    label = html_text(citation.label(show_score=show_scores))
    lines = [" ".join(line.split()) for line in citation.quote.splitlines()]
    quote = "<br>".join(_structure(html_text(line)) for line in lines if line)
    return f"<i>{label}</i><br>“{quote}”"


def chat_markdown(answer: Answer, *, turn: int, show_scores: bool = False) -> str:
    """An answer for the chat: markers link to the sources panel, quotes follow in a fold.

    Everything that came from a document or a model is escaped: a quote shows
    exactly its characters and never becomes a form, an image or a link. While
    a model is still writing, the sentence not yet checked against the sources
    is shown faded after the checked text.
    """
    known = {c.marker for c in answer.citations}

    def link(marker: int) -> str:
        if marker not in known:
            return f"\\[{marker}\\]"
        return f'<a href="#{anchor(turn, marker)}" class="cite-link">[{marker}]</a>'

    body = answer_markdown(answer, link)
    if answer.hedged:
        # Unsure: its own look, and a line that says so, before the quotes are read.
        note = f'<p class="unsure-note">⚠️ {html_text(UNSURE_NOTE)}</p>'
        body = f'<div class="unsure">\n\n{note}\n\n{body}\n\n</div>'
    if answer.pending:
        faded = f'<span class="pending">{html_text(answer.pending)}</span>'
        return f"{body} {faded}".strip()
    if answer.notice:
        body += f'\n\n<p class="notice">⚠️ {html_text(answer.notice)}</p>'
    if answer.dropped:
        body += f'\n\n<p class="dropped"><i>{html_text(answer.dropped_note())}</i></p>'

    if answer.refused and answer.closest is not None:
        return (
            f"{body}\n\n<details><summary>Closest passage (not an answer)</summary>"
            f"<p>{_quoted(answer.closest, show_scores)}</p></details>"
        )
    if answer.refused or not answer.citations:
        return body
    items = "\n".join(
        f"<p><b>[{c.marker}]</b> {_quoted(c, show_scores)}</p>" for c in answer.citations
    )
    note = "<p><i>No sentence of the model's answer was supported; these are quotes.</i></p>"
    fallback = note if answer.fallback else ""
    return f"{body}\n\n<details><summary>Sources</summary>{fallback}{items}</details>"


def sources_html(
    answer: Answer | None,
    *,
    turn: int,
    document_text: Callable[[str], str],
    show_scores: bool = False,
) -> str:
    """The sources panel: each cited document with the cited spans highlighted in place."""
    if answer is None or not answer.citations:
        message = "The sources of the next answer appear here, highlighted in their document."
        if answer is not None and answer.refused:
            message = "No passage was cited: the corpus does not cover this question."
        return f'<div class="sources-empty">{html_text(message)}</div>'
    parts: list[str] = []
    by_source: dict[str, list[Citation]] = {}
    for citation in answer.citations:
        by_source.setdefault(citation.source, []).append(citation)
    for source, citations in by_source.items():
        try:
            text = document_text(source)
        except Exception:  # the document changed or went away since it was indexed
            text = None
        title = citations[0].title or source
        parts.append(
            f'<div class="source"><div class="source-title">{html_text(title)}'
            f' <span class="source-file">{html_text(source)}</span></div>'
        )
        valid = text is not None and all(text[c.start : c.end] == c.quote for c in citations)
        if valid and text is not None:
            parts.append(_highlighted(text, citations, turn=turn, show_scores=show_scores))
        else:
            parts.extend(
                f'<div class="excerpt"><mark id="{anchor(turn, c.marker)}">'
                f"<sup>[{c.marker}]</sup> {html_text(c.quote)}</mark>"
                f'<div class="where">{html_text(c.label(show_score=show_scores))}</div></div>'
                for c in citations
            )
        parts.append("</div>")
    return '<div class="sources">' + "".join(parts) + "</div>"


def _highlighted(text: str, citations: Sequence[Citation], *, turn: int, show_scores: bool) -> str:
    """Windows of the document around the citations, each cited span marked."""
    spans = sorted(citations, key=lambda c: c.start)
    windows: list[list[int]] = []
    for c in spans:
        start = _snap_start(text, max(0, c.start - _CONTEXT_CHARS), c.start)
        end = _snap_end(text, min(len(text), c.end + _CONTEXT_CHARS), c.end)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    out: list[str] = []
    for start, end in windows:
        cursor = start
        piece: list[str] = []
        for c in spans:
            if c.start < start or c.end > end or c.start < cursor:
                continue
            piece.append(html_text(text[cursor : c.start]))
            label = html_text(c.label(show_score=show_scores))
            piece.append(
                f'<mark id="{anchor(turn, c.marker)}" title="{label}">'
                f"<sup>[{c.marker}]</sup>{html_text(text[c.start : c.end])}</mark>"
            )
            cursor = c.end
        piece.append(html_text(text[cursor:end]))
        before = "…" if start > 0 else ""
        after = "…" if end < len(text) else ""
        out.append(f'<div class="excerpt">{before}{_structure("".join(piece))}{after}</div>')
    legend = "".join(
        f'<div class="where"><b>[{c.marker}]</b> {html_text(c.label(show_score=show_scores))}</div>'
        for c in citations
    )
    return "".join(out) + legend


_BOUNDARY = re.compile(r"(?<=[.!?:])\s+|\n+")
_SNAP = 80
"""How far an excerpt's edge may move to reach a sentence boundary."""


def _snap_start(text: str, start: int, keep: int) -> int:
    """``start`` moved to the nearest sentence start (or else word start) before ``keep``."""
    if start == 0:
        return 0
    starts = [m.end() for m in _BOUNDARY.finditer(text, max(0, start - _SNAP), keep)]
    if starts:
        return min(starts, key=lambda p: abs(p - start))
    space = text.find(" ", start, keep)
    return space + 1 if space >= 0 else start


def _snap_end(text: str, end: int, keep: int) -> int:
    """``end`` moved to the nearest sentence end (or else word end) after ``keep``."""
    if end >= len(text):
        return len(text)
    ends = [m.start() for m in _BOUNDARY.finditer(text, keep, min(len(text), end + _SNAP))]
    if ends:
        return min(ends, key=lambda p: abs(p - end))
    space = text.rfind(" ", keep, end)
    return space if space >= 0 else end


_HEADING_LINE = re.compile(r"^[ \t]*(?:&#35;){1,6}[ \t]+(.+?)[ \t]*$", re.MULTILINE)  # "#"
_ITEM_LINE = re.compile(r"^[ \t]*(?:-|&#42;|\+)[ \t]+", re.MULTILINE)  # "-", "*", "+"


def _structure(escaped: str) -> str:
    """Markdown syntax of an escaped excerpt drawn as what it means: "## Roles" as a
    heading, "- item" as a bullet, so no excerpt shows raw Markdown."""
    bulleted = _ITEM_LINE.sub("• ", escaped)
    return _HEADING_LINE.sub(r'<span class="heading">\1</span>', bulleted)


def conversation_markdown(turns: Sequence[Turn], *, show_scores: bool = False) -> str:
    """A conversation as a Markdown document: each question, its answer, its sources.

    Scores are written only when ``show_scores`` is on, as in the chat.
    """
    lines = ["# Conversation with the article assistant", ""]
    for turn in turns:
        answer = turn.answer.markdown(show_scores=show_scores).rstrip()
        lines += [f"## {markdown_text(turn.typed or turn.question)}", "", answer, ""]
    return "\n".join(lines).rstrip() + "\n"
