"""Hybrid retrieval finds the right passage and leaves uncovered questions empty."""

from __future__ import annotations

import json

import pytest

from assistant.asking.retrieval import HybridRetriever


@pytest.fixture(params=["relative", "rrf"])
def retriever(bot, request) -> HybridRetriever:
    return HybridRetriever.from_settings(
        bot.store, bot.settings.model_copy(update={"fusion": request.param})
    )


@pytest.mark.parametrize(
    ("question", "section"),
    [
        (
            "What are the key responsibilities of a COO?",
            "The Role of a Chief Operating Officer (COO)",
        ),
        ("What does an operations manager do every day?", "The Role of an Operations Manager"),
        (
            "Who has more decision-making power?",
            "Key Differences Between Operations Manager and COO",
        ),
    ],
)
def test_the_passage_that_answers_ranks_first(retriever, question, section):
    assert retriever.invoke(question)[0].metadata["section"] == section


def test_relative_fusion_keeps_a_clear_keyword_match_on_top(bot):
    # Dense search alone ranks the conclusion first ("the roles of ..."); BM25 finds
    # "work closely together" by a wide margin, which rank fusion would flatten.
    retriever = HybridRetriever.from_settings(bot.store, bot.settings)
    top = retriever.invoke("How do the two roles work together?")[0]
    assert top.metadata["section"] == "Collaboration and Synergy"


def test_documents_carry_offsets_scores_and_ranks(retriever, bot):
    doc = retriever.invoke("What does a COO do?")[0]
    text = bot.document_text(doc.metadata["source"])
    assert text[doc.metadata["start"] : doc.metadata["end"]] == doc.page_content
    assert 0 < doc.metadata["similarity"] <= 1
    assert doc.metadata["fused_score"] > 0
    assert doc.metadata["dense_rank"] >= 1
    assert json.loads(doc.metadata["units"])


def test_passages_carry_the_stored_vectors_of_their_units(retriever):
    passage = retriever.search("What does a COO do?").passages[0]
    assert passage.unit_vectors is not None
    assert passage.unit_vectors.shape == (len(passage.chunk.units), 384)
    assert len(passage.unit_similarities) == len(passage.chunk.units)


def test_keyword_search_catches_exact_terms_dense_search_ranks_low(retriever):
    docs = retriever.invoke("C-suite executives", k=3)
    assert "C-suite executives" in docs[0].page_content


def test_the_keyword_index_follows_changes_to_the_store(bot, tmp_path, embeddings):
    import shutil

    from assistant import Assistant
    from tests.support import ARTICLE

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    local = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    local.index()
    retriever = HybridRetriever.from_settings(local.store, local.settings)
    assert retriever.statistics is not None
    before = len(retriever.statistics.current().chunks)
    (corpus / "more.md").write_text("# More\n\nZebras are striped animals.\n")
    local.index()
    assert len(retriever.statistics.current().chunks) == before + 1
