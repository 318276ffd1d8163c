"""Building, updating and opening the Chroma index with the real embedding model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant, IndexCorruptError, IndexMismatchError
from tests.support import ARTICLE


@pytest.fixture
def fresh(tmp_path: Path, embeddings):
    """An assistant over a private copy of the article, with its own index."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    return Assistant(corpus, tmp_path / "index", embeddings=embeddings)


def test_a_first_build_embeds_every_chunk(fresh):
    report = fresh.index()
    assert report.added == report.chunks > 0
    assert fresh.store.count() == report.chunks


def test_reindexing_an_unchanged_corpus_embeds_nothing(fresh):
    fresh.index()
    again = fresh.index()
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)
    assert again.unchanged_documents == 1


def test_a_new_file_is_added_without_re_embedding_the_others(fresh):
    first = fresh.index()
    (fresh.settings.corpus_dir / "extra.md").write_text("# Extra\n\nA CFO manages finances.\n")
    report = fresh.index()
    assert report.added == 1
    assert report.unchanged_documents == 1
    assert fresh.store.count() == first.chunks + 1


def test_editing_a_file_re_embeds_only_its_changed_chunks(fresh):
    first = fresh.index()
    path = fresh.settings.corpus_dir / ARTICLE.name
    path.write_text(
        path.read_text().replace(
            "Collaboration between these roles", "Teamwork between these roles"
        )
    )
    report = fresh.index()
    assert report.added == 1
    assert report.deleted == 1
    assert report.updated == first.chunks - 1
    assert fresh.store.count() == first.chunks


def test_a_removed_file_loses_its_chunks(fresh):
    fresh.index()
    (fresh.settings.corpus_dir / ARTICLE.name).unlink()
    (fresh.settings.corpus_dir / "other.md").write_text("Something else entirely.\n")
    report = fresh.index()
    assert report.deleted > 0
    assert fresh.store.sources() == {"other.md": 1}


def test_a_sentence_repeated_across_passages_is_stored_once(fresh):
    (fresh.settings.corpus_dir / "notes.txt").write_text(
        "".join(f"Always check the log. Step {n} is next.\n\n" for n in range(50))
    )
    fresh.index()
    units = fresh.store.collection.get(where={"$and": [{"kind": "unit"}, {"source": "notes.txt"}]})
    assert len(units["ids"]) == 51  # the shared sentence once, and 50 distinct steps


def test_a_repeated_sentence_stays_findable_when_its_first_passage_is_removed(fresh):
    notes = fresh.settings.corpus_dir / "notes.txt"
    notes.write_text("Zebra crossings need paint. First.\n\nZebra crossings need paint. Second.\n")
    fresh.index()
    notes.write_text("Zebra crossings need paint. Second.\n")
    fresh.index()
    assert fresh.index().changed is False
    hit = fresh.retriever.invoke("Zebra crossings need paint")[0]
    assert hit.metadata["source"] == "notes.txt"
    assert hit.page_content == "Zebra crossings need paint. Second."


def test_sentences_are_searched_and_passages_are_stored_apart(fresh):
    fresh.index()
    units = fresh.store.collection.get(include=["metadatas"])["metadatas"]
    passages = fresh.store.passages.get(include=["metadatas"])["metadatas"]
    assert {m["kind"] for m in units} == {"unit"}
    assert {m["kind"] for m in passages} == {"chunk"}
    assert len(units) > len(passages)


def test_search_fills_k_distinct_passages_when_sentences_crowd_into_few(fresh):
    fresh.index()
    total = fresh.store.count()
    vector = fresh.embeddings.encode_query("What does a COO do?")
    hits = fresh.store.search(vector, total)
    assert len({h.chunk.id for h in hits}) == total


def test_a_file_that_became_unreadable_keeps_its_previous_chunks(fresh):
    first = fresh.index()
    (fresh.settings.corpus_dir / ARTICLE.name).write_bytes(b"\xff\xfe broken \x00")
    report = fresh.index()
    assert [s.source for s in report.skipped] == [ARTICLE.name]
    assert report.deleted == 0
    assert fresh.store.count() == first.chunks


