"""The state of one question as it passes through the chain, step by step.

Each step returns a new frozen :class:`QuestionState` with its own field filled
in: the rewrite sets ``query``, retrieval sets ``retrieval``, the scope check
sets ``verdict``; an answerer reads the whole state and streams the answer.
A trace of the chain shows the question at every step.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.retrieval import Passage, Retrieval
from assistant.scope import Verdict

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
    """The standalone question retrieval uses (a follow-up rewritten)."""
    retrieval: Retrieval | None = None
    verdict: Verdict | None = None

    @property
    def passages(self) -> tuple[Passage, ...]:
        """The retrieved passages, best first (none before retrieval)."""
        return self.retrieval.passages if self.retrieval else ()

    @property
    def standalone(self) -> str:
        """The query when the rewrite has run, else the question itself."""
        return self.query or self.question

    @property
    def documents(self) -> int:
        """How many documents the index held when this question was searched."""
        return len(self.retrieval.statistics.sources) if self.retrieval else 0
