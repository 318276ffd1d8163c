"""Word-level text helpers shared by keyword search and answer selection."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+")
_STEMMER = snowballstemmer.stemmer("english")
STOPWORDS = frozenset(
    "a about above after again against all also am an and any are aren as at be because "
    "been before being below between both but by can cannot could did didn do does doesn "
    "doing don down during each either few for from further had has have having he her "
    "here hers herself him himself his how i if in into is isn it its itself just let me "
    "might more most much must my myself neither no nor not now of off on once only or "
    "other ought our ours ourselves out over own per same shall she should so some such "
    "than that the their theirs them themselves then there these they this those through "
    "to too under until up upon us very was we were what when where which while who whom "
    "whose why will with within without would you your yours yourself yourselves tell say "
    "says said according article text please explain describe".split()
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English Snowball (Porter2) stem of a lower-case word."""
    return _STEMMER.stemWord(word)


def terms(text: str) -> list[str]:
    """Content terms of ``text``: lower-cased, stop words dropped, lightly stemmed."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
