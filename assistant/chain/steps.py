"""The chain's steps: LangChain runnables over :class:`QuestionState`, each built with what
it needs (the classifier, the retriever, the decision, the corpus statistics).

Each step returns a new state with its own field filled in. The classifier takes the
question's one snapshot of the corpus statistics; the later steps read it from the
state (and take one only when a state comes without it, as a continuation's does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np
from cachetools import LRUCache
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableConfig

from assistant.answerers.summaries import boilerplate, document_units
from assistant.asking.candidates import UnitKey
from assistant.asking.decision import Decision
from assistant.asking.documents import unknown_document
from assistant.asking.retrieval import HybridRetriever
from assistant.asking.rewrite import standalone_question
from assistant.asking.state import QuestionState
from assistant.common import timing
from assistant.documents.chunking import Chunk
from assistant.indexing.statistics import CorpusStatistics, KeywordIndex
from assistant.models.requests.classifier import CorpusWords, Request, RequestClassifier

ChatModelFor = Callable[[str], BaseChatModel | None]
"""The chat model of a backend (``None`` for one without a model)."""
UnitVectors = Callable[[list[Chunk]], dict[str, np.ndarray]]
"""The stored unit vectors of chunks, by chunk id."""


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
        unknown = unknown_document(state.question, snapshot) if request.about_documents else ""
        return replace(
            state,
            request=request,
            document="" if unknown else document,
            unknown_document=unknown,
            statistics=snapshot,
        )

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


class Boilerplate:
    """The units of a document that are not what it says (a sign-off, a call to subscribe),
    found as its summary finds them; an answer never quotes them either. Worked out once
    per document version, from the vectors the index stores."""

    def __init__(self, unit_vectors: UnitVectors, *, documents: int = 64) -> None:
        self.unit_vectors = unit_vectors
        self._found: LRUCache[tuple[str, ...], frozenset[UnitKey]] = LRUCache(documents)
        self._lock = threading.Lock()

    def of(self, statistics: KeywordIndex, sources: Iterable[str]) -> frozenset[UnitKey]:
        """The boilerplate units of ``sources``, as (source, start, end)."""
        found: set[UnitKey] = set()
        for source in set(sources):
            chunks = sorted(
                (c for c in statistics.chunks if c.source == source), key=lambda c: c.ordinal
            )
            version = (source, *(c.id for c in chunks))
            with self._lock:
                known = self._found.get(version)
            if known is None:
                known = self._find(chunks)
                with self._lock:
                    self._found[version] = known
            found |= known
        return frozenset(found)

    def _find(self, chunks: list[Chunk]) -> frozenset[UnitKey]:
        units = document_units(chunks)
        stored = self.unit_vectors(chunks)
        if not units or any(u.chunk.id not in stored for u in units):
            return frozenset()  # an index being updated: nothing is left out
        vectors = np.stack([stored[u.chunk.id][u.index] for u in units])
        return frozenset(
            (units[i].chunk.source, units[i].unit.start, units[i].unit.end)
            for i in boilerplate(units, vectors)
        )


class Judge(Step):
    """Sets ``verdict``: whether the retrieved passages answer, from the one decision."""

    name = "Scope"

    def __init__(self, decision: Decision, boilerplate: Boilerplate | None = None) -> None:
        self.decision = decision
        self.boilerplate = boilerplate

    def run(self, state: QuestionState) -> QuestionState:
        """The state with its verdict."""
        assert state.retrieval is not None and state.normalized is not None
        skip: frozenset[UnitKey] = frozenset()
        statistics = state.corpus_statistics
        if self.boilerplate is not None and statistics is not None:
            skip = self.boilerplate.of(statistics, (p.chunk.source for p in state.passages))
        verdict = self.decision.judge(state.normalized, state.retrieval, skip | state.quoted)
        return replace(state, verdict=verdict)
