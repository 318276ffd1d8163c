"""Only the backends the operator enabled are offered; any other is refused before a
connection is made (a visitor cannot make the server call an endpoint it chose not to use)."""

from __future__ import annotations

import socket

import pytest

from assistant.errors import BackendError


@pytest.fixture
def listener():
    """A loopback port that records whether anything connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    yield server
    server.close()


def _connected(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except TimeoutError:
        return False
    return True


def test_a_backend_the_operator_did_not_enable_is_refused_without_a_connection(
    article_corpus, article_index, embeddings, listener, monkeypatch
):
    from assistant import Assistant

    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-visitors")
    port = listener.getsockname()[1]
    bot = Assistant(
        article_corpus,
        article_index,
        embeddings=embeddings,
        openai_base_url=f"http://127.0.0.1:{port}/v1",
    )
    with pytest.raises(BackendError, match="not enabled"):
        bot.answer("What does a COO do?", backend="openai")
    assert not _connected(listener)


def test_an_enabled_backend_is_offered(article_corpus, article_index, embeddings):
    from assistant import Assistant

    bot = Assistant(article_corpus, article_index, embeddings=embeddings, backends=["extractive"])
    assert bot.settings.enabled_backends == ["extractive"]
    assert not bot.answer("What does a COO do?", backend="extractive").refused
    with pytest.raises(BackendError, match="not enabled"):
        bot.answer("What does a COO do?", backend="local")