def test_the_index_persists_on_disk_between_assistants(fresh, embeddings):
    built = fresh.index()
    reopened = Assistant(fresh.settings.corpus_dir, fresh.settings.index_dir, embeddings=embeddings)
    assert reopened.store.count() == built.chunks
    assert reopened.index().added == 0


@pytest.fixture
def other_model(fresh, embeddings, tmp_path) -> tuple[Assistant, Path]:
    """The same corpus and index opened with a differently named model (a copy of the folder)."""
    fresh.index()
    folder = tmp_path / "other-model"
    shutil.copytree(embeddings.path, folder)
    other = Assistant(
        fresh.settings.corpus_dir,
        fresh.settings.index_dir,
        embedding_model=str(folder),
        cache_dir=tmp_path / "cache",  # its ONNX export is named by its folder: kept in here
    )
    return other, folder


def test_an_index_built_with_another_model_is_a_clear_error(other_model):
    other, folder = other_model
    with pytest.raises(IndexMismatchError) as error:
        other.store.count()
    message = str(error.value)
    assert "sentence-transformers/all-MiniLM-L6-v2" in message
    assert str(folder) in message
    assert "assistant index --rebuild" in message


def test_rebuild_replaces_an_index_built_with_another_model(other_model):
    other, _ = other_model
    report = other.index(rebuild=True)
    assert report.added == report.chunks
    assert other.store.count() == report.chunks


def test_a_corrupt_index_is_detected_and_rebuild_repairs_it(tmp_path, embeddings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    index = tmp_path / "index"
    index.mkdir()
    (index / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    broken = Assistant(corpus, index, embeddings=embeddings)
    with pytest.raises(IndexCorruptError, match="assistant index --rebuild"):
        broken.store.count()
    repaired = Assistant(corpus, index, embeddings=embeddings)
    report = repaired.index(rebuild=True)
    assert repaired.store.count() == report.chunks > 0


def test_the_first_question_builds_a_missing_index(fresh):
    reply = fresh.answer("What does a COO do?")
    assert not reply.refused
    assert fresh.store.count() > 0


def test_a_document_over_the_passage_limit_is_skipped_with_a_message(tmp_path, embeddings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    items = "\n".join(f"- Item number {n} of a very long list" for n in range(400))
    (corpus / "list.md").write_text(f"# A list\n\nThe list includes:\n\n{items}\n")
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings, max_document_chunks=12)
    report = bot.index()
    (skipped,) = report.skipped
    assert skipped.source == "list.md" and "ASSISTANT_MAX_DOCUMENT_CHUNKS" in skipped.reason
    assert not bot.answer("What does a COO do?").refused  # the rest is indexed


class _Counting:
    """The real embedding model, counting the words of every text it embeds."""

    def __init__(self, embeddings) -> None:
        self._embeddings = embeddings
        self.words = 0

    def __getattr__(self, name):
        return getattr(self._embeddings, name)

    def encode(self, texts):
        self.words += sum(len(t.split()) for t in texts)
        return self._embeddings.encode(texts)


def test_a_long_lists_lead_in_is_embedded_once_not_once_per_item(tmp_path, embeddings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    leadin = " ".join(f"word{n}" for n in range(150)) + " include:"
    items = "\n".join(f"- item {n}" for n in range(400))
    (corpus / "list.md").write_text(f"# A list\n\n{leadin}\n\n{items}\n")
    counting = _Counting(embeddings)
    bot = Assistant(corpus, tmp_path / "index", embeddings=counting)
    bot.index()
    # The items' own words, and the lead-in a few times (once per passage it heads),
    # never 400 times: the cost grows with the text, not with its list structure.
    assert counting.words < 400 * 2 + 20 * 151


def test_a_list_item_is_found_by_what_its_lead_in_says(tmp_path, embeddings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "travel.md").write_text(
        "# Travel\n\nThe travel desk books trains for these destinations:\n\n"
        "- Lisbon\n- Porto\n- Madrid\n\n# Kitchen\n\nThe kitchen closes at six every evening.\n"
    )
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    bot.index()
    (hit, *_) = bot.store.search(
        embeddings.encode_query("Which destinations does the travel desk book trains to?"), 1
    )
    assert hit.chunk.section == "Travel"
