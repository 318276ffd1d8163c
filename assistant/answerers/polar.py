"""Yes or no: a yes/no question answered as such when the cited unit settles it.

"Is monitoring KPIs one of the COO's duties?" is turned into its statement
("monitoring KPIs is one of the COO's duties") and that statement's negation
("monitoring KPIs is not one of ..."). When the entailment model is sure that
the cited unit entails one of them, and not the other, the extractive answer
opens with "Yes." or "No." before the quote; otherwise it quotes as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answerers.claims import ClaimReader

AUXILIARIES = frozenset(
    "is are was were am do does did can could should would will shall has have had may might "
    "must".split()
)
"""Words a yes/no question opens with ("Is ...?", "Does ...?")."""


@dataclass(frozen=True)
class Statements:
    """A yes/no question said as a statement, and as its negation."""

    statement: str
    negation: str


def statements(question: str) -> Statements | None:
    """The question's statement and negation, or ``None`` when it is no yes/no question.

    The small parser misreads questions ("Does the COO report ...?" gets "report"
    as a noun), so the auxiliary is tried after each of the first few words; of the
    statements whose parse makes exactly the words before it a subject noun phrase
    followed by a predicate, the one with the longest subject wins.
    """
    words = question.strip().rstrip("?").strip().split()
    if len(words) < 3 or words[0].lower() not in AUXILIARIES:
        return None
    # "Is it X or Y?" and "Does it ..., and if so how?" want more than a yes or a no.
    if any(w.lower().strip(",") in _OPEN for w in words[1:]):
        return None
    verb = words[0].lower()
    found = None
    for end in range(2, min(len(words), _LONGEST_SUBJECT + 2)):
        subject, rest = " ".join(words[1:end]), " ".join(words[end:])
        doc = ClaimReader.parse(f"{subject} {verb} {rest}")
        if _is_subject(doc, len(subject)) and _predicate_follows(doc, len(subject), verb):
            # "does the COO report" → "the COO does report": do-support keeps the verb's form.
            found = Statements(f"{subject} {verb} {rest}.", f"{subject} {verb} not {rest}.")
    return found  # the longest subject ("operations managers", not "operations")


def _is_subject(doc: Any, length: int) -> bool:
    """Whether the statement's first ``length`` characters are its subject, ending in a noun."""
    words = [t for t in doc if t.idx < length]
    # One noun phrase: no preposition, no second determiner ("... part of the job",
    # "... activities a responsibility"), unless it follows a leading gerund.
    if any(t.pos_ == "ADP" for t in words) or any(
        t.pos_ == "DET" and t.i > 0 and not (t.i == 1 and words[0].tag_ == "VBG") for t in words
    ):
        return False
    return any(
        t.dep_ in _SUBJECTS
        and t.left_edge.idx == 0
        and t.right_edge.idx + len(t.right_edge) == length
        and t.right_edge.pos_ in ("NOUN", "PROPN", "PRON", "NUM")
        for t in doc
    )


def _predicate_follows(doc: Any, length: int, verb: str) -> bool:
    """Whether what follows the auxiliary can start a predicate (a verb after "does")."""
    after = [t for t in doc if t.idx > length + len(verb)]
    if not after:
        return False
    if verb in ("do", "does", "did"):
        return after[0].pos_ == "VERB"
    return after[0].pos_ != "PUNCT"


_OPEN = frozenset({"or", "how", "what", "which", "who", "whom", "whose", "why", "when", "where"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_LONGEST_SUBJECT = 8
"""Words a subject may have ("monitoring key performance indicators")."""


class PolarAnswers:
    """Says "Yes" or "No" for a yes/no question when a unit settles it with high probability."""

    def __init__(
        self, probabilities: Callable[[str, list[str]], np.ndarray], *, threshold: float
    ) -> None:
        self.probabilities = probabilities
        self.threshold = threshold

    def verdict(self, question: str, premise: str) -> str | None:
        """``"Yes"``, ``"No"``, or ``None`` when the question is not yes/no or it is unsure."""
        found = statements(question)
        if found is None:
            return None
        yes = float(self.probabilities(found.statement, [premise])[0])
        no = float(self.probabilities(found.negation, [premise])[0])
        # Sure of one, and the other is not also likely: a model that entails both
        # is reading the topic, not the polarity.
        if yes >= self.threshold and no < 1 - self.threshold:
            return "Yes"
        if no >= self.threshold and yes < 1 - self.threshold:
            return "No"
        return None
