"""Who may see, add and remove which documents.

Documents of the corpus are shared, except those under ``private/<owner>/``:
a signed-in user's own uploads, listed to and quoted for that user alone. The
owner folder's name is derived from the account name (a readable slug plus a
hash), so no name can climb out of it or collide with another's. Which
documents a question may be answered from is decided here, once, and the
index's statistics and searches apply it (:mod:`assistant.indexing.statistics`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

PRIVATE_FOLDER = "private"
SHARED_UPLOADS = "uploads"

Role = Literal["admin", "user"]


def owner_key(name: str) -> str:
    """The folder name of ``name``'s private documents: a slug and a hash of the name."""
    normalized = name.strip().casefold()
    slug = re.sub(r"[^a-z0-9]+", "-", normalized).strip("-")[:24] or "user"
    return f"{slug}-{hashlib.sha256(normalized.encode()).hexdigest()[:12]}"


def private_owner(source: str) -> str | None:
    """The owner key of a private document's corpus-relative path; None for a shared one."""
    parts = PurePosixPath(source).parts
    if len(parts) >= 3 and parts[0] == PRIVATE_FOLDER:
        return parts[1]
    return None


def uploaded_source(source: str) -> bool:
    """Whether a corpus-relative path is one of the users' uploads, shared or private."""
    parts = PurePosixPath(source).parts
    if any(part.startswith(".") for part in parts):  # "..", hidden files, partial writes
        return False
    return (len(parts) == 2 and parts[0] == SHARED_UPLOADS) or (
        len(parts) == 3 and parts[0] == PRIVATE_FOLDER
    )


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the documents they see, and where their uploads go.

    The default is the machine's own user (a notebook, the command line, the
    app without accounts): an admin of the shared corpus. A signed-in ``user``
    sees the shared corpus and their own uploads, which stay private.
    """

    name: str | None = None
    role: Role = "admin"

    @property
    def key(self) -> str | None:
        """The owner key of this viewer's private documents (None: the machine's user)."""
        return owner_key(self.name) if self.name is not None else None

    @property
    def upload_folder(self) -> str:
        """The corpus-relative folder this viewer's uploads are stored in."""
        if self.role == "admin" or self.key is None:
            return SHARED_UPLOADS
        return f"{PRIVATE_FOLDER}/{self.key}"

    def sees(self, source: str) -> bool:
        """Whether answers for this viewer may quote ``source``, and lists show it."""
        owner = private_owner(source)
        return owner is None or owner == self.key

    def may_remove(self, source: str) -> bool:
        """Whether ``source`` is an upload this viewer may remove: their own, or a shared
        one if they are an admin."""
        if not uploaded_source(source):
            return False
        owner = private_owner(source)
        return self.role == "admin" if owner is None else owner == self.key


EVERYONE = Viewer()
"""The machine's own user: every shared document, no one's private ones."""
