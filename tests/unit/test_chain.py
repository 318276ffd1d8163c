"""The chain is rewrite → retrieve → scope → answer, and each step can be swapped."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.bm25 import KeywordIndex
from assistant.chain import build_chain
from assistant.chunking import chunk_document
from assistant.documents import parse_document
from assistant.response import Answer
from assistant.retrieval import Passage, Retrieval
from assistant.scope import Verdict
from assistant.state import QuestionState

TEXT = (
    "# Roles\n\n## The COO\n\nThe COO runs operations at a strategic level. "
    "The COO reports to the CEO.\n\nDuties of a COO include:\n\n- Setting strategy\n"
    "- Monitoring indicators\n"
)


@pytest.fixture
def passages() -> tuple[Passage, ...]:
    doc = parse_document(TEXT.encode(), source="roles.md", kind="markdown")
    chunks = chunk_document(doc, count_tokens=lambda t: len(t.split()), max_tokens=200)
    return tuple(Passage(c, similarity=0.9, fused_score=0.1) for c in chunks)


def _retrieval(query: str, passages: tuple[Passage, ...]) -> Retrieval:
    index = KeywordIndex([p.chunk for p in passages])
    return Retrieval(query, np.zeros(32), passages, 0.9 if passages else -1.0, index)


def _chain(passages, *, answerer=None, judge=None, rewrite=None, seen=None):
    answerer = answerer or ExtractiveAnswerer(DeterministicFakeEmbedding(size=32), max_units=2)

    def retrieve(state: QuestionState) -> Retrieval:
        if seen is not None:
            seen.append(state.query)
        return _retrieval(state.query, passages)

    return build_chain(
        rewrite or (lambda state: state.question),
        retrieve,
        judge or (lambda state: Verdict(answerable=bool(state.passages), share=1.0)),
        lambda state: answerer,
    )


def test_the_extractive_answerer_cites_exact_spans_of_the_retrieved_passages(passages):
    reply = _chain(passages).invoke(QuestionState("What are the duties of a COO?"))
    assert isinstance(reply, Answer)
    assert not reply.refused
    assert reply.citations
    for citation in reply.citations:
        assert TEXT[citation.start : citation.end] == citation.quote
        assert f"[{citation.marker}]" in reply.text


def test_no_retrieved_passage_means_a_refusal():
    reply = _chain(()).invoke(QuestionState("Capital of France?"))
    assert reply.refused
    assert reply.text.startswith("The article does not say")
    assert reply.citations == []


def test_a_negative_verdict_is_a_refusal_naming_what_is_missing(passages):
    def judge(state: QuestionState) -> Verdict:
        return Verdict(answerable=False, share=0.2, missing=("salary",))

    reply = _chain(passages, judge=judge).invoke(QuestionState("What is a COO's salary?"))
    assert reply.refused
    assert reply.text.endswith("It does not mention “salary”.")


def test_any_object_with_a_stream_method_can_be_the_answerer(passages):
    class FirstPassage:
        name = "first"

        def stream(self, state: QuestionState):
            yield Answer(question=state.question, text=state.passages[0].chunk.text, refused=False)

    reply = _chain(passages, answerer=FirstPassage()).invoke(QuestionState("Anything"))
    assert reply.text == passages[0].chunk.text


def test_streaming_yields_growing_snapshots_ending_with_the_complete_answer(passages):
    answerer = ExtractiveAnswerer(
        DeterministicFakeEmbedding(size=32), max_units=3, unit_ratio=0.0, min_gain=0.0
    )
    snapshots = list(
        _chain(passages, answerer=answerer).stream(QuestionState("What does the COO do?"))
    )
    assert len(snapshots) > 1
    assert [s.complete for s in snapshots] == [False] * (len(snapshots) - 1) + [True]
    counts = [len(s.citations) for s in snapshots]
    assert counts == sorted(counts)


def test_the_rewriter_output_is_what_the_retriever_sees(passages):
    seen: list[str] = []
    chain = _chain(passages, rewrite=lambda state: "rewritten", seen=seen)
    reply = chain.invoke(QuestionState("original", history=(("q", "a"),)))
    assert seen == ["rewritten"]
    assert reply.query == "rewritten"


def test_the_answer_lists_the_passages_it_was_drawn_from(passages):
    reply = _chain(passages).invoke(QuestionState("What are the duties of a COO?"))
    assert [(p.start, p.end) for p in reply.retrieved] == [
        (p.chunk.start, p.chunk.end) for p in passages
    ]
