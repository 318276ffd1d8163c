"""A file's bytes as text that citations can point into, one format at a time.

Markdown and plain text are kept as they are (newlines normalised), so a
citation's offsets index the file itself. HTML is reduced to Markdown-like text
(headings as ``#`` lines, list items as ``-`` lines) and a PDF to its text layer,
pages separated by blank lines; their citations index that text (and a PDF's
citations carry page numbers). Pure functions of the bytes: reading files, and
isolating the parsers that can be made to misbehave, is :mod:`assistant.documents.corpus`.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal, Protocol

from assistant.errors import DocumentError

# Bump when the way documents are read or chunked changes, so every file is re-chunked.
PIPELINE_VERSION = "3"


@dataclass(frozen=True)
class SourceDocument:
    """One document of the corpus, as the chunker and the citations see it."""

    source: str
    """Path relative to the corpus folder, with forward slashes."""
    title: str
    text: str
    """The text that citation offsets index."""
    kind: str
    """``markdown``, ``text``, ``html`` or ``pdf``: how the text was obtained."""
    fingerprint: str
    """Hash of the file's bytes and the pipeline version: equal means nothing to re-index."""
    pages: tuple[int, ...] = ()
    """For a PDF: the offset in ``text`` where each page starts (page 1 first)."""

    def page_at(self, offset: int) -> int | None:
        """The page number holding ``offset``, for paged documents."""
        if not self.pages:
            return None
        return max(1, bisect.bisect_right(self.pages, offset))


def parse_document(
    raw: bytes, *, source: str, kind: str, max_chars: int | None = None
) -> SourceDocument:
    """Turn a file's bytes into a :class:`SourceDocument`, or raise :class:`DocumentError`.

    ``max_chars`` bounds the text a file may yield (a small compressed PDF can
    inflate to far more text than its size suggests).
    """
    known = FORMATS.get(kind)
    if known is None:
        raise DocumentError(f"{source}: unknown document kind {kind!r}")
    return known.parse(raw, source=source, kind=kind, max_chars=max_chars)


