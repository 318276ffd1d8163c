"""Adding a user's files to the corpus, safely.

Nothing from the client is trusted: the type is checked from the name's suffix
and then by reading the file as that type, the size is checked on disk, and the
file is stored under a generated name in ``<corpus>/uploads/``. A file that
fails any check is reported and never reaches the corpus, so the index is not
touched for it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import DocumentError
from assistant.formats import SUPPORTED_SUFFIXES
from assistant.isolation import Limits, read_bytes

UPLOAD_FOLDER = "uploads"


@dataclass(frozen=True)
class Rejected:
    """A file that was not added, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class UploadResult:
    """What an upload added to the corpus (as corpus-relative paths) and what it refused."""

    stored: tuple[str, ...] = ()
    rejected: tuple[Rejected, ...] = field(default=())

    def summary(self) -> str:
        """One line per outcome, for people."""
        lines = [f"Added {name}" for name in self.stored]
        lines += [f"Not added: {r.name}: {r.reason}" for r in self.rejected]
        return "\n".join(lines) or "No file was given."


def safe_name(original: str, suffix: str) -> str:
    """A generated file name: a slug of the original stem plus a random tag."""
    stem = Path(original.replace("\\", "/")).name.rsplit(".", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "document"
    return f"{slug}-{uuid.uuid4().hex[:8]}{suffix}"


def store_uploads(
    files: Sequence[tuple[str, str | Path]],
    corpus_dir: Path,
    *,
    max_bytes: int,
    limits: Limits | None = None,
) -> UploadResult:
    """Check each ``(original name, temporary path)`` and copy the good ones into the corpus.

    Each file is judged on its own: a bad one is reported and the others go on.
    Reading it (to check it has text) runs within ``limits``.
    """
    stored: list[str] = []
    rejected: list[Rejected] = []
    folder = corpus_dir / UPLOAD_FOLDER
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
    return UploadResult(tuple(stored), tuple(rejected))
