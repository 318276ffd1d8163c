"""Read the documents of a corpus folder into text that citations can point into.

Markdown and plain text are kept as they are on disk (newlines normalised), so a
citation's offsets index the file itself. HTML is reduced to Markdown-like text
(headings as ``#`` lines, list items as ``-`` lines) and a PDF to its text layer,
pages separated by blank lines; their citations index that text (and a PDF's
citations carry page numbers).
A file that cannot be read is reported by name and skipped; the others carry on.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from assistant.errors import CorpusError, DocumentError

# Bump when the way documents are read or chunked changes, so every file is re-chunked.
PIPELINE_VERSION = "2"

SUPPORTED_SUFFIXES: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}
# How each kind's text is read for structure once extracted.
STRUCTURE = {"markdown": "markdown", "html": "markdown", "text": "text", "pdf": "text"}


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


@dataclass(frozen=True)
class SkippedFile:
    """A file ingestion could not use, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class Corpus:
    """What a corpus folder holds: the readable documents and the skipped files."""

    root: Path
    documents: tuple[SourceDocument, ...]
    skipped: tuple[SkippedFile, ...] = field(default=())

    def get(self, source: str) -> SourceDocument | None:
        """The document at ``source``, or ``None``."""
        return next((d for d in self.documents if d.source == source), None)


def load_corpus(corpus_dir: Path, *, max_bytes: int) -> Corpus:
    """Read every supported file under ``corpus_dir``.

    Unreadable, empty or unsupported files are listed in ``Corpus.skipped`` with a
    reason; only a missing folder raises.
    """
    root = Path(corpus_dir)
    if not root.is_dir():
        raise CorpusError(
            f"The corpus folder {root} does not exist. Create it and put .md, .txt or .html "
            "files in it, or point ASSISTANT_CORPUS_DIR at another folder."
        )
    documents: list[SourceDocument] = []
    skipped: list[SkippedFile] = []
    for path in _corpus_files(root):
        source = path.relative_to(root).as_posix()
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            supported = ", ".join(sorted(set(SUPPORTED_SUFFIXES)))
            skipped.append(SkippedFile(source, f"unsupported file type (supported: {supported})"))
            continue
        try:
            documents.append(load_document(path, root=root, max_bytes=max_bytes))
        except DocumentError as exc:
            skipped.append(SkippedFile(source, str(exc)))
    return Corpus(root=root, documents=tuple(documents), skipped=tuple(skipped))


def load_document(path: Path, *, root: Path, max_bytes: int) -> SourceDocument:
    """Read one file; raises :class:`DocumentError` with the reason it is unusable."""
    source = path.relative_to(root).as_posix()
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DocumentError(f"{source}: unsupported file type {path.suffix!r}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(
                f"{source} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
                "(ASSISTANT_MAX_DOCUMENT_BYTES)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{source} cannot be read: {exc.strerror or exc}") from exc
    return parse_document(raw, source=source, kind=kind)


def parse_document(raw: bytes, *, source: str, kind: str) -> SourceDocument:
    """Turn a file's bytes into a :class:`SourceDocument`, or raise :class:`DocumentError`."""
    if kind == "pdf":
        return _parse_pdf(raw, source=source)
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
    if not text.strip():
        raise DocumentError(f"{source} has no text")
    return SourceDocument(
        source=source,
        title=title or _title_from_text(text) or _title_from_name(source),
        text=text,
        kind=kind,
        fingerprint=_fingerprint(raw, kind),
    )


def _fingerprint(raw: bytes, kind: str) -> str:
    return hashlib.sha256(
        PIPELINE_VERSION.encode() + b"\x00" + kind.encode() + b"\x00" + raw
    ).hexdigest()


def _parse_pdf(raw: bytes, *, source: str) -> SourceDocument:
    """A PDF's text layer, pages separated by blank lines, with each page's start offset."""
    if not raw.startswith(b"%PDF"):
        raise DocumentError(f"{source} is not a PDF file (it does not start with %PDF)")
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise DocumentError(f"{source} is an encrypted PDF; save an unlocked copy and add that")
        pages = [(page.extract_text() or "") for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(
            f"{source} is not a readable PDF ({type(exc).__name__}: {exc})"
        ) from exc
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for page in pages:
        cleaned = page.replace("\r\n", "\n").replace("\r", "\n").strip()
        starts.append(offset)
        parts.append(cleaned)
        offset += len(cleaned) + 2
    text = "\n\n".join(parts) + "\n"
    if not text.strip():
        raise DocumentError(f"{source} has no text layer (a scanned PDF?); nothing to index")
    return SourceDocument(
        source=source,
        title=str(title).strip() if title and str(title).strip() else _title_from_name(source),
        text=text,
        kind="pdf",
        fingerprint=_fingerprint(raw, "pdf"),
        pages=tuple(starts),
    )


def _corpus_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() or path.is_symlink():  # a broken link is reported, not ignored
            yield path


_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _title_from_text(text: str) -> str | None:
    match = _MD_TITLE.search(text)
    if match:
        return match.group(1)
    first = text.strip().split("\n", 1)[0].strip()
    if 0 < len(first) <= 120 and not first.endswith((".", "!", "?", ":", ";", ",")):
        return first
    return None


def _title_from_name(source: str) -> str:
    stem = Path(source).stem
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
