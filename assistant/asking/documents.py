"""Which document a request about a whole document means.

"Summarize the Normans article" names one by its title or file name. A bare
"summarize" means the only document, or the one the conversation is about (the
one the last answer quoted); else the one whose section headings the request
names ("sum up the conclusion"); with several and nothing of these, nobody can
tell, and the answer asks.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.common.text import terms
from assistant.documents.chunking import Chunk
from assistant.indexing.statistics import KeywordIndex

_QUOTE_MIN_CHARS = 20
"""A unit this long found verbatim in an answer was quoted by it."""
_SEARCHED = 8
"""Passages searched for the last answer's quotes."""


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document: its file, its title and its size in passages."""

    source: str
    title: str
    chunks: int


def documents_of(statistics: KeywordIndex) -> list[DocumentInfo]:
    """The indexed documents, by file name."""
    titles: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for chunk in statistics.chunks:
        titles.setdefault(chunk.source, chunk.title)
        counts[chunk.source] += 1
    return [DocumentInfo(s, titles[s] or s, counts[s]) for s in sorted(titles)]


def named_document(text: str, documents: Sequence[DocumentInfo]) -> DocumentInfo | None:
    """The document ``text`` names by title or file name, if exactly one fits best."""
    names = [set(terms(f"{d.title} {d.source.rsplit('.', 1)[0]}")) for d in documents]
    best = _best_fit(set(terms(text)), names)
    return None if best is None else documents[best]


def headed_document(
    text: str, documents: Sequence[DocumentInfo], statistics: KeywordIndex
) -> DocumentInfo | None:
    """The document whose section headings ``text`` names, if exactly one fits best: "sum up
    the conclusion" among several documents means the one with a "Conclusion"."""
    headings: dict[str, set[str]] = {d.source: set() for d in documents}
    # A section spans many chunks: its words are read once.
    sections = {(c.source, c.section) for c in statistics.chunks if c.section != c.title}
    for source, section in sections:
        if source in headings:
            headings[source].update(terms(section))
    best = _best_fit(set(terms(text)), [headings[d.source] for d in documents])
    return None if best is None else documents[best]


def _best_fit(asked: set[str], names: list[set[str]]) -> int | None:
    """Which of ``names`` shares the most telling words with ``asked``, if exactly one does."""
    if not asked or not names:
        return None
    spread = Counter(t for name in names for t in name)
    # A word in one name says more than one in every name ("article", "guide").
    scores = [sum(math.log(1 + len(names) / spread[t]) for t in asked & name) for name in names]
    best = max(scores)
    if best <= 0 or scores.count(best) > 1:
        return None
    return scores.index(best)


def without_titles(text: str, titles: Iterable[str]) -> str:
    """``text`` with any document title it spells out of several words put as "the
    document": what a message asks for is read from its form, and a long title's words
    ("Outline The Lighthouse Keepers of Skerry Point") would otherwise outweigh it."""
    for title in sorted(titles, key=len, reverse=True):
        if len(title.split()) > 1:
            pattern = r"(?<!\w)(?:the\s+)?" + r"\s+".join(map(re.escape, title.split())) + r"(?!\w)"
            text = re.sub(pattern, "the document", text, flags=re.IGNORECASE)
    return text


_NAMING = re.compile(
    r"(?:summari[sz]e|outline|sum up|summary of|overview of|outline of|gist of|sections of)"
    r"\s+(?:the\s+|my\s+)?(?P<name>.+?)\s*[?.!]*$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"\b[A-Z][\w'\u2019-]*")


def unknown_document(text: str, statistics: KeywordIndex) -> str:
    """The name a request gives to a document this visitor has none of, as typed
    ("Summarize Alice's Garden Notes"), else "". A name is what follows the request
    ("summarize …") when a word of it is capitalised and neither any visible
    document's title nor its text has it: a topic of the documents is not a name."""
    match = _NAMING.search(text.strip())
    if match is None:
        return ""
    name = match.group("name").strip()
    named = {w for m in _NAME_WORD.finditer(name) for w in terms(m.group(0)) if len(w) > 2}
    vocabulary = statistics.vocabulary
    if not named or named & statistics.title_terms or any(w in vocabulary for w in named):
        return ""
    return name


def quoted_units(answer: str, statistics: KeywordIndex) -> list[tuple[Chunk, int]]:
    """The units an answer quotes verbatim, found among the passages that share its words."""
    if not answer.strip():
        return []
    found: list[tuple[Chunk, int]] = []
    seen: set[tuple[str, int, int]] = set()
    for chunk, _ in statistics.search(answer, _SEARCHED):
        for index, unit in enumerate(chunk.units):
            text = chunk.unit_text(unit)
            key = (chunk.source, unit.start, unit.end)
            if len(text) >= _QUOTE_MIN_CHARS and text in answer and key not in seen:
                seen.add(key)
                found.append((chunk, index))
    return found


def conversation_document(history: Sequence[tuple[str, str]], statistics: KeywordIndex) -> str:
    """The document the latest answer that quoted one quoted most ("" if none did)."""
    for _, answer in reversed(history):
        sources = Counter(chunk.source for chunk, _ in quoted_units(answer, statistics))
        if sources:
            return sources.most_common(1)[0][0]
    return ""


def document_meant(
    question: str, history: Sequence[tuple[str, str]], statistics: KeywordIndex
) -> str:
    """The source a request about one document means ("" when nothing says which)."""
    documents = documents_of(statistics)
    named = named_document(question, documents)
    if named is not None:
        return named.source
    if len(documents) == 1:
        return documents[0].source
    talked_about = conversation_document(history, statistics)
    if talked_about:
        return talked_about
    headed = headed_document(question, documents, statistics)
    return headed.source if headed is not None else ""
