"""Text structure: headings, paragraphs and list items, and the sentences inside them.

A small Markdown subset is read line by line into blocks, each with the
character offsets of its text in the source (markup excluded); plain text gets
headings by a heuristic. Sentences are split with offsets too, so everything
downstream can point at exact characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Block:
    """A heading, paragraph or list item; ``start``/``end`` exclude Markdown markup."""

    kind: Literal["heading", "paragraph", "item"]
    start: int
    end: int
    level: int = 0


# --- blocks -----------------------------------------------------------------

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_ITEM = re.compile(r"^([ \t]*)(?:[-*+•]|\d{1,3}[.)])[ \t]+(\S.*)$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_SENTENCE_END = (".", "!", "?", ":", ";", ",")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse_blocks(text: str, *, plain: bool = False) -> list[Block]:
    """Split text into headings, paragraphs and list items.

    ``plain`` is for ``.txt`` files: when the file has no blank lines every line is
    its own block, and a short line without closing punctuation followed by more
    text is taken as a heading.
    """
    reader = _BlockReader(text, plain=plain)
    for offset, line in _lines(text):
        reader.feed(offset, line)
    reader.close_paragraph()
    return _promote_plain_headings(text, reader.blocks) if plain else reader.blocks


class _BlockReader:
    """Reads a document line by line into blocks (a small Markdown subset)."""

    def __init__(self, text: str, *, plain: bool) -> None:
        self.text = text
        self.plain = plain
        self.one_block_per_line = plain and not re.search(r"\n[ \t]*\n", text.strip())
        self.blocks: list[Block] = []
        self.para: list[int] = []  # start and end of the open paragraph
        self.in_fence = False

    def close_paragraph(self) -> None:
        if self.para:
            start, end = trimmed(self.text, self.para[0], self.para[1])
            if end > start:
                self.blocks.append(Block("paragraph", start, end))
            self.para.clear()

    def feed(self, offset: int, line: str) -> None:
        end = offset + len(line)
        if self.in_fence:
            self.para[1] = end
            if _FENCE.match(line):
                self.in_fence = False
                self.close_paragraph()
        elif not line.strip():
            self.close_paragraph()
        elif _FENCE.match(line):
            self.close_paragraph()
            self.para[:] = [offset, end]
            self.in_fence = True
        elif not self._structure(offset, line):
            self._paragraph_line(offset, line)

    def _structure(self, offset: int, line: str) -> bool:
        """Record a heading or list item starting at this line; False if it is neither."""
        end = offset + len(line)
        heading = _HEADING.match(line)
        if heading and heading.group(2):
            self.close_paragraph()
            start = offset + heading.start(2)
            level = len(heading.group(1))
            self.blocks.append(Block("heading", start, start + len(heading.group(2)), level))
            return True
        setext = _SETEXT.match(line)
        if setext and self.para and not self.plain and "\n" not in self._open_paragraph():
            start, stop = trimmed(self.text, self.para[0], self.para[1])
            self.para.clear()
            level = 1 if setext.group(1)[0] == "=" else 2
            self.blocks.append(Block("heading", start, stop, level))
            return True
        item = _ITEM.match(line)
        if item:
            self.close_paragraph()
            self.blocks.append(Block("item", offset + item.start(2), end))
            return True
        return False

    def _paragraph_line(self, offset: int, line: str) -> None:
        end = offset + len(line)
        last = self.blocks[-1] if self.blocks else None
        if last and last.kind == "item" and not self.para and line[:1] in (" ", "\t"):
            # An indented line right under a list item wraps that item.
            self.blocks[-1] = Block("item", last.start, trimmed(self.text, last.start, end)[1])
            return
        if self.one_block_per_line:
            self.close_paragraph()
        if self.para:
            self.para[1] = end
        else:
            self.para[:] = [offset, end]

    def _open_paragraph(self) -> str:
        return self.text[self.para[0] : self.para[1]]


def _promote_plain_headings(text: str, blocks: list[Block]) -> list[Block]:
    """In plain text, short unpunctuated one-line paragraphs followed by text are headings."""
    promoted: list[Block] = []
    for index, block in enumerate(blocks):
        body = text[block.start : block.end]
        is_heading = (
            block.kind == "paragraph"
            and index + 1 < len(blocks)
            and "\n" not in body
            and len(body) <= 100
            and not body.endswith(_SENTENCE_END)
            and body[:1].isupper()
        )
        if is_heading:
            promoted.append(Block("heading", block.start, block.end, 1 if index == 0 else 2))
        else:
            promoted.append(block)
    return promoted


# --- sentences -----------------------------------------------------------------
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs mr mrs ms dr st jr sr no fig inc ltd co corp approx ca c al u.s u.k "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_CLOSERS = "\"'\u201d\u2019)\\]"  # quotes and brackets that may follow a full stop
_OPENERS = "\"'\u201c\u2018(\\["
_BOUNDARY = re.compile(rf"[.!?]+[{_CLOSERS}]*\s+(?=[{_OPENERS}]?[A-Z0-9])")


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, as absolute ``(start, end)`` offsets."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        word = re.search(rf"([\w.]+)[.!?]+[{_CLOSERS}]*\s+$", text[cursor : match.end()])
        token = word.group(1).lower() if word else ""
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        stop = match.end()
        while stop > cursor and text[stop - 1].isspace():
            stop -= 1
        if stop > cursor:
            spans.append((cursor, stop))
        cursor = match.end()
    last = trimmed(text, cursor, end)
    if last[1] > last[0]:
        spans.append(last)
    return spans
