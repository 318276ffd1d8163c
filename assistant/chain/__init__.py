"""The retrieval chain, composed from LangChain runnables over one typed state.

``QuestionState(question, history)`` → classify (sets ``request``) → then, for
a question, rewrite (sets ``query``) → read (sets ``normalized`` and
``statistics``) → retrieve (sets ``retrieval``) → scope (sets ``verdict``) → the
backend's answerer, which streams :class:`~assistant.response.Answer`
snapshots. A request about a whole document goes to the overview instead (when
the classifier is unsure of it, only if the corpus does not answer it as a
question), and a move in the conversation ("tell me more", "why?") to the
continuation. Each
step is a runnable of its own, named in traces, and each is a parameter: any
callable with the same input and output fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda

from assistant.answerers.base import Answerer
from assistant.asking.requests import Request
from assistant.asking.retrieval import Retrieval
from assistant.asking.scope import Verdict
from assistant.asking.state import QuestionState
from assistant.response import Answer

Classify = Callable[[QuestionState], QuestionState]
"""Fills in ``request`` (and, for a request about one document, ``document``)."""
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


def build_steps(
    rewrite: Rewrite, read: Read, retrieve: Retrieve, judge: Judge
) -> Runnable[QuestionState, QuestionState]:
    """Compose rewrite → read → retrieve → scope: a question's state, ready to answer."""

    def rewritten(state: QuestionState) -> QuestionState:
        return replace(state, query=rewrite(state))

    def retrieved(state: QuestionState) -> QuestionState:
        return replace(state, retrieval=retrieve(state))

    def judged(state: QuestionState) -> QuestionState:
        return replace(state, verdict=judge(state))

    return (
        RunnableLambda(rewritten, name="Rewrite")
        | RunnableLambda(read, name="Read")
        | RunnableLambda(retrieved, name="Retrieve")
        | RunnableLambda(judged, name="Scope")
    )


def build_chain(
    classify: Classify,
    steps: Runnable[QuestionState, QuestionState],
    answerer_for: AnswererFor,
    *,
    overview: Answerer,
    continuation: Answerer,
) -> Runnable[QuestionState, Answer]:
    """Compose classify → (the question's ``steps`` → its answer), or the overview, or the
    continuation, over :class:`QuestionState`."""

    def answered(state: QuestionState) -> Iterator[Answer]:
        yield from answerer_for(state).stream(state)

    def hedged(state: QuestionState) -> Iterator[Answer]:
        # Perhaps about the whole document, perhaps a question: a question if it has an answer.
        asked = steps.invoke(state)
        if asked.verdict is not None and asked.verdict.answerable:
            yield from answered(replace(asked, request=Request("ask", 1.0 - _probability(state))))
        else:
            yield from overview.stream(state)

    question = steps | RunnableLambda(answered, name="Answer")
    route: Runnable[QuestionState, Answer] = RunnableBranch(
        (_unsure, RunnableLambda(hedged, name="Hedge")),
        (_about_documents, RunnableLambda(overview.stream, name="Overview")),
        (_move, RunnableLambda(continuation.stream, name="Continue")),
        question,
    )
    return (RunnableLambda(classify, name="Classify") | route).with_config(
        run_name="ArticleAssistant"
    )


def _probability(state: QuestionState) -> float:
    return state.request.probability if state.request is not None else 1.0


def _unsure(state: QuestionState) -> bool:
    return state.request is not None and state.request.about_documents and not state.request.sure


def _about_documents(state: QuestionState) -> bool:
    return state.request is not None and state.request.about_documents


def _move(state: QuestionState) -> bool:
    return state.request is not None and state.request.move
