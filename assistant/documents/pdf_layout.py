"""A PDF read as prose: pdfminer.six's layout analysis, turned into Markdown-like text.

A PDF holds positioned lines, not paragraphs. pdfminer.six groups a page's
characters into lines and its lines into text boxes (paragraphs); here the boxes
are put in reading order (columns left to right, top to bottom), a box set in a
larger or bold font than the body becomes a heading (``#`` by its size), lines
are joined into one paragraph (a word hyphenated at a line's end made whole
again), a paragraph cut by a page break is joined across it, and the text is
NFKC-normalised so that ligatures read as letters ("ﬁ" is "fi"). Each page's
start in the text is kept, so a citation says its page.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

CHAR_MARGIN = 4.0
LINE_MARGIN = 0.6
"""pdfminer.six's layout settings: justified text's wide gaps stay inside one line, a
paragraph's lines inside one box; columns a centimetre apart stay apart."""
_BULLET = re.compile(r"^\s*[•◦▪‣∙·*]\s+")
_ENDS = (".", "!", "?", ":", ";", "”", '"', ")")


@dataclass(frozen=True)
class Block:
    """A text box: where it is, its text, the size and weight of most of its letters."""

    page: int
    x0: float
    top: float
    bottom: float
    text: str
    size: float
    bold: bool


@dataclass(frozen=True)
class Prose:
    """A PDF's text as Markdown-like prose, with where each page starts in it."""

    text: str
    pages: tuple[int, ...]


def read_blocks(raw: bytes, *, max_chars: int | None = None) -> list[list[Block]]:
    """Each page's text boxes, in pdfminer.six's order (``max_chars`` bounds the work)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer

    pages: list[list[Block]] = []
    read = 0
    for number, page in enumerate(
        extract_pages(
            io.BytesIO(raw), laparams=LAParams(char_margin=CHAR_MARGIN, line_margin=LINE_MARGIN)
        )
    ):
        blocks = []
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            text = element.get_text()
            read += len(text)
            if max_chars is not None and read > max_chars:
                raise OverflowError(max_chars)
            letters = [c for line in element for c in line if isinstance(c, LTChar)]
            if not text.strip() or not letters:
                continue
            size = Counter(round(c.size, 1) for c in letters).most_common(1)[0][0]
            bold = sum("bold" in c.fontname.lower() for c in letters) > len(letters) / 2
            blocks.append(Block(number, element.x0, element.y1, element.y0, text, size, bold))
        pages.append(blocks)
    return pages


def reading_order(blocks: list[Block]) -> list[Block]:
    """A page's boxes as a person reads them: bands of boxes side by side (columns) top to
    bottom; within a band, the left column first."""
    remaining = sorted(blocks, key=lambda b: -b.top)
    ordered: list[Block] = []
    while remaining:
        band = [remaining.pop(0)]
        low = band[0].bottom
        while remaining and remaining[0].top > low:
            block = remaining.pop(0)
            band.append(block)
            low = min(low, block.bottom)
        ordered += sorted(band, key=lambda b: (round(b.x0 / 20), -b.top))
    return ordered


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _joined(lines: list[str]) -> str:
    """Lines as one paragraph: a word hyphenated at a line's end is made whole again."""
    out = ""
    for line in lines:
        if out.endswith("-") and line[:1].islower() and out[-2:-1].isalpha():
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return out


def _kind(block: Block, body: float, sizes: list[float]) -> str:
    """``#``-heading marks for a heading, "" for body text."""
    short = len(block.text.split()) <= 20 and not block.text.strip().endswith(_ENDS[:3])
    if block.size > body + 0.5 and short:
        return "#" * min(3, sizes.index(block.size) + 1)
    if block.bold and short:
        return "#" * min(3, len(sizes) + 1)
    return ""


def prose(pages: list[list[Block]]) -> Prose:
    """Pages of boxes as Markdown-like text: headings, paragraphs and list items."""
    letters: Counter[float] = Counter()
    for blocks in pages:
        for block in blocks:
            letters[block.size] += len(block.text)
    body = letters.most_common(1)[0][0] if letters else 0.0
    sizes = sorted({b.size for bs in pages for b in bs if b.size > body + 0.5}, reverse=True)
    text = ""
    starts: list[int] = []
    open_paragraph = False
    for blocks in pages:
        page_start: int | None = None
        for block in reading_order(blocks):
            normalized = unicodedata.normalize("NFKC", block.text)
            kind = _kind(block, body, sizes)
            piece = (
                f"{kind} {' '.join(_lines(normalized))}" if kind else _paragraph(_lines(normalized))
            )
            if open_paragraph and not kind and not text.rstrip().endswith(_ENDS):
                # A sentence cut by a page or column break goes on where it was cut.
                if text.endswith("-") and piece[:1].islower() and text[-2:-1].isalpha():
                    text = text[:-1]
                else:
                    text += " "
            elif text:
                text += "\n\n"
            start = len(text)
            text += piece
            page_start = start if page_start is None else page_start
            open_paragraph = not kind and not piece.startswith("- ")
        starts.append(len(text) if page_start is None else page_start)
    return Prose(text + "\n", tuple(starts))


def _paragraph(lines: list[str]) -> str:
    """A box's lines: list items (a bullet at a line's start) on lines of their own."""
    items: list[list[str]] = []
    for line in lines:
        if _BULLET.match(line):
            items.append([_BULLET.sub("", line)])
        elif items:
            items[-1].append(line)
        else:
            items.append([line])
    if len(items) == 1 and not _BULLET.match(lines[0]):
        return _joined(items[0])
    head = [] if _BULLET.match(lines[0]) else [_joined(items.pop(0))]
    return "\n\n".join([*head, "\n".join(f"- {_joined(item)}" for item in items)])


def metadata_title(raw: bytes) -> Any:
    """The PDF's own title field (often a browser's page title), or ``None``."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    info = PDFDocument(PDFParser(io.BytesIO(raw))).info
    title = info[0].get("Title") if info else None
    if isinstance(title, bytes):
        for encoding in ("utf-16", "utf-8", "latin-1"):
            try:
                return title.decode(encoding)
            except UnicodeDecodeError:
                continue
    return title
