"""Answers drawn for people: chat Markdown, the highlighted-source panel, exports."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.response import Answer, Citation

_MARKER = re.compile(r"\[(\d+)\]")
# Around each cited span, this much of the document is shown; the rest is elided.
_CONTEXT_CHARS = 400


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation: the question and the answer it got."""

    question: str
    answer: Answer


def anchor(turn: int, marker: int) -> str:
    """The HTML id of a citation in the sources panel."""
    return f"cite-{turn}-{marker}"


def chat_markdown(answer: Answer, *, turn: int, show_scores: bool = False) -> str:
    """An answer for the chat: markers link to the sources panel, quotes follow in a fold.

    While a model is still writing, the sentence not yet checked against the
    sources is shown faded after the checked text.
    """
    if answer.pending:
        faded = f'<span class="pending">{html.escape(answer.pending)}</span>'
        return f"{answer.text} {faded}".strip()
    if answer.refused and answer.closest is not None:
        closest = answer.closest
        return (
            f"{html.escape(answer.text)}\n\n<details><summary>Closest passage (not an answer)"
            f"</summary><p><i>{html.escape(closest.label(show_score=show_scores))}</i><br>"
            f"“{html.escape(' '.join(closest.quote.split()))}”</p></details>"
        )
    if answer.refused or not answer.citations:
        return answer.text
    known = {c.marker for c in answer.citations}

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number not in known:
            return match.group(0)
        return f'<a href="#{anchor(turn, number)}" class="cite-link">[{number}]</a>'

    body = _MARKER.sub(link, answer.text)
    items = "\n".join(
        f"<p><b>[{c.marker}]</b> <i>{html.escape(c.label(show_score=show_scores))}</i><br>"
        f"“{html.escape(' '.join(c.quote.split()))}”</p>"
        for c in answer.citations
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
        return f'<div class="sources-empty">{html.escape(message)}</div>'
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
            f'<div class="source"><div class="source-title">{html.escape(title)}'
            f' <span class="source-file">{html.escape(source)}</span></div>'
        )
        valid = text is not None and all(text[c.start : c.end] == c.quote for c in citations)
        if valid and text is not None:
            parts.append(_highlighted(text, citations, turn=turn, show_scores=show_scores))
        else:
            parts.extend(
                f'<div class="excerpt"><mark id="{anchor(turn, c.marker)}">'
                f"<sup>[{c.marker}]</sup> {html.escape(c.quote)}</mark>"
                f'<div class="where">{html.escape(c.label(show_score=show_scores))}</div></div>'
                for c in citations
            )
        parts.append("</div>")
    return '<div class="sources">' + "".join(parts) + "</div>"


def _highlighted(text: str, citations: Sequence[Citation], *, turn: int, show_scores: bool) -> str:
    """Windows of the document around the citations, each cited span marked."""
    spans = sorted(citations, key=lambda c: c.start)
    windows: list[list[int]] = []
    for c in spans:
        start, end = max(0, c.start - _CONTEXT_CHARS), min(len(text), c.end + _CONTEXT_CHARS)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    out: list[str] = []
    for start, end in windows:
        cursor = start
        piece = ["…" if start > 0 else ""]
        for c in spans:
            if c.start < start or c.end > end or c.start < cursor:
                continue
            piece.append(html.escape(text[cursor : c.start]))
            label = html.escape(c.label(show_score=show_scores))
            piece.append(
                f'<mark id="{anchor(turn, c.marker)}" title="{label}">'
                f"<sup>[{c.marker}]</sup>{html.escape(text[c.start : c.end])}</mark>"
            )
            cursor = c.end
        piece.append(html.escape(text[cursor:end]))
        piece.append("…" if end < len(text) else "")
        out.append(f'<div class="excerpt">{_headings("".join(piece))}</div>')
    legend = "".join(
        f'<div class="where"><b>[{c.marker}]</b> '
        f"{html.escape(c.label(show_score=show_scores))}</div>"
        for c in citations
    )
    return "".join(out) + legend


_HEADING_LINE = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)


def _headings(escaped: str) -> str:
    """Markdown heading lines of an escaped excerpt shown as headings, not as "##"."""
    return _HEADING_LINE.sub(r'<span class="heading">\1</span>', escaped)


def conversation_markdown(turns: Sequence[Turn]) -> str:
    """A conversation as a Markdown document: each question, its answer, its sources."""
    lines = ["# Conversation with the article assistant", ""]
    for turn in turns:
        lines += [f"## {turn.question}", "", turn.answer.markdown().rstrip(), ""]
    return "\n".join(lines).rstrip() + "\n"
