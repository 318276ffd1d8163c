"""The chain is rewrite → retrieve → answer, and each step can be swapped."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda

from assistant.answering import ExtractiveAnswerer
from assistant.chain import build_chain
from assistant.chunking import chunk_document
from assistant.ingest import parse_document
from assistant.response import Answer
from assistant.retrieval import _to_document

pytestmark = pytest.mark.unit

TEXT = (
    "# Roles\n\n## The COO\n\nThe COO runs operations at a strategic level. "
    "The COO reports to the CEO.\n\nDuties of a COO include:\n\n- Setting strategy\n"
    "- Monitoring indicators\n"
)


class ListRetriever(BaseRetriever):
    """Returns the same documents for every query."""

    documents: list[Document]

    def _get_relevant_documents(self, query, *, run_manager):
        return self.documents


@pytest.fixture
def documents() -> list[Document]:
    doc = parse_document(TEXT.encode(), source="roles.md", kind="markdown")
    chunks = chunk_document(doc, count_tokens=lambda t: len(t.split()), max_tokens=200)
    return [_to_document(c, similarity=0.9, fused_score=0.1) for c in chunks]


def _rewriter(inputs):
    return inputs["question"]


def test_the_extractive_answerer_cites_exact_spans_of_the_retrieved_passages(documents):
    answerer = ExtractiveAnswerer(DeterministicFakeEmbedding(size=32), max_units=2)
    chain = build_chain(
        ListRetriever(documents=documents), answerer.as_runnable(), RunnableLambda(_rewriter)
    )
    reply = chain.invoke({"question": "What are the duties of a COO?", "history": []})
    assert isinstance(reply, Answer)
    assert not reply.refused
    assert reply.citations
    for citation in reply.citations:
        assert TEXT[citation.start : citation.end] == citation.quote
        assert f"[{citation.marker}]" in reply.text


def test_no_retrieved_passage_means_a_refusal(documents):
    answerer = ExtractiveAnswerer(DeterministicFakeEmbedding(size=32), refusal="Not covered.")
    chain = build_chain(
        ListRetriever(documents=[]), answerer.as_runnable(), RunnableLambda(_rewriter)
    )
    reply = chain.invoke({"question": "Capital of France?", "history": []})
    assert reply.refused
    assert reply.text == "Not covered."
    assert reply.citations == []


def test_any_runnable_can_be_the_answerer(documents):
    def first_passage(inputs) -> Answer:
        doc = inputs["documents"][0]
        return Answer(question=inputs["question"], text=doc.page_content, refused=False)

    chain = build_chain(
        ListRetriever(documents=documents), RunnableLambda(first_passage), RunnableLambda(_rewriter)
    )
    reply = chain.invoke({"question": "Anything", "history": []})
    assert reply.text == documents[0].page_content


def test_streaming_yields_growing_snapshots_ending_with_the_complete_answer(documents):
    answerer = ExtractiveAnswerer(
        DeterministicFakeEmbedding(size=32), max_units=3, unit_ratio=0.0, min_gain=0.0
    )
    chain = build_chain(
        ListRetriever(documents=documents), answerer.as_runnable(), RunnableLambda(_rewriter)
    )
    snapshots = list(chain.stream({"question": "What does the COO do?", "history": []}))
    assert len(snapshots) > 1
    assert [s.complete for s in snapshots] == [False] * (len(snapshots) - 1) + [True]
    counts = [len(s.citations) for s in snapshots]
    assert counts == sorted(counts)


def test_the_rewriter_output_is_what_the_retriever_sees(documents):
    seen: list[str] = []

    class Recording(ListRetriever):
        def _get_relevant_documents(self, query, *, run_manager):
            seen.append(query)
            return self.documents

    answerer = ExtractiveAnswerer(DeterministicFakeEmbedding(size=32))
    chain = build_chain(
        Recording(documents=documents),
        answerer.as_runnable(),
        RunnableLambda(lambda _: "rewritten"),
    )
    reply = chain.invoke({"question": "original", "history": [("q", "a")]})
    assert seen == ["rewritten"]
    assert reply.query == "rewritten"
