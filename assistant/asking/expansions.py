"""Questions that ask what an abbreviation stands for, answered where the corpus spells it out.

"What does COO stand for?" shares nothing with "a Chief Operating Officer (COO)" but
the acronym, which every passage about the COO has: the scorer ranked the COO's list
first and, "stand" being a word the article lacks, could never be sure (six such
questions of the never-fitted sets were unsure, none with the defining sentence).
That the corpus spells the acronym out is a fact of its text, not a reading of it,
so the unit that defines it answers, surely. An acronym it never defines ("CFO"), or
defines two ways, is left to the scorer.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from assistant.asking.polarity import negated
from assistant.common.text import CHAT_WORDS, QUESTION_FILLER, STOPWORDS
from assistant.indexing.spelling import defined_acronyms
from assistant.models.scorer.scorer import ScoredCandidate

_CUE = re.compile(
    r"\b(?:stands? for|short for|abbreviat\w*|acronyms?|spell(?:s|ed|t)? (?:it )?out|"
    r"full (?:form|name)|mean(?:s|ing)?|expan(?:d|ds|ded|sion)|initials|letters)\b",
    re.IGNORECASE,
)
"""What asks for an expansion ("stand for", not "stand": "Where does the COO stand?")."""
_FORM = frozenset(
    "stand stands short for abbreviation abbreviations abbreviated abbreviate acronym "
    "acronyms spell spells spelled spelt out mean means meaning expand expands expanded "
    "expansion full form name initials letters article text piece".split()
)
"""Words such a question may hold besides the acronym and function words."""
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def asked_acronym(question: str, acronyms: Container[str]) -> str | None:
    """The acronym (lower case, one of ``acronyms``) whose expansion ``question`` asks
    for and nothing else ("What does COO stand for?", "coo short for?"), or ``None``."""
    words = [w.lower().removesuffix("'s") for w in _WORD.findall(question)]
    asked = {w for w in words if w in acronyms} | {
        w[:-1] for w in words if w.endswith("s") and w[:-1] in acronyms
    }
    if len(asked) != 1 or not _CUE.search(question) or negated(question):
        return None
    acronym = asked.pop()
    ignored = STOPWORDS | QUESTION_FILLER | CHAT_WORDS | _FORM | {acronym, f"{acronym}s"}
    return acronym if all(w in ignored for w in words) else None


def defining_unit(acronym: str, ranked: Sequence[ScoredCandidate]) -> ScoredCandidate | None:
    """The first unit, in the document of the best-ranked one, that spells ``acronym``
    out (where the document first says what it stands for), when every unit that does
    spells it out the same way; else ``None``."""
    defining = [
        (s, long) for s in ranked if (long := defined_acronyms(s.candidate.text).get(acronym))
    ]
    if len({long for _, long in defining}) != 1:
        return None
    source = defining[0][0].candidate.chunk.source
    return min((s for s, _ in defining if s.candidate.chunk.source == source), key=_place)


def _place(scored: ScoredCandidate) -> int:
    return scored.candidate.unit.start
