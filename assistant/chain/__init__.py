"""The retrieval chain, composed from LangChain runnables over one typed state.

``QuestionState(question, history)`` → classify (sets ``request``, and the
question's one snapshot of the corpus ``statistics``) → then, for a question,
rewrite (sets ``query``) → read (sets ``normalized``) → retrieve (sets
``retrieval``) → scope (sets ``verdict``, from :mod:`assistant.asking.decision`) →
the backend's answerer, which streams :class:`~assistant.response.Answer`
snapshots. A request about a whole document, or a greeting, goes to the overview instead (when
the classifier is unsure of it, only if the corpus does not answer it as a
question), and a move in the conversation ("tell me more", "why?") to the
continuation. Each step is a component of its own (:mod:`assistant.chain.steps`),
named in traces, and each is a parameter: any runnable (or callable) from state
to state fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda

from assistant.answerers.base import Answerer
from assistant.asking.decision import answers
from assistant.asking.state import QuestionState
from assistant.models.requests.classifier import Request
from assistant.response import Answer

StateStep = Runnable[QuestionState, QuestionState] | Callable[[QuestionState], QuestionState]
"""A step: a runnable, or any callable, from a state to the state with its field set."""
AnswererFor = Callable[[QuestionState], Answerer]
"""The answerer of ``state.backend``."""


def build_search(
    rewrite: StateStep, read: StateStep, retrieve: StateStep
) -> Runnable[QuestionState, QuestionState]:
    """Compose rewrite → read → retrieve: a question's state with what was found for it."""
    return _runnable(rewrite, "Rewrite") | _runnable(read, "Read") | _runnable(retrieve, "Retrieve")


def build_steps(
    rewrite: StateStep, read: StateStep, retrieve: StateStep, judge: StateStep
) -> Runnable[QuestionState, QuestionState]:
    """Compose rewrite → read → retrieve → scope: a question's state, ready to answer."""
    return build_search(rewrite, read, retrieve) | _runnable(judge, "Scope")


def _runnable(step: StateStep, name: str) -> Runnable[QuestionState, QuestionState]:
    return step if isinstance(step, Runnable) else RunnableLambda(step, name=name)


def build_chain(
    classify: StateStep,
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
        # Perhaps about the whole document, perhaps a question: a question if it has a sure
        # answer (an unsure one is no better than the overview).
        asked = steps.invoke(state)
        if answers(asked.verdict, len(asked.passages), surely=True):
            yield from answered(replace(asked, request=Request("ask", 1.0 - _probability(state))))
        else:
            yield from overview.stream(state)

    question = steps | RunnableLambda(answered, name="Answer")
    route: Runnable[QuestionState, Answer] = RunnableBranch(
        (_unsure, RunnableLambda(hedged, name="Hedge")),
        (_overview, RunnableLambda(overview.stream, name="Overview")),
        (_move, RunnableLambda(continuation.stream, name="Continue")),
        question,
    )
    return (_runnable(classify, "Classify") | route).with_config(run_name="ArticleAssistant")


def _probability(state: QuestionState) -> float:
    return state.request.probability if state.request is not None else 1.0


def _unsure(state: QuestionState) -> bool:
    return state.request is not None and state.request.overview and not state.request.sure


def _overview(state: QuestionState) -> bool:
    return state.request is not None and state.request.overview


def _move(state: QuestionState) -> bool:
    return state.request is not None and state.request.move
