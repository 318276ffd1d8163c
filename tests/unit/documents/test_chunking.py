"""Chunks follow the document's structure and point at exact text."""

from __future__ import annotations

import pytest

from assistant.documents.budget import SEGMENT_CHARS, least_chunks
from assistant.documents.chunking import LEADIN_WORDS, chunk_document
from assistant.documents.formats import parse_document
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from tests.support import ARTICLE, SOURCE_ARTICLE

MAX_TOKENS = 200


@pytest.fixture(scope="module")
def count_tokens():
    # Only the tokenizer file is read; the model itself is not loaded.
    return SentenceTransformerEmbeddings("all-MiniLM-L6-v2").count_tokens


def _doc(text: str, kind: str = "markdown", source: str = "doc.md"):
    return parse_document(text.encode(), source=source, kind=kind)


def _article_chunks(count_tokens):
    doc = parse_document(ARTICLE.read_bytes(), source=ARTICLE.name, kind="markdown")
    return doc, chunk_document(doc, count_tokens=count_tokens, max_tokens=MAX_TOKENS)


def test_every_chunk_is_the_exact_source_text_at_its_offsets(count_tokens):
    doc, chunks = _article_chunks(count_tokens)
    assert chunks
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        for unit in chunk.units:
            assert chunk.start <= unit.start < unit.end <= chunk.end


def test_no_chunk_straddles_two_sections(count_tokens):
    doc, chunks = _article_chunks(count_tokens)
    for chunk in chunks:
        assert "\n#" not in chunk.text
        assert chunk.section in doc.text
    sections = [c.section for c in chunks]
    assert sections.count("Key Differences Between Operations Manager and COO") == 1


def test_a_lead_in_line_stays_with_its_bullets(count_tokens):
    _, chunks = _article_chunks(count_tokens)
    (coo_list,) = [c for c in chunks if c.text.startswith("Key responsibilities of a COO include:")]
    assert coo_list.text.endswith("Collaborating with the CEO and other C-suite executives")
    assert [u.kind for u in coo_list.units] == ["leadin"] + ["item"] * 5


def test_chunks_and_their_embedded_units_stay_under_the_embedding_window(count_tokens):
    _, chunks = _article_chunks(count_tokens)
    assert all(count_tokens(c.text) <= MAX_TOKENS for c in chunks)
    assert all(count_tokens(c.unit_embed_text(u)) <= MAX_TOKENS for c in chunks for u in c.units)


def test_chunk_ids_are_content_hashes_so_rechunking_is_idempotent(count_tokens):
    _, first = _article_chunks(count_tokens)
    _, second = _article_chunks(count_tokens)
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)


def test_editing_one_paragraph_changes_only_that_chunks_id(count_tokens):
    text = "# T\n\n## A\n\nFirst paragraph.\n\n## B\n\nSecond paragraph.\n"
    before = chunk_document(_doc(text), count_tokens=count_tokens, max_tokens=MAX_TOKENS)
    after = chunk_document(
        _doc(text.replace("Second", "Changed")), count_tokens=count_tokens, max_tokens=MAX_TOKENS
    )
    assert before[0].id == after[0].id
    assert before[1].id != after[1].id


def test_a_long_paragraph_is_split_between_sentences(count_tokens):
    sentences = "".join(
        f"The operations manager coordinates activity {n} across the company every day. "
        for n in range(40)
    )
    doc = _doc("# Long\n\n" + sentences)
    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=100)
    assert len(chunks) > 1
    for chunk in chunks:
        assert count_tokens(chunk.text) <= 100
        assert chunk.text.endswith(".")


def test_a_long_list_keeps_its_lead_in_as_context_in_every_piece(count_tokens):
    items = "\n".join(
        f"- Responsibility number {i} involves several detailed tasks" for i in range(60)
    )
    doc = _doc(f"# Duties\n\nDuties include:\n\n{items}\n")
    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=120)
    assert len(chunks) > 1
    assert chunks[0].text.startswith("Duties include:")
    assert all(c.leadin_text() == "Duties include:" for c in chunks)
    items = [u for c in chunks for u in c.units if u.kind == "item"]
    assert all(
        c.unit_embed_text(u).startswith("Duties include: Responsibility")
        for c in chunks
        for u in c.units
        if u.kind == "item"
    )
    assert len(items) == 60