def _parse_text(raw: bytes, *, source: str, kind: str, max_chars: int | None) -> SourceDocument:
    """Markdown, plain text and HTML: UTF-8 text, HTML reduced to Markdown-like text."""
    if b"\x00" in raw:
        raise DocumentError(f"{source} looks like a binary file, not text")
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{source} is not UTF-8 text (byte {raw[exc.start]:#04x} at position {exc.start}); "
            "save it as UTF-8 and index again"
        ) from exc
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    title: str | None = None
    if kind == "html":
        title, text = html_to_text(text)
        title = _real_title(title)
    if not text.strip():
        raise DocumentError(f"{source} has no text")
    _check_length(len(text), source, max_chars)
    return SourceDocument(
        source=source,
        title=title or _title_from_text(text) or _title_from_name(source),
        text=text,
        kind=kind,
        fingerprint=fingerprint(raw, kind),
    )


def fingerprint(raw: bytes, kind: str) -> str:
    """Hash of a file's bytes, its kind and the pipeline version: equal means nothing to redo."""
    return hashlib.sha256(
        PIPELINE_VERSION.encode() + b"\x00" + kind.encode() + b"\x00" + raw
    ).hexdigest()


def _check_length(length: int, source: str, max_chars: int | None) -> None:
    if max_chars is not None and length > max_chars:
        raise DocumentError(
            f"{source} holds more than {max_chars:,} characters of text, the limit "
            "(ASSISTANT_MAX_DOCUMENT_CHARS); split it into smaller files"
        )


MAX_PDF_STREAM_BYTES = 16 * 1024 * 1024
_PDF_FILTERS = ("zlib", "lzw", "run_length", "brotli", "jbig2", "array_based_stream")


def _parse_pdf(raw: bytes, *, source: str, kind: str, max_chars: int | None) -> SourceDocument:
    """A PDF's text layer, pages separated by blank lines, with each page's start offset."""
    if not raw.startswith(b"%PDF"):
        raise DocumentError(f"{source} is not a PDF file (it does not start with %PDF)")
    try:
        from pdfminer.pdfexceptions import PDFException
        from pdfminer.psexceptions import PSException
        from pypdf import PdfReader, overwrite_configuration
        from pypdf.errors import LimitReachedError, PyPdfError

        from assistant.documents.pdf_layout import prose, read_blocks

        # A page's drawing instructions are kilobytes; a stream that inflates past this
        # is a decompression bomb, and pages sharing it would inflate it once each.
        limits: dict[str, Any] = {
            f"{name}_maximum_output_length": MAX_PDF_STREAM_BYTES for name in _PDF_FILTERS
        }
        overwrite_configuration(None, **limits)
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise DocumentError(f"{source} is an encrypted PDF; save an unlocked copy and add that")
        title = _real_title(reader.metadata.title if reader.metadata else None)
        for page in reader.pages:
            # Inflated here first, within the limits above: the layout analysis below has
            # none, and would spend minutes on a decompression bomb before giving up.
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
        # The text itself comes from a layout analysis: paragraphs, not printed lines.
        read = prose(read_blocks(raw, max_chars=max_chars))
    except DocumentError:
        raise
    except OverflowError as exc:  # the layout analysis stopped at max_chars
        _check_length(int(exc.args[0]) + 1, source, max_chars)
        raise
    except RecursionError as exc:
        raise DocumentError(f"{source} is a PDF nested too deeply to read") from exc
    except LimitReachedError as exc:
        raise DocumentError(
            f"{source} is a PDF beyond the reader's safety limits ({str(exc)[:120]}), "
            "for example a stream that inflates to gigabytes; it was not indexed"
        ) from exc
    except (
        PyPdfError,
        PDFException,
        PSException,
        ValueError,
        KeyError,
        TypeError,
        OSError,
        MemoryError,
        AssertionError,
        IndexError,
    ) as exc:
        raise DocumentError(
            f"{source} is not a readable PDF ({type(exc).__name__}: {str(exc)[:200]})"
        ) from exc
    text = read.text
    _check_length(len(text), source, max_chars)
    if not text.strip():
        raise DocumentError(f"{source} has no text layer (a scanned PDF?); nothing to index")
    return SourceDocument(
        source=source,
        title=title or _title_from_text(text, headings_only=True) or _title_from_name(source),
        text=text,
        kind="pdf",
        fingerprint=fingerprint(raw, "pdf"),
        pages=read.pages,
    )


_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
# What tools put in a title field when the author gave none: a browser's blank page, a
# word processor's default, the converter's own name.
_PLACEHOLDER_TITLE = re.compile(
    r"^(about:blank|untitled(\s+document)?|document\d*|title|none|null|\(anonymous\)|"
    r"microsoft word - .*|powerpoint presentation|slide \d+|[\w.-]+\.(docx?|pdf|tex|odt|rtf))$",
    re.IGNORECASE,
)
_UPLOAD_TAG = re.compile(r"-[0-9a-f]{8}$")
"""The random tag an upload's stored name ends with (``uploads.safe_name``)."""


def _real_title(title: object) -> str | None:
    """A metadata title, unless it is empty or a placeholder such as ``about:blank``."""
    cleaned = re.sub(r"\s+", " ", str(title or "")).strip()
    return cleaned if cleaned and not _PLACEHOLDER_TITLE.match(cleaned) else None


def _title_from_text(text: str, *, headings_only: bool = False) -> str | None:
    match = _MD_TITLE.search(text)
    if match:
        return match.group(1)
    if headings_only:
        return None
    first = text.strip().split("\n", 1)[0].strip()
    if 0 < len(first) <= 120 and not first.endswith((".", "!", "?", ":", ";", ",")):
        return first
    return None


def _title_from_name(source: str) -> str:
    stem = Path(source).stem
    if Path(source).parent.name == "uploads":
        stem = _UPLOAD_TAG.sub("", stem)
    return re.sub(r"[-_]+", " ", stem).strip() or source


class _HTMLText(HTMLParser):
    """Collects readable text with headings and list items marked the Markdown way."""

    _BLOCKS = frozenset(
        "p div section article main header footer aside nav blockquote pre table tr ul ol dl "
        "dt dd figure figcaption form br hr".split()
    )
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.prefix = ""
        self.skip_depth = 0
        self.title_parts: list[str] = []
        self.in_title = False

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.lines.append(self.prefix + text)
        self.current = []
        self.prefix = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in self._SKIP:
            self.skip_depth += 1
            return
        if re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.prefix = "#" * int(tag[1]) + " "
        elif tag == "li":
            self._flush()
            self.prefix = "- "
        elif tag in self._BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self._SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if re.fullmatch(r"h[1-6]", tag) or tag == "li" or tag in self._BLOCKS or tag == "p":
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        if self.skip_depth:
            return
        self.current.append(data)


def html_to_text(html: str) -> tuple[str | None, str]:
    """Return the page title and its text, one block per paragraph.

    Headings become ``#`` lines and list items ``-`` lines, so the chunker treats
    HTML like Markdown.
    """
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    parser._flush()
    blocks: list[str] = []
    for line in parser.lines:
        # Consecutive list items stay in one block; everything else is its own paragraph.
        if blocks and line.startswith("- ") and blocks[-1].split("\n")[-1].startswith("- "):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    title = re.sub(r"\s+", " ", "".join(parser.title_parts)).strip() or None
    return title, "\n\n".join(blocks) + ("\n" if blocks else "")


class Parse(Protocol):
    """A format's parser: the file's bytes as a :class:`SourceDocument`."""

    def __call__(
        self, raw: bytes, *, source: str, kind: str, max_chars: int | None
    ) -> SourceDocument: ...


@dataclass(frozen=True)
class Format:
    """One kind of document the corpus reads: its suffixes, parser and structure."""

    kind: str
    suffixes: tuple[str, ...]
    """The file name endings of this kind, the usual one first."""
    parse: Parse
    structure: Literal["markdown", "text"]
    """How its text is read for structure once extracted: Markdown headings and lists,
    or plain text's."""
    isolated: bool = False
    """Parsed in the worker process, within memory and time limits: its parser can be
    made to recurse, decompress or backtrack."""


FORMATS: dict[str, Format] = {
    f.kind: f
    for f in (
        Format("markdown", (".md", ".markdown"), _parse_text, "markdown"),
        Format("text", (".txt",), _parse_text, "text"),
        Format("html", (".html", ".htm"), _parse_text, "markdown", isolated=True),
        Format("pdf", (".pdf",), _parse_pdf, "markdown", isolated=True),
    )
}
"""Every kind of document, by kind: the one list the corpus, uploads, the CLI and the chat
read. A new kind is a parser above and a line here."""
SUPPORTED_SUFFIXES: dict[str, str] = {
    suffix: f.kind for f in FORMATS.values() for suffix in f.suffixes
}
"""Each file name ending the corpus reads, and its kind."""
STRUCTURE = {kind: f.structure for kind, f in FORMATS.items()}
ISOLATED_KINDS = frozenset(kind for kind, f in FORMATS.items() if f.isolated)


def listed_suffixes(last: str = "and") -> str:
    """The usual suffix of every kind, for people: ".md, .txt, .html and .pdf"."""
    usual = [f.suffixes[0] for f in FORMATS.values()]
    if not last:
        return ", ".join(usual)
    return ", ".join(usual[:-1]) + f" {last} {usual[-1]}"
