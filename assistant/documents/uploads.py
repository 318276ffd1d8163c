"""Adding a user's files to the corpus, safely.

Nothing from the client is trusted: the type is checked from the name's suffix
and then by reading the file as that type, the size is checked on disk, and the
file is stored under a generated name in ``<corpus>/uploads/`` (shared) or a
user's own ``<corpus>/private/<owner>/`` (see :mod:`assistant.documents.access`).
A file that fails any check is reported and never reaches the corpus, so the
index is not touched for it.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.access import EVERYONE, SHARED_UPLOADS, Viewer
from assistant.documents.formats import SUPPORTED_SUFFIXES
from assistant.documents.parse_worker import read_bytes
from assistant.errors import DocumentError
from assistant.settings import Limits

UPLOAD_FOLDER = SHARED_UPLOADS


@dataclass(frozen=True)
class Rejected:
    """A file that was not added, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Duplicate:
    """A file whose content the corpus already holds, under another name perhaps."""

    name: str
    existing: str
    """The corpus-relative path of the copy already there."""


@dataclass(frozen=True)
class UploadResult:
    """What an upload added to the corpus (as corpus-relative paths) and what it refused."""

    stored: tuple[str, ...] = ()
    rejected: tuple[Rejected, ...] = field(default=())
    duplicates: tuple[Duplicate, ...] = field(default=())
    unindexed: tuple[Duplicate, ...] = field(default=())
    """Files stored before but not yet searchable (their indexing was lost or still
    waits): indexed again, not stored again."""

    def summary(self) -> str:
        """One line per outcome, for people."""
        lines = [f"Added {name}" for name in self.stored]
        lines += [
            f"Already in the corpus: {d.name} (as {d.existing}); nothing was added"
            for d in self.duplicates
        ]
        lines += [
            f"Already stored but not yet searchable: {d.name} (as {d.existing}); "
            "it is indexed again"
            for d in self.unindexed
        ]
        lines += [f"Not added: {r.name}: {r.reason}" for r in self.rejected]
        return "\n".join(lines) or "No file was given."


def content_digest(raw: bytes) -> str:
    """What identifies a file's content, whatever its name: SHA-256 of its bytes."""
    return hashlib.sha256(raw).hexdigest()


def corpus_digests(corpus_dir: Path, viewer: Viewer = EVERYONE) -> dict[str, str]:
    """The content digest of every file ``viewer`` sees in the corpus folder, to its path.

    Another user's private file is left out: telling a visitor "already in the
    corpus as private/..." would reveal it.
    """
    digests: dict[str, str] = {}
    if not corpus_dir.is_dir():
        return digests
    for path in sorted(corpus_dir.rglob("*")):
        relative = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES or not viewer.sees(relative.as_posix()):
            continue
        try:
            digests.setdefault(content_digest(path.read_bytes()), relative.as_posix())
        except OSError:
            continue  # the sync names unreadable files; a duplicate check skips them
    return digests


def safe_name(original: str, suffix: str) -> str:
    """A generated file name: a slug of the original stem plus a random tag."""
    stem = Path(original.replace("\\", "/")).name.rsplit(".", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "document"
    return f"{slug}-{uuid.uuid4().hex[:8]}{suffix}"


def corpus_bytes(corpus_dir: Path) -> int:
    """The size of every file in the corpus folder."""
    return sum(p.stat().st_size for p in corpus_dir.rglob("*") if p.is_file())


def store_uploads(
    files: Sequence[tuple[str, str | Path]],
    corpus_dir: Path,
    *,
    max_bytes: int,
    limits: Limits | None = None,
    known: Mapping[str, str] | None = None,
    max_corpus_bytes: int | None = None,
    viewer: Viewer = EVERYONE,
) -> UploadResult:
    """Check each ``(original name, temporary path)`` and copy the good ones into the corpus.

    Each file is judged on its own: a bad one is reported and the others go on.
    Reading it (to check it has text) runs within ``limits``. A file whose content
    is in ``known`` (content digest to corpus path, by default the whole corpus
    folder's) or earlier in the same upload is reported and not stored again. A
    file that would take the corpus folder past ``max_corpus_bytes`` is refused.
    Files go to ``viewer``'s upload folder: shared for an admin, private for a user.
    """
    stored: list[str] = []
    rejected: list[Rejected] = []
    duplicates: list[Duplicate] = []
    seen = dict(corpus_digests(corpus_dir, viewer) if known is None else known)
    folder = corpus_dir / viewer.upload_folder
    total = corpus_bytes(corpus_dir) if max_corpus_bytes is not None else 0
    for original, given in files:
        path = Path(given)  # a notebook passes a string as often as a Path
        name = Path(original.replace("\\", "/")).name or "file"
        suffix = Path(name).suffix.lower()
        kind = SUPPORTED_SUFFIXES.get(suffix)
        if kind is None:
            allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
            rejected.append(Rejected(name, f"unsupported type {suffix or '(none)'}; use {allowed}"))
            continue
        try:
            size = path.stat().st_size
            if size > max_bytes:
                rejected.append(
                    Rejected(
                        name, f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit"
                    )
                )
                continue
            raw = path.read_bytes()
        except OSError as exc:
            rejected.append(Rejected(name, f"could not be read ({exc.strerror or exc})"))
            continue
        digest = content_digest(raw)
        if digest in seen:
            duplicates.append(Duplicate(name, seen[digest]))
            continue
        if max_corpus_bytes is not None and total + len(raw) > max_corpus_bytes:
            rejected.append(
                Rejected(
                    name,
                    f"the corpus would pass its {max_corpus_bytes / 1e6:.0f} MB limit "
                    "(ASSISTANT_MAX_CORPUS_BYTES); remove an upload first",
                )
            )
            continue
        try:
            read_bytes(raw, source=name, kind=kind, limits=limits or Limits())
        except DocumentError as exc:
            rejected.append(Rejected(name, str(exc).removeprefix(name).strip(" :") or str(exc)))
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_name(name, suffix)
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(raw)
        partial.replace(target)  # the corpus never sees a half-written file
        stored.append(target.relative_to(corpus_dir).as_posix())
        seen[digest] = stored[-1]
        total += len(raw)
    return UploadResult(tuple(stored), tuple(rejected), tuple(duplicates))
