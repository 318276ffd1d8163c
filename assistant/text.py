"""Word-level text helpers shared by keyword search and answer selection."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+")
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


def stem(word: str) -> str:
    """A light suffix-stripper: plural, -ed, -ing and a few derivational endings."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in (
        ("ational", "ate"),
        ("ization", "ize"),
        ("ations", "ate"),
        ("ation", "ate"),
        ("ities", ""),
        ("ity", ""),
        ("ments", ""),
        ("ment", ""),
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", "e"),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: len(word) - len(suffix)] + replacement
            break
    # A final silent e goes, so "manage", "managing" and "management" meet.
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def terms(text: str) -> list[str]:
    """Content terms of ``text``: lower-cased, stop words dropped, lightly stemmed."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
