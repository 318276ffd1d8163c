"""The openai backend against a real OpenAI-compatible server: llama-cpp-python's."""

from __future__ import annotations

import socket
import threading
import time

import pytest

pytest.importorskip("llama_cpp.server", reason="the server is part of the [local] extra")

from assistant import Assistant
from tests.support import free_port

pytestmark = [pytest.mark.server, pytest.mark.slow]

SECRET = "sk-test-secret-do-not-print"


@pytest.fixture
def endpoint_bot(article_corpus, article_index, embeddings):
    def make(base_url: str, **settings):
        return Assistant(
            article_corpus,
            article_index,
            embeddings=embeddings,
            backend="openai",
            openai_base_url=base_url,
            openai_model="smollm2",
            sure_threshold=0.0,  # the model writes only sure answers; these test the writing
            **settings,
        )

    return make


def test_the_endpoint_answers_with_grounded_citations(llama_server, endpoint_bot):
    bot = endpoint_bot(llama_server)
    reply = bot.answer("What does a COO do?")
    assert reply.backend == "openai"
    assert not reply.refused
    for citation in reply.citations:
        assert bot.document_text(citation.source)[citation.start : citation.end] == citation.quote


def test_the_endpoint_streams(llama_server, endpoint_bot):
    snapshots = list(
        endpoint_bot(llama_server).stream("Which role has more decision-making authority?")
    )
    assert len(snapshots) > 2
    assert snapshots[-1].complete
    assert "ttft" in snapshots[-1].timings


def test_a_dead_endpoint_gives_quotes_and_a_clear_notice_within_the_timeout(endpoint_bot):
    bot = endpoint_bot(f"http://127.0.0.1:{free_port()}/v1", openai_timeout=3, openai_max_retries=0)
    started = time.monotonic()
    reply = bot.answer("What does a COO do?")
    assert time.monotonic() - started < 15
    assert "Cannot reach the openai endpoint" in reply.notice
    assert reply.fallback and reply.citations


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: a hung endpoint."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_hung_endpoint_times_out_with_a_clear_error(silent_server, endpoint_bot):
    bot = endpoint_bot(silent_server, openai_timeout=2, openai_max_retries=0)
    started = time.monotonic()
    reply = bot.answer("What does a COO do?")
    assert time.monotonic() - started < 15
    assert "did not answer in time" in reply.notice
    assert reply.fallback and reply.citations


def test_the_api_key_never_appears_in_errors_or_settings(endpoint_bot):
    bot = endpoint_bot(
        f"http://127.0.0.1:{free_port()}/v1",
        openai_api_key=SECRET,
        openai_timeout=2,
        openai_max_retries=0,
    )
    reply = bot.answer("What does a COO do?")
    assert reply.notice
    assert SECRET not in reply.to_json()
    assert SECRET not in repr(bot.settings)
    assert SECRET not in str(bot.status())
