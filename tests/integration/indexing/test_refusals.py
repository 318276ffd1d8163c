"""A file the index refuses costs once: remembered by its digest with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from assistant.documents.corpus import DocumentFile
from tests.support import ARTICLE, article_copy

LIMIT = 12
"""Passages one document may have here (ASSISTANT_MAX_DOCUMENT_CHUNKS)."""


def _one_line(words: int) -> str:
    return " ".join(f"word{n % 97}" for n in range(words))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = article_copy(tmp_path)
    # One line of far more words than LIMIT passages hold.
    (folder / "one-line.txt").write_text(_one_line(LIMIT * 400))
    return folder


def _assistant(corpus: Path, embeddings, **settings) -> Assistant:
    settings = {"max_document_chunks": LIMIT, **settings}
    return Assistant(corpus, corpus.parent / "index", embeddings=embeddings, **settings)


def _never_read(monkeypatch) -> None:
    def read(self, limits):
        raise AssertionError(f"{self.source} was read again")

    monkeypatch.setattr(DocumentFile, "read", read)


def test_a_document_too_long_is_refused_by_its_word_count_before_it_is_tokenized(
    corpus, embeddings, monkeypatch
):
    bot = _assistant(corpus, embeddings)
    bot.index()  # the article: the model's tokenizer is in use from here on
    (corpus / "one-line.txt").write_text(_one_line(LIMIT * 500))
    tokenized: list[int] = []
    original = type(embeddings).token_ends
    monkeypatch.setattr(
        type(embeddings),
        "token_ends",
        lambda self, text: tokenized.append(len(text)) or original(self, text),
    )
    (skipped,) = bot.index().skipped
    assert skipped.source == "one-line.txt"
    assert "at least" in skipped.reason and "ASSISTANT_MAX_DOCUMENT_CHUNKS" in skipped.reason
    assert tokenized == []


def test_a_refused_file_is_not_read_again_by_a_later_sync(corpus, embeddings, monkeypatch):
    first = _assistant(corpus, embeddings).index()
    _never_read(monkeypatch)
    later = _assistant(corpus, embeddings).index()  # another process, the same index
    assert later.skipped == first.skipped
    assert later.added == 0


def test_the_document_list_says_why_a_refused_file_is_not_searchable(corpus, embeddings):
    bot = _assistant(corpus, embeddings)
    bot.index()
    refused = bot.library.refused()
    assert list(refused) == ["one-line.txt"]
    assert "ASSISTANT_MAX_DOCUMENT_CHUNKS" in refused["one-line.txt"]
    assert ARTICLE.name not in refused


def test_a_changed_file_is_tried_again(corpus, embeddings):
    bot = _assistant(corpus, embeddings)
    bot.index()
    (corpus / "one-line.txt").write_text("A short note. It now fits.\n")
    report = bot.index()
    assert report.skipped == ()
    assert bot.library.refused() == {}


def test_other_limits_try_every_refused_file_again(corpus, embeddings):
    _assistant(corpus, embeddings).index()
    report = _assistant(corpus, embeddings, max_document_chunks=100_000).index()
    assert report.skipped == ()


def test_a_removed_file_is_forgotten(corpus, embeddings):
    bot = _assistant(corpus, embeddings)
    bot.index()
    (corpus / "one-line.txt").unlink()
    bot.index()
    assert bot.library.refused() == {}


def test_a_rebuild_tries_every_file_again(corpus, embeddings, monkeypatch):
    bot = _assistant(corpus, embeddings)
    bot.index()
    reads: list[str] = []
    original = DocumentFile.read

    def read(self, limits):
        reads.append(self.source)
        return original(self, limits)

    monkeypatch.setattr(DocumentFile, "read", read)
    report = bot.index(rebuild=True)
    assert "one-line.txt" in reads
    assert [s.source for s in report.skipped] == ["one-line.txt"]


def test_a_damaged_record_of_refusals_costs_a_new_try_not_an_error(corpus, embeddings):
    _assistant(corpus, embeddings).index()
    (corpus.parent / "index" / "refused.json").write_text("{not json")
    report = _assistant(corpus, embeddings).index()
    assert [s.source for s in report.skipped] == ["one-line.txt"]


def test_the_documents_tab_lists_a_refused_file_apart_with_its_reason(corpus, embeddings):
    from assistant.app.status import documents_text

    bot = _assistant(corpus, embeddings)
    bot.index()
    indexed, refused = documents_text(bot).split("**Not searchable**")
    assert ARTICLE.name in indexed and "one-line.txt" not in indexed
    assert "one-line.txt" in refused and "split it into smaller files" in refused
    assert refused.count("one-line.txt") == 1  # the reason names it; the list does not again
