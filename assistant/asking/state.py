"""The state of one question as it passes through the chain, step by step.

Each step returns a new frozen :class:`QuestionState` with its own field filled
in: the classifier sets ``request``, the rewrite sets ``query``, reading it in
the corpus's words sets ``normalized``, retrieval sets ``retrieval``, the scope
check sets ``verdict``;
an answerer reads the whole state and streams the answer.
A trace of the chain shows the question at every step.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.asking.decision import Verdict
from assistant.asking.retrieval import Passage, Retrieval
from assistant.documents.access import EVERYONE, Viewer
from assistant.errors import EmptyQuestionError, QuestionError, QuestionTooLongError
from assistant.indexing.spelling import Normalized
from assistant.indexing.statistics import KeywordIndex
from assistant.models.requests.classifier import Request
from assistant.settings import MAX_TOP_K

History = tuple[tuple[str, str], ...]
"""Earlier turns as ``(question, answer)`` pairs, oldest first."""


@dataclass(frozen=True)
class QuestionState:
    """One question and everything the chain has worked out about it so far."""

    question: str
    history: History = ()
    top_k: int | None = None
    """Passages to retrieve for this question (``None``: the configured default)."""
    backend: str = "extractive"
    query: str = ""
    """The standalone question (a follow-up rewritten)."""
    normalized: Normalized | None = None
    """The standalone question in the corpus's words (typos and abbreviations read)."""
    statistics: KeywordIndex | None = None
    """The snapshot of the index this question is answered from."""
    retrieval: Retrieval | None = None
    verdict: Verdict | None = None
    request: Request | None = None
    """What the message asks for (a question, a summary, a move); set first."""
    document: str = ""
    """For a request about one document: its source ("" when nothing says which)."""
    unknown_document: str = ""
    """For a request naming a document the asker has none of: the name, as typed."""
    viewer: Viewer = EVERYONE
    """Who asks: the documents they may be answered from."""
    quoted: frozenset[tuple[str, int, int]] = frozenset()
    """Units never to be candidates: those a conversation move's thread quoted already."""

    @property
    def passages(self) -> tuple[Passage, ...]:
        """The retrieved passages, best first (none before retrieval)."""
        return self.retrieval.passages if self.retrieval else ()

    @property
    def standalone(self) -> str:
        """The query when the rewrite has run, else the question itself."""
        return self.query or self.question

    @property
    def search_text(self) -> str:
        """What retrieval searches for: the normalized query when there is one."""
        return self.normalized.text if self.normalized else self.standalone

    @property
    def corpus_statistics(self) -> KeywordIndex | None:
        """The corpus statistics this question was read with, or its retrieval's."""
        return self.statistics or (self.retrieval.statistics if self.retrieval else None)

    @property
    def documents(self) -> int:
        """How many documents the index held when this question was searched."""
        statistics = self.corpus_statistics
        return len(statistics.sources) if statistics else 0


# HTML tags and comments in a question are markup, not words to look up.
_MARKUP = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>", re.DOTALL)


def checked_question(question: str, max_chars: int) -> str:
    """The question without control characters or HTML markup, or a :class:`QuestionError`."""
    if not isinstance(question, str):
        raise EmptyQuestionError("The question must be text.")
    if len(question) > 4 * max_chars:  # bound the work before reading it
        raise QuestionTooLongError(
            f"The question is {len(question):,} characters long; the limit is "
            f"{max_chars:,}. Please shorten it."
        )
    cleaned = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in question
    )
    had_text = bool(cleaned.strip())
    cleaned = re.sub(r" {2,}", " ", _MARKUP.sub(" ", cleaned)).strip()
    if not cleaned:
        reason = "it holds only markup" if had_text else "it is empty"
        raise EmptyQuestionError(f"Please type a question: {reason}.")
    if len(cleaned) > max_chars:
        raise QuestionTooLongError(
            f"The question is {len(cleaned):,} characters long; the limit is "
            f"{max_chars:,}. Please shorten it."
        )
    return cleaned


def checked_top_k(top_k: int | None) -> int | None:
    """``top_k`` if it is a number of passages a question may ask for."""
    if top_k is not None and not (
        isinstance(top_k, int) and not isinstance(top_k, bool) and 1 <= top_k <= MAX_TOP_K
    ):
        raise QuestionError(f"top_k must be a whole number from 1 to {MAX_TOP_K}, not {top_k!r}.")
    return top_k
