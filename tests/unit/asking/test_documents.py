"""Which document a request about a whole document means."""

from __future__ import annotations

from assistant.asking.documents import DocumentInfo, named_document, quoted_units
from assistant.documents.chunking import Chunk, Unit
from assistant.indexing.statistics import KeywordIndex

DOCUMENTS = [
    DocumentInfo("normans.txt", "Normans", 40),
    DocumentInfo("coo.md", "Operations Manager vs COO", 9),
    DocumentInfo("sky.txt", "Sky (United Kingdom)", 30),
]


def test_a_request_naming_a_title_means_that_document():
    assert named_document("summarize the Normans article", DOCUMENTS).source == "normans.txt"


def test_a_request_naming_a_file_means_that_document():
    assert named_document("outline of sky.txt please", DOCUMENTS).source == "sky.txt"


def test_a_bare_request_names_no_document():
    assert named_document("sum it up pls", DOCUMENTS) is None


def test_a_verbatim_quote_in_an_answer_is_found_in_the_index():
    text = "Cats sleep most of the day. Dogs bark at the mail carrier."
    units = (Unit(0, 27, "sentence"), Unit(28, len(text), "sentence"))
    chunk = Chunk("c", "pets.md", "Pets", "Pets", 0, len(text), text, 0, units)
    found = quoted_units("Here: Dogs bark at the mail carrier. [1]", KeywordIndex([chunk]))
    assert [(c.source, i) for c, i in found] == [("pets.md", 1)]


def _article_statistics() -> KeywordIndex:
    from assistant.documents.chunking import chunk_document
    from assistant.documents.formats import parse_document
    from tests.support import ARTICLE

    document = parse_document(ARTICLE.read_bytes(), source=ARTICLE.name, kind="markdown")
    chunks = chunk_document(document, count_tokens=lambda t: len(t.split()), max_tokens=200)
    return KeywordIndex(chunks)


def test_a_request_naming_a_document_the_asker_has_none_of_says_which_name():
    from assistant.asking.documents import unknown_document

    assert unknown_document("Summarize Alice's Garden Notes", _article_statistics()) == (
        "Alice's Garden Notes"
    )


def test_a_topic_of_the_documents_or_their_title_is_not_an_unknown_document():
    from assistant.asking.documents import unknown_document

    statistics = _article_statistics()
    assert unknown_document("Summarize the part about the COO", statistics) == ""
    assert unknown_document("Outline Operations Manager vs COO", statistics) == ""
    assert unknown_document("Summarize the article", statistics) == ""
    assert unknown_document("sum it up", statistics) == ""
