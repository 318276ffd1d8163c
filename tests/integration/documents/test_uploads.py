"""Adding documents: PDFs with page numbers, uploads indexed, bad files refused."""

from __future__ import annotations

import shutil

import pytest

from assistant import Assistant
from assistant.indexing.store import SCHEMA_VERSION
from tests.support import ARTICLE, make_pdf


@pytest.fixture
def fresh(tmp_path, embeddings) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    bot.ensure_index()
    return bot


def test_a_pdf_answer_cites_its_page(fresh, tmp_path):
    pdf = tmp_path / "handbook.pdf"
    pdf.write_bytes(
        make_pdf(
            [
                "Staff handbook\nWelcome to the company.",
                "Travel policy\nThe travel desk books every flight at least two weeks ahead.",
            ]
        )
    )
    result, report = fresh.add_documents([("handbook.pdf", pdf)])
    assert report is not None and report.added > 0
    reply = fresh.answer("When does the travel desk book flights?")
    assert not reply.refused
    citation = reply.citations[0]
    assert citation.source == result.stored[0]
    assert citation.page == 2
    assert fresh.document_text(citation.source)[citation.start : citation.end] == citation.quote


def test_added_documents_become_searchable_and_bad_ones_change_nothing(fresh, tmp_path):
    good, bad = tmp_path / "offsite.md", tmp_path / "junk.txt"
    good.write_text("# Offsite\n\nThe offsite this year is in Lisbon, organised by Zorblax.\n")
    bad.write_bytes(b"\x00\x01\x02 binary")
    before = fresh.store.sources()
    result, report = fresh.add_documents([("offsite.md", good), ("junk.txt", bad)])
    assert [r.name for r in result.rejected] == ["junk.txt"]
    assert report is not None
    after = fresh.store.sources()
    assert set(after) - set(before) == set(result.stored)
    assert "Zorblax" in fresh.answer("Who organises the offsite?").text


def test_only_bad_files_leave_the_index_untouched(fresh, tmp_path):
    bad = tmp_path / "junk.exe"
    bad.write_bytes(b"MZ")
    revision = fresh.store.revision()
    result, report = fresh.add_documents([("junk.exe", bad)])
    assert report is None
    assert result.rejected
    assert fresh.store.revision() == revision


def test_an_index_written_by_an_older_layout_is_rebuilt_on_first_use(fresh, embeddings):
    collection = fresh.store.collection
    collection.modify(metadata={**collection.metadata, "schema_version": 1})
    again = Assistant(fresh.settings.corpus_dir, fresh.settings.index_dir, embeddings=embeddings)
    assert not again.answer("What does a COO do?").refused
    assert again.store.collection.metadata["schema_version"] == SCHEMA_VERSION


def test_the_same_file_uploaded_twice_is_indexed_once(fresh, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# Offsite\n\nZorblax Quimby plans the quarterly offsite in Lisbon.\n")
    copy = tmp_path / "notes-copy.md"
    copy.write_bytes(notes.read_bytes())
    fresh.add_documents([("notes.md", notes)])
    before = fresh.store.count()
    result, report = fresh.add_documents([("notes-copy.md", copy)])
    assert result.stored == () and report is None
    assert [d.name for d in result.duplicates] == ["notes-copy.md"]
    assert fresh.store.count() == before
    reply = fresh.answer("Who plans the quarterly offsite?")
    assert len({c.quote for c in reply.citations}) == len(reply.citations)


def test_a_stored_upload_never_indexed_is_indexed_when_uploaded_again(fresh, tmp_path):
    # As when its job could not be queued: the file is in the corpus folder, not the index.
    notes = tmp_path / "notes.md"
    notes.write_text("# Offsite\n\nZorblax Quimby plans the quarterly offsite in Lisbon.\n")
    uploads = fresh.settings.corpus_dir / "uploads"
    uploads.mkdir(exist_ok=True)
    shutil.copy(notes, uploads / "notes-0a1b2c3d.md")
    result, report = fresh.add_documents([("notes.md", notes)])
    assert [d.existing for d in result.unindexed] == ["uploads/notes-0a1b2c3d.md"]
    assert result.duplicates == () and report is not None
    assert "not yet searchable" in result.summary()
    assert "uploads/notes-0a1b2c3d.md" in fresh.library.sources()
    assert len(list(uploads.iterdir())) == 1  # stored once


def test_a_removed_upload_is_never_cited_again(fresh, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# Offsite\n\nZorblax Quimby plans the quarterly offsite in Lisbon.\n")
    (source,) = fresh.add_documents([("notes.md", notes)])[0].stored
    assert fresh.answer("Who plans the quarterly offsite?").citations[0].source == source
    report = fresh.remove_document(source)
    assert report.deleted > 0
    assert not (fresh.settings.corpus_dir / source).exists()
    assert source not in fresh.store.sources()
    reply = fresh.answer("Who plans the quarterly offsite?")
    assert all(c.source != source for c in reply.citations)


def test_only_an_upload_can_be_removed(fresh):
    from assistant import DocumentError

    with pytest.raises(DocumentError, match="only uploads"):
        fresh.remove_document("operations-manager-vs-coo.md")
    assert (fresh.settings.corpus_dir / "operations-manager-vs-coo.md").exists()


def test_an_upload_past_the_corpus_size_limit_is_refused_with_a_message(tmp_path, embeddings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    limit = ARTICLE.stat().st_size + 100
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings, max_corpus_bytes=limit)
    small, large = tmp_path / "small.md", tmp_path / "large.md"
    small.write_text("# Small\n\nA CFO manages finances.\n")
    large.write_text("# Large\n\n" + "A CFO manages budgets and forecasts. " * 40)
    result, _ = bot.add_documents([("small.md", small), ("large.md", large)])
    assert len(result.stored) == 1
    (rejected,) = result.rejected
    assert rejected.name == "large.md" and "ASSISTANT_MAX_CORPUS_BYTES" in rejected.reason
