"""One visitor's slow file does not hold another's upload: files are read before the
index lock, by a small pool of reader processes."""

from __future__ import annotations

import threading
import time

import pytest

from assistant import Assistant
from assistant.indexing import sync
from tests.support import article_copy, make_pdf


def test_a_small_upload_is_indexed_while_a_slow_pdf_is_still_being_read(tmp_path, embeddings):
    corpus = article_copy(tmp_path)
    # Refused once read (more passages than allowed), so its cost is the reading alone.
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings, max_document_chunks=100)
    bot.index()
    # A slow PDF put in the corpus folder, read by a full sync (`assistant index`, the
    # worker's periodic one) while a visitor uploads a small file.
    (corpus / "slow.pdf").write_bytes(
        make_pdf([f"Zebra page {n} of the quarterly numbers." for n in range(2000)])
    )
    small = tmp_path / "small.md"
    small.write_text("# Lighthouse\n\nThe lighthouse was built by Ada Quill in 1871.\n")
    finished: dict[str, float] = {}

    def sync() -> None:
        bot.index()
        finished["sync"] = time.monotonic()

    reading = threading.Thread(target=sync)
    reading.start()
    time.sleep(0.5)  # the PDF is being read
    bot.add_documents([(small.name, small)])
    finished["upload"] = time.monotonic()
    reading.join(timeout=300)
    assert finished["upload"] < finished["sync"]
    assert "Ada Quill" in bot.answer("Who built the lighthouse?").text


@pytest.fixture
def indexed(tmp_path, embeddings) -> Assistant:
    """An assistant over a copy of the article, its index built."""
    corpus = article_copy(tmp_path)
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    bot.index()
    return bot


def _scans(monkeypatch) -> list[int]:
    """One entry for each time a sync reads everything the index holds."""
    scans: list[int] = []
    original = sync.indexed_by_source
    monkeypatch.setattr(sync, "indexed_by_source", lambda store: scans.append(1) or original(store))
    return scans


def test_a_sync_reads_what_the_index_holds_once_when_nothing_wrote_meanwhile(indexed, monkeypatch):
    scans = _scans(monkeypatch)
    note = indexed.settings.corpus_dir / "note.md"
    note.write_text("# Note\n\nThe lighthouse was built by Ada Quill.\n")
    assert indexed.index().added > 0
    assert len(scans) == 1


def test_a_write_between_reading_and_the_lock_is_seen(indexed, monkeypatch):
    prepare = sync.Indexer._prepare

    def prepared_then_written(self, corpus):
        found = prepare(self, corpus)
        self.store.bump_revision()  # another writer, before this sync takes the lock
        return found

    monkeypatch.setattr(sync.Indexer, "_prepare", prepared_then_written)
    scans = _scans(monkeypatch)
    indexed.index()
    assert len(scans) == 2
