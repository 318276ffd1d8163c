"""Word-level text helpers shared by keyword search and answer selection."""

from __future__ import annotations

import re
import unicodedata
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


# Everyday words a question uses around its topic. They say nothing about what is
# asked: the scorer does not count them among the question's words the corpus lacks.
QUESTION_FILLER = frozenset(
    "actually anyway even really just kind kinds sort sorts way ways thing things stuff lot lots "
    "bit one two three four five first second last next other others another same different new "
    "old good bad better best main whole sure able often usually typically generally mostly "
    "exactly basically simply maybe perhaps probably quite rather pretty very much many every "
    "each also etc still yet already ever never always get gets got getting go goes went going "
    "gone know knows knew want wants wanted like likes need needs make makes made making take "
    "takes took taken give gives gave come comes came see sees saw seen look looks find finds "
    "found put puts use uses used tell tells told ask asks asked seem seems try tries tried call "
    "calls called keep keeps kept let lets mean means meant matter matters happen happens sit "
    "sits name think thinks thought talk talks day days time times part parts".split()
)


# The chat around a question ("hey, quick question: ..."). Never named as a word the
# corpus lacks, so never what keeps an answer from being sure; the scorer still reads
# them as words the corpus does not know, as it learned from its chat variants.
CHAT_WORDS = frozenset("hey hi hello quick question honestly wait yes".split())


def fold(text: str) -> str:
    """Lower case without accents, so "Hervé" and "Herve" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def terms(text: str) -> list[str]:
    """Content terms of ``text``: folded, stop words dropped, stemmed."""
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


def plural(count: int, word: str) -> str:
    """``"1 document"``, ``"2 documents"``."""
    return f"{count} {word}{'' if count == 1 else 's'}"
