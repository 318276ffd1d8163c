"""The retrieval chain, composed from LangChain runnables over one typed state.

``QuestionState(question, history)`` → rewrite (sets ``query``) → read
(sets ``normalized`` and ``statistics``) → retrieve (sets ``retrieval``) → scope
(sets ``verdict``) → the backend's answerer, which streams
:class:`~assistant.response.Answer` snapshots. Each step is a runnable
of its own, named in traces, and each is a parameter: any callable with the
same input and output fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answerers.base import Answerer
from assistant.asking.retrieval import Retrieval
from assistant.asking.scope import Verdict
from assistant.asking.state import QuestionState
from assistant.response import Answer

Rewrite = Callable[[QuestionState], str]
"""Returns the standalone question for a state holding ``question`` and ``history``."""
Read = Callable[[QuestionState], QuestionState]
"""Fills in ``normalized`` (the query in the corpus's words) and ``statistics``."""
Retrieve = Callable[[QuestionState], Retrieval]
"""Searches the corpus for ``state.query`` (``state.top_k`` passages when set)."""
Judge = Callable[[QuestionState], Verdict]
"""Decides whether the retrieved passages answer the question."""
AnswererFor = Callable[[QuestionState], Answerer]
"""The answerer of ``state.backend``."""


def build_chain(
    rewrite: Rewrite, read: Read, retrieve: Retrieve, judge: Judge, answerer_for: AnswererFor
) -> Runnable[QuestionState, Answer]:
    """Compose rewrite → read → retrieve → scope → answer over :class:`QuestionState`."""

    def rewritten(state: QuestionState) -> QuestionState:
        return replace(state, query=rewrite(state))

    def retrieved(state: QuestionState) -> QuestionState:
        return replace(state, retrieval=retrieve(state))

    def judged(state: QuestionState) -> QuestionState:
        return replace(state, verdict=judge(state))

    def answered(state: QuestionState) -> Iterator[Answer]:
        yield from answerer_for(state).stream(state)

    steps: Runnable[QuestionState, QuestionState] = (
        RunnableLambda(rewritten, name="Rewrite")
        | RunnableLambda(read, name="Read")
        | RunnableLambda(retrieved, name="Retrieve")
        | RunnableLambda(judged, name="Scope")
    )
    return (steps | RunnableLambda(answered, name="Answer")).with_config(
        run_name="ArticleAssistant"
    )