def test_an_item_is_embedded_with_only_the_end_of_a_long_lead_in(count_tokens):
    leadin = " ".join(f"word{i}" for i in range(150)) + " include:"
    doc = _doc(f"# Duties\n\n{leadin}\n\n- Planning\n- Hiring\n")
    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=2000)
    chunk, item = next((c, u) for c in chunks for u in c.units if u.kind == "item")
    embedded = chunk.unit_embed_text(item)
    assert embedded.endswith("word149 include: Planning")
    assert "word100" not in embedded and len(embedded.split()) == LEADIN_WORDS + 2


def test_plain_text_with_one_line_per_block_finds_headings_and_lists(count_tokens):
    doc = parse_document(SOURCE_ARTICLE.read_bytes(), source="article.txt", kind="text")
    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=MAX_TOKENS)
    sections = {c.section for c in chunks}
    assert "The Role of a Chief Operating Officer (COO)" in sections
    (coo_list,) = [c for c in chunks if c.text.startswith("Key responsibilities of a COO include:")]
    assert len(coo_list.units) == 6


def test_paragraphs_separated_by_blank_lines_are_separate_chunks(count_tokens):
    doc = _doc("First paragraph here.\n\nSecond paragraph here.\n", kind="text", source="p.txt")
    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=MAX_TOKENS)
    assert [c.text for c in chunks] == ["First paragraph here.", "Second paragraph here."]


def test_a_passage_repeated_verbatim_is_chunked_once_where_it_first_appears(count_tokens):
    text = "Same words again.\n\nSomething new.\n\nSame words again.\n"
    chunks = chunk_document(
        _doc(text, kind="text", source="r.txt"), count_tokens=count_tokens, max_tokens=MAX_TOKENS
    )
    assert [(c.text, c.start) for c in chunks] == [("Same words again.", 0), ("Something new.", 19)]


def test_a_sentence_repeated_in_a_document_has_one_unit_record_id(count_tokens):
    text = "Always check the log. First step.\n\nAlways check the log. Second step.\n"
    doc = _doc(text, kind="text", source="r.txt")
    first, second = chunk_document(doc, count_tokens=count_tokens, max_tokens=MAX_TOKENS)
    assert first.unit_ids[0] == second.unit_ids[0]
    assert first.unit_ids[1] != second.unit_ids[1]


def test_the_same_sentence_in_two_documents_has_two_unit_record_ids(count_tokens):
    ids = [
        chunk_document(
            _doc("Shared line.\n", source=name), count_tokens=count_tokens, max_tokens=MAX_TOKENS
        )[0].unit_ids[0]
        for name in ("a.md", "b.md")
    ]
    assert ids[0] != ids[1]


def test_a_chunk_travels_through_a_langchain_document_and_back(count_tokens):
    from assistant.documents.chunking import chunk_from_document, chunk_to_document

    _, chunks = _article_chunks(count_tokens)
    for chunk in chunks:
        document = chunk_to_document(chunk, similarity=0.5)
        assert document.page_content == chunk.text
        assert document.metadata["similarity"] == 0.5
        back = chunk_from_document(document)
        assert (back.id, back.units, back.start, back.section) == (
            chunk.id,
            chunk.units,
            chunk.start,
            chunk.section,
        )


@pytest.fixture(scope="module")
def token_ends():
    return SentenceTransformerEmbeddings("all-MiniLM-L6-v2").token_ends


def _one_line(words: int) -> str:
    return " ".join(f"w{n}" for n in range(words))  # no two passages alike


def test_a_line_of_many_segments_is_tokenized_a_segment_at_a_time(count_tokens, token_ends):
    doc = _doc(_one_line(30_000), kind="text", source="line.txt")
    tokenized: list[int] = []

    def ends(text: str) -> list[int]:
        tokenized.append(len(text))
        return token_ends(text)

    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=MAX_TOKENS, token_ends=ends)
    assert len(tokenized) > 1 and max(tokenized) <= 2 * SEGMENT_CHARS
    # Every word is in exactly one chunk, in order, and every chunk fits.
    assert " ".join(c.text for c in chunks) == doc.text
    assert max(count_tokens(c.text) for c in chunks) <= MAX_TOKENS


def test_least_chunks_never_counts_more_chunks_than_a_document_makes(count_tokens):
    for text in (_one_line(5_000), ARTICLE.read_text()):
        doc = _doc(text, kind="text", source="t.txt")
        made = chunk_document(doc, count_tokens=count_tokens, max_tokens=MAX_TOKENS)
        assert 0 < least_chunks(doc.text, MAX_TOKENS) <= len(made)
