"""The chain's steps: LangChain runnables over :class:`QuestionState`, each built with what
it needs (the classifier, the retriever, the decision, the corpus statistics).

Each step returns a new state with its own field filled in. The classifier takes the
question's one snapshot of the corpus statistics; the later steps read it from the
state (and take one only when a state comes without it, as a continuation's does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableConfig

from assistant.asking.decision import Decision
from assistant.asking.retrieval import HybridRetriever
from assistant.asking.rewrite import standalone_question
from assistant.asking.state import QuestionState
from assistant.common import timing
from assistant.indexing.statistics import CorpusStatistics, KeywordIndex
from assistant.models.requests.classifier import CorpusWords, Request, RequestClassifier

ChatModelFor = Callable[[str], BaseChatModel | None]
"""The chat model of a backend (``None`` for one without a model)."""


class Step(Runnable[QuestionState, QuestionState]):
    """A step of the chain: ``run`` fills in its field; ``invoke`` traces it under its name."""

    name: str | None = None

    def run(self, state: QuestionState) -> QuestionState:
        """The state with this step's field filled in."""
        raise NotImplementedError

    def invoke(
        self, input: QuestionState, config: RunnableConfig | None = None, **kwargs: Any
    ) -> QuestionState:
        """Run the step, as a run of its own in the chain's trace."""
        return self._call_with_config(self.run, input, config, run_type="chain")


class Snapshot:
    """The corpus statistics a question reads: its own snapshot, or the viewer's now."""

    def __init__(self, statistics: CorpusStatistics) -> None:
        self.statistics = statistics

    def of(self, state: QuestionState) -> KeywordIndex:
        """The state's snapshot, else one taken now for its viewer."""
        return state.statistics or self.statistics.current(viewer=state.viewer)


class Classify(Step):
    """Sets ``request`` (and ``document`` for a request about one document), and takes the
    question's snapshot of the corpus statistics."""

    name = "Classify"

    def __init__(self, classifier: RequestClassifier, statistics: CorpusStatistics) -> None:
        self.classifier = classifier
        self.statistics = statistics

    def run(self, state: QuestionState) -> QuestionState:
        """The state with what its message asks for."""
        snapshot = self.statistics.current(viewer=state.viewer)
        request, document = self.classifier.read(state.question, state.history, snapshot)
        return replace(state, request=request, document=document, statistics=snapshot)

    def request_of(self, text: str, statistics: KeywordIndex | None = None) -> Request:
        """What ``text`` asks for, read against ``statistics`` (default: the whole corpus)."""
        snapshot = statistics or self.statistics.current()
        return self.classifier.classify(text, CorpusWords.of(snapshot))


class Rewrite(Step):
    """Sets ``query``: a follow-up rewritten as a standalone question."""

    name = "Rewrite"

    def __init__(self, statistics: CorpusStatistics, chat_model: ChatModelFor | None) -> None:
        self.snapshot = Snapshot(statistics)
        self.chat_model = chat_model
        """The backend's model rewrites too when set (``ASSISTANT_LLM_REWRITE``)."""

    def run(self, state: QuestionState) -> QuestionState:
        """The state with its standalone question."""
        model = self.chat_model(state.backend) if self.chat_model is not None else None
        snapshot: list[KeywordIndex] = []

        def phrase_count(phrase: str) -> int:
            # The snapshot is taken only when the rules need it.
            if not snapshot:
                snapshot.append(self.snapshot.of(state))
            return snapshot[0].phrase_count(phrase)

        query = standalone_question(
            state.question, state.history, phrase_count=phrase_count, chat_model=model
        )
        return replace(state, query=query)


class Read(Step):
    """Sets ``normalized`` (the query in the corpus's words) and ``statistics``."""

    name = "Read"

    def __init__(self, statistics: CorpusStatistics) -> None:
        self.snapshot = Snapshot(statistics)

    def run(self, state: QuestionState) -> QuestionState:
        """The state with its query read in the corpus's words."""
        with timing.stage("read"):
            statistics = self.snapshot.of(state)
            normalized = statistics.words.normalize(state.standalone)
        return replace(state, normalized=normalized, statistics=statistics)


class Retrieve(Step):
    """Sets ``retrieval``: the passages for the query (``state.top_k`` when set)."""

    name = "Retrieve"

    def __init__(self, retriever: HybridRetriever) -> None:
        self.retriever = retriever

    def run(self, state: QuestionState) -> QuestionState:
        """The state with its passages."""
        retrieval = self.retriever.search(
            state.search_text, state.top_k, statistics=state.statistics
        )
        return replace(state, retrieval=retrieval)


class Judge(Step):
    """Sets ``verdict``: whether the retrieved passages answer, from the one decision."""

    name = "Scope"

    def __init__(self, decision: Decision) -> None:
        self.decision = decision

    def run(self, state: QuestionState) -> QuestionState:
        """The state with its verdict."""
        assert state.retrieval is not None and state.normalized is not None
        return replace(state, verdict=self.decision.judge(state.normalized, state.retrieval))
