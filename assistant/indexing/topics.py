"""What a corpus is about: the names and terms its documents keep coming back to.

A question about a corpus usually names one of these subjects ("the COO", "the
Normans") and asks something about it; the scorer compares what is asked,
without the subject, with what the passages say.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from assistant.common.text import STOPWORDS

_CAPITALISED = re.compile(r"\b([A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*)*)")
_WORDS = re.compile(r"[A-Za-z][\w-]*")
_PHRASES = 12


def topic_phrases(text: str, count: int = _PHRASES) -> list[str]:
    """What a document is about: its most frequent names and two-word terms.

    A name is a run of capitalised words that the document never writes in
    lower case (so "COO" and "Los Angeles", not a heading's "Key" or "Role").
    """
    as_written = f" {' '.join(_WORDS.findall(text))} "
    names: Counter[str] = Counter()
    for match in _CAPITALISED.finditer(text):
        words = match.group(1).split()
        before = text[: match.start()].rstrip(" \t-*#>")
        if not before or before[-1] in ".!?:\n":
            words.pop(0)  # capitalised because it opens a sentence, line or heading
        while words and words[0].lower() in STOPWORDS:
            words.pop(0)
        name = " ".join(words)
        if len(name) > 1 and f" {name.lower()} " not in as_written:
            names[name] += 1
    words = [w.lower() for w in _WORDS.findall(text) if len(w) > 1]
    pairs = Counter(
        f"{a} {b}" for a, b in pairwise(words) if a not in STOPWORDS and b not in STOPWORDS
    )
    ranked = [p for p, n in names.most_common() if n >= 2]
    named = {w.lower() for name in ranked for w in name.split()}
    ranked += [p for p, n in pairs.most_common() if n >= 3 and not set(p.split()) <= named]
    return list(dict.fromkeys(ranked))[:count]


def without_topics(question: str, phrases: list[str]) -> str:
    """``question`` with the subjects it names taken out: what it asks about them."""
    for phrase in sorted(phrases, key=len, reverse=True):
        question = re.sub(rf"\b{re.escape(phrase)}s?\b", " ", question, flags=re.IGNORECASE)
    return " ".join(question.split())
