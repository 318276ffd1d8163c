"""BM25 keyword search and the text helpers behind it."""

from __future__ import annotations

from assistant.common.text import stem, terms
from assistant.documents.chunking import Chunk
from assistant.indexing.statistics import KeywordIndex


def _chunk(i: int, text: str) -> Chunk:
    return Chunk(
        id=f"c{i}",
        source="d.md",
        title="T",
        section="S",
        start=0,
        end=len(text),
        text=text,
        ordinal=i,
        units=(),
    )


def test_the_chunk_sharing_the_rare_words_ranks_first():
    index = KeywordIndex(
        [
            _chunk(0, "The operations manager supervises staff."),
            _chunk(1, "The COO monitors key performance indicators."),
            _chunk(2, "Both roles matter for the business."),
        ]
    )
    (best, score), *_ = index.search("Who monitors performance indicators?", k=3)
    assert best.id == "c1"
    assert score > 0


def test_chunks_sharing_no_word_with_the_query_are_not_returned():
    index = KeywordIndex([_chunk(0, "Alpha beta."), _chunk(1, "Gamma delta.")])
    assert [c.id for c, _ in index.search("gamma", k=5)] == ["c1"]
    assert index.search("capital of France", k=5) == []


def test_an_empty_index_finds_nothing():
    assert KeywordIndex([]).search("anything", k=3) == []


def test_inflections_meet_on_one_stem():
    assert stem("responsibilities") == stem("responsibility")
    assert stem("managing") == stem("manage") == stem("management")
    assert stem("businesses") == stem("business")


def test_terms_drop_stop_words():
    assert terms("What is the role of the COO?") == [stem("role"), "coo"]


def test_the_names_written_in_capitals_are_the_corpus_named_terms():
    index = KeywordIndex([_chunk(0, "The COO works with the CEO. Key Results matter.")])
    assert index.named_terms == {"coo", "ceo"}
