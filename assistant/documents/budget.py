"""Cutting a document's units to the embedding model's budget, in linear time and memory.

A unit (a sentence, a list item) longer than the budget is cut between words; one
longer than :data:`SEGMENT_CHARS` is first cut into segments, so the tokenizer never
holds a whole 10 MB line. :func:`least_chunks` bounds a document's passages from
below by counting its words alone, so one too large to index is refused before any
of this runs.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

from assistant.documents.blocks import trimmed

TokenCounter = Callable[[str], int]
TokenEnds = Callable[[str], list[int]]
"""Where each wordpiece of a text ends (character offsets): one tokenizer pass."""


class Span(Protocol):
    """A unit's place in its text (a :class:`~assistant.documents.chunking.Unit`)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


U = TypeVar("U", bound=Span)

SEGMENT_CHARS = 20_000
"""A unit longer than this (a file of one 10 MB line) is cut at a space into segments of
about this many characters before it is tokenized: the tokenizer's offsets for one
10 MB string took 1.2 GB."""
_WORDS = re.compile(r"\S+")


def least_chunks(text: str, max_tokens: int) -> int:
    """A lower bound on the chunks ``text`` makes at ``max_tokens`` wordpieces a chunk
    (each word is at least one wordpiece), counted without tokenizing: what a document
    too large to index is refused by before it costs anything."""
    words = sum(1 for _ in _WORDS.finditer(text))
    return -(-words // max_tokens)


def _cut(unit: U, start: int, end: int) -> U:
    return dataclasses.replace(unit, start=start, end=end)  # type: ignore[type-var]


def _segments(text: str, unit: U) -> Iterator[U]:
    """``unit`` cut at the first space after every :data:`SEGMENT_CHARS` characters (a
    run without spaces is cut where it reaches twice that); a shorter unit as it is."""
    if unit.end - unit.start <= SEGMENT_CHARS:
        yield unit
        return
    start = unit.start
    while unit.end - start > SEGMENT_CHARS:
        limit = min(unit.end, start + 2 * SEGMENT_CHARS)
        space = text.find(" ", start + SEGMENT_CHARS, limit)
        cut = space if space != -1 else limit
        yield _cut(unit, *trimmed(text, start, cut))
        start = cut
    yield _cut(unit, *trimmed(text, start, unit.end))


def pack(
    text: str,
    units: list[U],
    budget: int,
    count_tokens: TokenCounter,
    token_ends: TokenEnds | None,
) -> Iterator[list[U]]:
    """Consecutive runs of units whose source span fits in ``budget`` tokens."""
    window: list[U] = []
    pieces = (
        piece
        for unit in units
        for segment in _segments(text, unit)
        for piece in _fit(text, segment, budget, count_tokens, token_ends)
    )
    for piece in pieces:
        if window and count_tokens(text[window[0].start : piece.end]) > budget:
            yield window
            window = []
        window.append(piece)
    if window:
        yield window


def _fit(
    text: str,
    unit: U,
    budget: int,
    count_tokens: TokenCounter,
    token_ends: TokenEnds | None,
) -> Iterator[U]:
    """The unit itself, or word-boundary slices of it when it alone is over budget.

    Linear in the unit's length: a megabyte-long "sentence" is tokenized once
    (or word by word), never once per cut; :func:`pack` gives it a segment of at most
    about :data:`SEGMENT_CHARS` at a time.
    """
    body = text[unit.start : unit.end]
    if len(body) <= budget:  # a wordpiece is at least one character
        yield unit
        return
    ends = token_ends(body) if token_ends is not None else None  # counts them too
    if (len(ends) if ends is not None else count_tokens(body)) <= budget:
        yield unit
        return
    words = [(m.start(), m.end()) for m in _WORDS.finditer(body)]
    if ends is not None:
        tokens_to = [bisect.bisect_right(ends, end) for _, end in words]
    else:
        tokens_to = list(itertools.accumulate(count_tokens(body[s:e]) for s, e in words))
    start, used, before = 0, 0, 0
    for (word_start, _), total in zip(words, tokens_to, strict=True):
        if total - used > budget and word_start > start:
            yield _cut(unit, *trimmed(text, unit.start + start, unit.start + word_start))
            start, used = word_start, before
        before = total
    yield _cut(unit, *trimmed(text, unit.start + start, unit.start + len(body)))
