"""Server mode: the assistant against a real `chroma run` server on loopback."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from assistant import Assistant, StoreUnavailableError
from tests.support import free_port

pytestmark = [pytest.mark.server, pytest.mark.slow]

CHROMA = str(Path(sys.executable).with_name("chroma"))


@pytest.fixture
def chroma_server(run_server, tmp_path):
    if shutil.which(CHROMA) is None:
        pytest.fail(f"the chroma command is not installed next to {sys.executable}")
    port = free_port()
    run_server(
        [
            CHROMA,
            "run",
            "--path",
            str(tmp_path / "chroma-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        port,
    )
    return port


def test_the_assistant_indexes_and_answers_through_a_chroma_server(
    chroma_server, article_corpus, embeddings, tmp_path
):
    bot = Assistant(
        article_corpus,
        tmp_path / "unused-index",
        embeddings=embeddings,
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
    )
    report = bot.index()
    assert report.added == report.chunks > 0
    reply = bot.answer("What are the key responsibilities of a COO?")
    assert not reply.refused
    assert "Developing and implementing business strategies" in reply.text
    assert not (tmp_path / "unused-index").exists()


def test_a_second_client_sees_the_servers_index_without_re_embedding(
    chroma_server, article_corpus, embeddings
):
    settings = {"chroma_host": "127.0.0.1", "chroma_port": chroma_server}
    Assistant(article_corpus, embeddings=embeddings, **settings).index()
    again = Assistant(article_corpus, embeddings=embeddings, **settings).index()
    assert again.added == 0
    assert again.unchanged_documents == 1


def test_no_server_listening_is_a_clear_error(article_corpus, embeddings):
    bot = Assistant(
        article_corpus, embeddings=embeddings, chroma_host="127.0.0.1", chroma_port=free_port()
    )
    with pytest.raises(StoreUnavailableError, match="Cannot reach the Chroma server"):
        bot.index()
