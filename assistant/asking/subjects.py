"""Naming what a quoted unit is about, when the unit alone does not say.

"They are responsible for ..." quoted on its own leaves the reader guessing who
"they" are; a list item such as "Monitoring key performance indicators" does
not say whose duty it is. The subject is taken from the text around the unit:
the opening noun phrase of the previous sentence, or the last subject phrase of
the list's lead-in or the section heading. A phrase counts as a subject when the
corpus uses it more than once (so "operations manager", not "operations manager
plays"); nothing is named when no such phrase is found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.asking.candidates import Candidate
from assistant.common.text import STOPWORDS, terms
from assistant.indexing.statistics import KeywordIndex

PhraseCount = Callable[[str], int]

_PRONOUN = re.compile(r"^(they|it|he|she|this|these|those|its|their|his|her|such)\b", re.I)
_WORD = re.compile(r"[A-Za-z0-9][\w'()-]*")
_POSSESSIVE = re.compile(r"'s?$")
_DETERMINERS = frozenset({"a", "an", "the"})
_LONGEST = 6


def leans_on_before(text: str) -> bool:
    """Whether a sentence opens with a pronoun ("They are ..."): it needs the one before."""
    return bool(_PRONOUN.match(text))


def subject_of(candidate: Candidate, phrase_count: PhraseCount) -> str:
    """The subject to name before ``candidate``'s text, or ``""`` when it names its own."""
    text = candidate.text
    if candidate.unit.kind == "item":
        # A lone item is always read with whose item it is ("[A COO:] Leading
        # operational planning"), unless it names that subject itself.
        frame = candidate.chunk.leadin_text() or candidate.chunk.section
        subject = _last_subject(frame, phrase_count)
        return "" if _names(text, subject) else _capitalised(subject)
    if not leans_on_before(text):
        return ""
    chunk = candidate.chunk
    earlier = [u for u in chunk.units[: candidate.index] if u.kind == "sentence"]
    if earlier:
        subject = _opening_subject(chunk.unit_text(earlier[-1]), phrase_count)
        if subject:
            return _capitalised(subject)
    return _capitalised(_last_subject(chunk.section, phrase_count))


def about_another_subject(question: str, candidate: Candidate, statistics: KeywordIndex) -> bool:
    """Whether ``question`` (as the corpus reads it) asks about one of the corpus's subjects
    while ``candidate`` is about another, not named in the question: "Does the operations
    manager monitor KPIs?" against "[A COO:] Monitoring key performance indicators". Such a
    unit says nothing of the subject asked about, so it cannot answer surely. A name the
    corpus writes in capitals counts as a subject though it names it once: "What are the
    CEO's responsibilities?" against "[A COO:] Collaborating with the CEO …"."""
    subject = subject_of(candidate, statistics.phrase_count)
    if not subject:
        return False  # the unit names its own subject, or none is known
    asked = set(terms(question))
    own = set(statistics.subject_terms(subject))
    if own <= asked:
        return False
    others = (*statistics.topic_terms, *(frozenset({n}) for n in statistics.named_terms))
    return any(other and other <= asked and not other <= own for other in others)


def _capitalised(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] if phrase else ""


def _known(words: list[str], phrase_count: PhraseCount) -> bool:
    content = [w for w in words if w.lower() not in STOPWORDS]
    return bool(content) and phrase_count(" ".join(words)) >= 2


def _opening_subject(sentence: str, phrase_count: PhraseCount) -> str:
    """The noun phrase a sentence opens with.

    "An operations manager plays ..." → "An operations manager".
    """
    head, comma, rest = sentence.partition(",")
    if comma and len(head.split()) <= 4:
        sentence = rest  # "On the other hand, a COO holds ..."
    words = _WORD.findall(sentence)
    start = 1 if words and words[0].lower() in _DETERMINERS else 0
    # The phrase the corpus uses most, weighted by its length: "operations manager"
    # (13 times) rather than "operations manager plays" (twice) or "operations".
    best, weight = "", 0
    for end in range(start + 1, min(len(words), start + _LONGEST) + 1):
        phrase = words[start:end]
        if phrase[-1].lower() in STOPWORDS or not _known(phrase, phrase_count):
            continue
        score = phrase_count(" ".join(phrase)) * len(phrase)
        if score > weight:
            best, weight = " ".join(words[:end]), score
    return best


def _last_subject(frame: str, phrase_count: PhraseCount) -> str:
    """The last noun phrase after an article in a lead-in or heading.

    "Key responsibilities of a COO include:" → "a COO"; "The Role of an
    Operations Manager" → "an Operations Manager".
    """
    words = _WORD.findall(frame)
    for start in range(len(words) - 2, -1, -1):
        if words[start].lower() not in _DETERMINERS:
            continue
        for end in range(min(len(words), start + 1 + _LONGEST), start + 1, -1):
            if _known(words[start + 1 : end], phrase_count):
                return " ".join(words[start:end])
    return ""


def _names(text: str, subject: str) -> bool:
    """Whether ``text`` names ``subject`` itself (every word of it but the article)."""
    if not subject:
        return True
    # "a COO's decisions" names the COO as much as "a COO" does.
    words = {_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(text)}
    wanted = [w.lower() for w in _WORD.findall(subject) if w.lower() not in _DETERMINERS]
    return all(w in words for w in wanted)
