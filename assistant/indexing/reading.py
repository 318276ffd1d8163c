"""Reading one corpus file into chunks, or saying why not, at the least cost.

A file refused before (by its digest, under the same limits) costs nothing; a
document whose words alone pass the passage limit is refused before it is
tokenized; what passes is cut into chunks within the embedding model's window.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.documents.budget import least_chunks
from assistant.documents.chunking import Chunk, chunk_document
from assistant.documents.corpus import DocumentFile
from assistant.errors import DocumentError
from assistant.indexing.refusals import Refusal, Refusals
from assistant.settings import Settings


class FileReader:
    """Reads corpus files for one index (``refusals``: its remembered refusals)."""

    def __init__(self, settings: Settings, embeddings: Any, refusals: Refusals | None = None):
        self.settings = settings
        self.embeddings = embeddings
        self._refusals = refusals

    @cached_property
    def max_tokens(self) -> int:
        """The wordpieces of one chunk at most."""
        return min(self.settings.chunk_max_tokens, self.embeddings.max_tokens - 2)

    @property
    def refusals(self) -> Refusals:
        """The files this index refused, valid under the limits they were refused by."""
        if self._refusals is None:
            limits = (
                f"{self.settings.parse_limits!r} chunks={self.settings.max_document_chunks} "
                f"tokens={self.max_tokens}"
            )
            self._refusals = Refusals(Path(self.settings.index_dir), limits)
        return self._refusals

    def read(self, file: DocumentFile) -> list[Chunk] | Refusal:
        """``file``'s chunks, or why it is refused (at no cost when it was refused before)."""
        known = self.refusals.get(file.fingerprint)
        if known is not None and known.source == file.source:
            return known
        try:
            doc = file.read(self.settings.parse_limits)
            # Counted before anything is tokenized: a 10 MB line costs a second, not 30.
            least = least_chunks(doc.text, self.max_tokens)
            if least > self.settings.max_document_chunks:
                raise DocumentError(self._too_many(file.source, least, "at least "))
            chunks = chunk_document(
                doc,
                count_tokens=self.embeddings.count_tokens,
                max_tokens=self.max_tokens,
                token_ends=self.embeddings.token_ends,
            )
            if len(chunks) > self.settings.max_document_chunks:
                raise DocumentError(self._too_many(file.source, len(chunks)))
        except DocumentError as exc:
            return Refusal(file.source, str(exc))
        return chunks

    def _too_many(self, source: str, count: int, bound: str = "") -> str:
        return (
            f"{source}: {bound}{count:,} passages is over the limit of "
            f"{self.settings.max_document_chunks:,} for one document "
            "(ASSISTANT_MAX_DOCUMENT_CHUNKS); split it into smaller files"
        )
