"""The documents of a corpus folder: which files there are, and reading them safely.

Listing a folder only reads bytes: each file is fingerprinted (its bytes, its
kind and the pipeline version), so a sync can tell an unchanged file without
parsing it again. Parsing happens when a file is new or changed, within limits
(:mod:`assistant.documents.parse_worker`). A file that cannot be read is reported by name
and skipped; the others carry on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.formats import SUPPORTED_SUFFIXES, SourceDocument, fingerprint
from assistant.documents.parse_worker import read_bytes
from assistant.errors import CorpusError, DocumentError
from assistant.settings import Limits

SUPPORTED = ", ".join(sorted(SUPPORTED_SUFFIXES))
"""The file types a corpus may hold, for messages."""


@dataclass(frozen=True)
class SkippedFile:
    """A file ingestion could not use, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class DocumentFile:
    """A supported file of the corpus, fingerprinted but not parsed yet."""

    source: str
    """Path relative to the corpus folder, with forward slashes."""
    path: Path
    kind: str
    fingerprint: str

    def read(self, limits: Limits) -> SourceDocument:
        """The file's text; raises :class:`DocumentError` with the reason it is unusable."""
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise DocumentError(f"{self.source} cannot be read: {exc.strerror or exc}") from exc
        return read_bytes(raw, source=self.source, kind=self.kind, limits=limits)


@dataclass(frozen=True)
class Corpus:
    """What a corpus folder holds: its supported files and the ones it skipped."""

    root: Path
    files: tuple[DocumentFile, ...]
    skipped: tuple[SkippedFile, ...] = field(default=())
    partial: bool = False
    """True when only some of the folder's files were listed (an upload): the others
    are neither read nor removed from the index."""

    def get(self, source: str) -> DocumentFile | None:
        """The file at ``source``, or ``None``."""
        return next((f for f in self.files if f.source == source), None)


def load_corpus(corpus_dir: Path, *, max_bytes: int, only: Iterable[str] | None = None) -> Corpus:
    """List the supported files under ``corpus_dir`` (``only`` these sources, if given).

    Unsupported, unreadable or oversized files are listed in ``Corpus.skipped``
    with a reason; only a missing folder raises.
    """
    root = Path(corpus_dir)
    if not root.is_dir():
        raise CorpusError(
            f"The corpus folder {root} does not exist. Create it and put {SUPPORTED} files "
            "in it, or point ASSISTANT_CORPUS_DIR at another folder."
        )
    wanted = set(only) if only is not None else None
    files: list[DocumentFile] = []
    skipped: list[SkippedFile] = []
    for path in _corpus_files(root):
        source = path.relative_to(root).as_posix()
        if wanted is not None and source not in wanted:
            continue
        try:
            files.append(document_file(path, root=root, max_bytes=max_bytes))
        except DocumentError as exc:
            skipped.append(SkippedFile(source, str(exc)))
    return Corpus(root, tuple(files), tuple(skipped), partial=wanted is not None)


def document_file(path: Path, *, root: Path, max_bytes: int) -> DocumentFile:
    """One file of the corpus, checked for type and size and fingerprinted."""
    source = path.relative_to(root).as_posix()
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DocumentError(f"{source}: unsupported file type (supported: {SUPPORTED})")
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
    return DocumentFile(source, path, kind, fingerprint(raw, kind))


def _corpus_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() or path.is_symlink():  # a broken link is reported, not ignored
            yield path
