"""Private uploads: listed to, searched for and quoted for their owner alone."""

from __future__ import annotations

import shutil
from typing import NamedTuple

import pytest

from assistant import Assistant
from assistant.documents.access import EVERYONE, Viewer
from assistant.errors import DocumentError
from tests.support import ARTICLE

BOB = Viewer("bob", "user")
CAROL = Viewer("carol", "user")
ADMIN = Viewer("ada", "admin")
SECRET = (
    "# Quokka project\n\n"
    "The Quokka project budget is forty-two thousand euros. "
    "Wilhelmina Zed approved the Quokka project budget in March.\n"
)
QUESTION = "Who approved the Quokka project budget?"


class Shared(NamedTuple):
    bot: Assistant
    private_source: str
    """Bob's upload."""


@pytest.fixture(params=["exact", "approximate"])
def shared(request, tmp_path, embeddings):
    """The article, and Bob's private upload, searched exactly or by Chroma's HNSW graph."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    limit = 100_000 if request.param == "exact" else 0
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings, exact_search_max_units=limit)
    bot.ensure_index()
    upload = tmp_path / "quokka.md"
    upload.write_text(SECRET)
    result, _ = bot.add_documents([("quokka.md", upload)], viewer=BOB)
    return Shared(bot, result.stored[0])


def test_a_users_upload_is_stored_in_their_private_folder(shared):
    assert shared.private_source.startswith(BOB.upload_folder + "/")


def test_the_owner_is_answered_from_their_private_upload(shared):
    reply = shared.bot.answer(QUESTION, viewer=BOB)
    assert not reply.refused
    assert "Wilhelmina Zed" in reply.text
    assert reply.citations[0].source == shared.private_source


@pytest.mark.parametrize("viewer", [CAROL, ADMIN, EVERYONE], ids=["user", "admin", "local"])
def test_nobody_else_is_answered_from_it(shared, viewer):
    reply = shared.bot.answer(QUESTION, viewer=viewer)
    assert "Wilhelmina" not in reply.text
    assert all(c.source != shared.private_source for c in reply.citations)


@pytest.mark.parametrize("viewer", [CAROL, ADMIN, EVERYONE], ids=["user", "admin", "local"])
def test_nobody_else_sees_it_listed(shared, viewer):
    assert shared.private_source not in shared.bot.library.sources(viewer)
    assert shared.private_source not in shared.bot.library.removable(viewer)
    assert shared.bot.status(viewer=viewer)["documents"] == 1


def test_a_summary_for_someone_else_leaves_it_out(shared):
    reply = shared.bot.answer("Summarize the documents", viewer=CAROL)
    assert "Quokka" not in reply.text
    assert all(c.source != shared.private_source for c in reply.citations)


def test_nobody_else_can_read_or_remove_it(shared):
    with pytest.raises(DocumentError):
        shared.bot.document_text(shared.private_source, CAROL)
    with pytest.raises(DocumentError, match="not one of your uploads"):
        shared.bot.remove_document(shared.private_source, viewer=CAROL)
    with pytest.raises(DocumentError, match="not one of your uploads"):
        shared.bot.remove_document(shared.private_source, viewer=ADMIN)


def test_the_same_file_from_someone_else_is_stored_for_them_without_naming_the_first(
    shared, tmp_path
):
    copy = tmp_path / "copy.md"
    copy.write_text(SECRET)
    result, _ = shared.bot.add_documents([("copy.md", copy)], viewer=CAROL)
    assert not result.duplicates  # "already in the corpus as private/bob-..." would leak it
    assert result.stored[0].startswith(CAROL.upload_folder + "/")
    assert shared.bot.answer(QUESTION, viewer=CAROL).citations[0].source == result.stored[0]


def test_the_owner_can_remove_it_and_it_leaves_the_index(shared):
    shared.bot.remove_document(shared.private_source, viewer=BOB)
    assert shared.private_source not in shared.bot.store.sources()
    assert "Wilhelmina" not in shared.bot.answer(QUESTION, viewer=BOB).text
