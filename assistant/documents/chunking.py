"""Structure-aware chunking: sections, paragraphs and lists, with exact offsets.

A document is read into blocks (headings, paragraphs, list items). Blocks are
grouped (a lead-in line such as "Key responsibilities include:" stays with its
bullets), and groups become chunks that never straddle two sections and stay
under the embedding model's window. Every chunk and every answerable unit inside
it (a sentence, a lead-in, a list item) keeps its character offsets in the
source text, so a citation can point at the exact words.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from langchain_core.documents import Document

from assistant.documents.blocks import Block, parse_blocks, split_sentences
from assistant.documents.budget import TokenCounter, TokenEnds, pack
from assistant.documents.formats import STRUCTURE, SourceDocument

UNIT_ID_PREFIX = "u-"
LEADIN_WORDS = 32
"""The words of a lead-in read with each of its list items when they are embedded."""
UnitKind = Literal["sentence", "leadin", "item"]


@dataclass(frozen=True)
class Unit:
    """The smallest citable span: a sentence, a list lead-in or a list item."""

    start: int
    end: int
    kind: UnitKind


@dataclass(frozen=True)
class Chunk:
    """A passage of one section of one document, as stored in the index.

    The passage is what the answerer reads and what keyword search ranks; its
    units (sentences, a lead-in, list items) are what dense search matches,
    each embedded on its own so a question meets the one sentence it is about.
    """

    id: str
    source: str
    title: str
    section: str
    start: int
    end: int
    text: str
    ordinal: int
    units: tuple[Unit, ...]
    context: str = ""
    """The lead-in of a list that was split, for pieces that do not hold it."""
    fingerprint: str = ""
    """The source document's fingerprint when the chunk was made."""
    pages: tuple[tuple[int, int], ...] = ()
    """For paged documents (PDF): ``(offset, page)`` where each page in the chunk begins."""
    heading: tuple[int, int] | None = None
    """Where the heading of the chunk's section is in the source (``None``: no heading)."""

    def page_at(self, offset: int) -> int | None:
        """The page number holding ``offset`` of the source, for paged documents."""
        page = None
        for start, number in self.pages:
            if start <= offset:
                page = number
        return page

    @property
    def search_text(self) -> str:
        """What keyword search indexes: the section heading, any lead-in, the passage."""
        return "\n".join(part for part in (self.section, self.context, self.text) if part)

    def unit_text(self, unit: Unit) -> str:
        """The source text of one of this chunk's units."""
        return self.text[unit.start - self.start : unit.end - self.start]

    def leadin_text(self) -> str:
        """The lead-in of this chunk's list, whether held here or carried as context."""
        leadin = next((u for u in self.units if u.kind == "leadin"), None)
        return self.unit_text(leadin) if leadin else self.context

    def unit_embed_text(self, unit: Unit) -> str:
        """What a unit means to dense search: a list item is read with its lead-in's end.

        Only the lead-in's last :data:`LEADIN_WORDS` words: they name what the list is
        ("Key responsibilities of a COO include:"). For a long list the index embeds
        the two parts apart and adds their vectors
        (:mod:`assistant.indexing.unit_vectors`), so its cost grows with its words.
        """
        text = self.unit_text(unit)
        tail = self.leadin_tail() if unit.kind == "item" else ""
        return f"{tail} {text}" if tail else text

    def leadin_tail(self) -> str:
        """The end of this chunk's list lead-in that its items are read with ("" if none)."""
        words = self.leadin_text().split()
        if len(words) > LEADIN_WORDS:
            return "… " + " ".join(words[-LEADIN_WORDS:])
        return " ".join(words)

    @cached_property
    def unit_ids(self) -> tuple[str, ...]:
        """Index record ids of this chunk's units, in unit order (repeats possible).

        Addressed by content within the document: a sentence repeated across the
        document is one record. Thousands of identical vectors would otherwise
        knot Chroma's HNSW graph so that searches never reach the rest of the index.
        Computed once: sync, writing and every search ask for them.
        """
        texts = (self.unit_embed_text(unit) for unit in self.units)
        return tuple(
            UNIT_ID_PREFIX + hashlib.sha256(f"{self.source}\x00{text}".encode()).hexdigest()[:32]
            for text in texts
        )

    def to_metadata(self, *, file_chunks: int) -> dict[str, str | int]:
        """Flat metadata for the vector store (Chroma accepts str/int/float/bool only)."""
        return {
            "kind": "chunk",
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "ordinal": self.ordinal,
            "context": self.context,
            "units": json.dumps([[u.start, u.end, u.kind] for u in self.units]),
            "fingerprint": self.fingerprint,
            "file_chunks": file_chunks,
            "pages": json.dumps([list(p) for p in self.pages]),
            "heading": json.dumps(list(self.heading) if self.heading else None),
        }

    def unit_metadata(self, index: int) -> dict[str, str | int]:
        """Metadata of the index record of one unit."""
        unit = self.units[index]
        return {
            "kind": "unit",
            "chunk_id": self.id,
            "source": self.source,
            "start": unit.start,
            "end": unit.end,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_record(cls, chunk_id: str, text: str, metadata: Mapping[str, Any]) -> Chunk:
        """Rebuild a chunk from what the vector store returns."""
        units = tuple(
            Unit(int(s), int(e), k) for s, e, k in json.loads(str(metadata.get("units") or "[]"))
        )
        return cls(
            id=chunk_id,
            source=str(metadata["source"]),
            title=str(metadata.get("title", "")),
            section=str(metadata.get("section", "")),
            start=int(metadata["start"]),
            end=int(metadata["end"]),
            text=text,
            ordinal=int(metadata.get("ordinal", 0)),
            units=units,
            context=str(metadata.get("context", "")),
            fingerprint=str(metadata.get("fingerprint", "")),
            pages=tuple(
                (int(o), int(n)) for o, n in json.loads(str(metadata.get("pages") or "[]"))
            ),
            heading=_span(json.loads(str(metadata.get("heading") or "null"))),
        )


def _span(value: Any) -> tuple[int, int] | None:
    return (int(value[0]), int(value[1])) if value else None


# Metadata of index records that a retrieved document does not need to carry.
_STORE_ONLY = ("file_chunks", "fingerprint", "kind")


def chunk_to_document(chunk: Chunk, **scores: Any) -> Document:
    """A chunk as a LangChain ``Document``: its text, offsets and any scores as metadata.

    The inverse is :func:`chunk_from_document`; the two are the one place that
    knows how a chunk travels inside LangChain.
    """
    metadata: dict[str, Any] = chunk.to_metadata(file_chunks=0)
    for internal in _STORE_ONLY:
        metadata.pop(internal)
    if metadata.get("pages") == "[]":
        metadata.pop("pages")
    metadata["chunk_id"] = chunk.id
    metadata.update({key: value for key, value in scores.items() if value is not None})
    return Document(id=chunk.id, page_content=chunk.text, metadata=metadata)


def chunk_from_document(document: Document) -> Chunk:
    """The :class:`Chunk` a document made by :func:`chunk_to_document` carries."""
    return Chunk.from_record(
        str(document.metadata.get("chunk_id", document.id)),
        document.page_content,
        document.metadata,
    )


@dataclass
class _Group:
    """Blocks that belong together in one chunk if they fit: a paragraph, or a list."""

    section: str
    blocks: list[Block] = field(default_factory=list)
    leadin: Block | None = None
    heading: tuple[int, int] | None = None


# --- groups and chunks ---------------------------------------------------------


def _groups(doc: SourceDocument, blocks: list[Block]) -> list[_Group]:
    text = doc.text
    section = doc.title
    heading: tuple[int, int] | None = None
    groups: list[_Group] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            section = text[block.start : block.end]
            heading = (block.start, block.end)
            continue
        previous = groups[-1] if groups else None
        if block.kind == "item":
            prior = blocks[index - 1] if index else None
            if previous and previous.section == section and prior and prior.kind == "item":
                previous.blocks.append(block)
                continue
            if (
                previous
                and previous.section == section
                and prior is not None
                and prior.kind == "paragraph"
                and text[prior.start : prior.end].endswith(":")
                and len(previous.blocks) == 1
                and previous.leadin is None
            ):
                # "Key responsibilities include:" keeps its bullets.
                previous.leadin = previous.blocks[0]
                previous.blocks = [block]
                continue
            groups.append(_Group(section, [block], heading=heading))
            continue
        groups.append(_Group(section, [block], heading=heading))
    return groups


def _units(doc: SourceDocument, group: _Group, blocks: list[Block]) -> tuple[Unit, ...]:
    units: list[Unit] = []
    for block in blocks:
        if block is group.leadin:
            units.append(Unit(block.start, block.end, "leadin"))
        elif block.kind == "item":
            units.append(Unit(block.start, block.end, "item"))
        else:
            units.extend(
                Unit(s, e, "sentence") for s, e in split_sentences(doc.text, block.start, block.end)
            )
    return tuple(units)


def chunk_document(
    doc: SourceDocument,
    *,
    count_tokens: TokenCounter,
    max_tokens: int,
    token_ends: TokenEnds | None = None,
) -> list[Chunk]:
    """Cut a document into chunks of at most ``max_tokens`` wordpieces.

    Each group (a paragraph, or a lead-in with its list) becomes one chunk when it
    fits; a longer one is split between sentences or list items, and a split list
    carries its lead-in as context so every piece still says what it lists. A
    unit is never longer than the budget either, lead-in included.
    """
    blocks = parse_blocks(doc.text, plain=STRUCTURE[doc.kind] == "text")
    pieces: list[tuple[_Group, str, list[Unit]]] = []  # (group, context, units)
    for group in _groups(doc, blocks):
        members = ([group.leadin] if group.leadin else []) + group.blocks
        units = list(_units(doc, group, members))
        leadin_text = doc.text[group.leadin.start : group.leadin.end] if group.leadin else ""
        budget = max_tokens - (count_tokens(leadin_text) if leadin_text else 0)
        for window in pack(doc.text, units, budget, count_tokens, token_ends):
            context = leadin_text if window[0].kind != "leadin" else ""
            pieces.append((group, context, window))

    chunks: list[Chunk] = []
    seen: set[str] = set()
    for ordinal, (group, context, units) in enumerate(pieces):
        section = group.section
        start, end = units[0].start, units[-1].end
        text = doc.text[start:end]
        key = f"{doc.source}\x00{section}\x00{context}\x00{text}"
        if key in seen:
            # A passage repeated verbatim in the same section adds nothing to search
            # or citations; it is indexed once, where it first appears.
            continue
        seen.add(key)
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        chunks.append(
            Chunk(
                id=digest,
                source=doc.source,
                title=doc.title,
                section=section,
                start=start,
                end=end,
                text=text,
                ordinal=ordinal,
                units=tuple(units),
                context=context,
                fingerprint=doc.fingerprint,
                pages=_pages(doc, start, end),
                heading=group.heading,
            )
        )
    return chunks


def _pages(doc: SourceDocument, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Where the pages of ``doc[start:end]`` begin: the page at ``start``, then each new one."""
    first = doc.page_at(start)
    if first is None:
        return ()
    inside = [
        (offset, number) for number, offset in enumerate(doc.pages, start=1) if start < offset < end
    ]
    return ((start, first), *inside)
