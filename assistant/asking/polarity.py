"""Whether a question asks for the opposite of what a passage says.

The scorer reads meaning and shared words, and neither sees polarity: "Which
role does NOT collaborate with different departments?" is closest to "Collaborating
with different departments", word for word. SQuAD 2.0's writers made questions
unanswerable this way ("who never broadcast the FA Cup?"): on its held-out articles,
giving such an answer as unsure (the passage is the closest the corpus comes, not a
statement of what was asked) took 55 of its unanswerable questions out of sure answers,
and 3 answerable ones, 2 of them right (``assistant eval --set squad-v2-heldout``).
"""

from __future__ import annotations

import re

_NEGATION = re.compile(r"\b(?:not|never|no|none|nobody|nothing|neither|nor)\b|n't\b", re.I)


def negated(text: str) -> bool:
    """Whether ``text`` has a negation ("not", "never", "doesn't", "no one", ...)."""
    return bool(_NEGATION.search(text))


def opposes(question: str, passage: str) -> bool:
    """Whether ``question`` is negated and ``passage`` is not: the passage may say the
    opposite of what is asked."""
    return negated(question) and not negated(passage)
