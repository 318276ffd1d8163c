"""Services that go away: clear errors while they are gone, no restart needed when back."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant import Assistant, StoreUnavailableError
from tests.support import free_port, start_llama_server, start_server, stop

pytestmark = [pytest.mark.server, pytest.mark.slow]

CHROMA = str(Path(sys.executable).with_name("chroma"))


def _chroma(path: Path, port: int):
    return start_server(
        [CHROMA, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)], port
    )


def test_the_chroma_server_going_away_is_a_clear_error_and_coming_back_just_works(
    tmp_path, article_corpus, embeddings
):
    port, data = free_port(), tmp_path / "chroma-data"
    server = _chroma(data, port)
    bot = Assistant(
        article_corpus, embeddings=embeddings, chroma_host="127.0.0.1", chroma_port=port
    )
    try:
        assert not bot.answer("What does a COO do?").refused
        stop(server)
        with pytest.raises(StoreUnavailableError, match="the Chroma server at http"):
            bot.answer("Which role has more decision-making authority?")
        server = _chroma(data, port)
        reply = bot.answer("Which role has more decision-making authority?")
        assert not reply.refused and reply.citations
    finally:
        stop(server)


class _Garbage(BaseHTTPRequestHandler):
    """Answers every request with 200 and text that is not an OpenAI response."""

    def do_POST(self) -> None:
        body = b"<html>gateway error page</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


def test_an_endpoint_that_dies_or_talks_garbage_is_reported_and_recovers(
    article_corpus, article_index, embeddings
):
    pytest.importorskip("llama_cpp.server", reason="the server is part of the [local] extra")
    port = free_port()
    bot = Assistant(
        article_corpus,
        article_index,
        embeddings=embeddings,
        backend="openai",
        openai_base_url=f"http://127.0.0.1:{port}/v1",
        openai_model="smollm2",
        openai_timeout=5,
        openai_max_retries=0,
        sure_threshold=0.0,  # the model writes only sure answers; this tests its endpoint
    )
    question = "What does a COO do?"
    server = start_llama_server(port)
    try:
        assert not bot.answer(question).refused
    finally:
        stop(server)
    down = bot.answer(question)
    assert "Cannot reach" in down.notice
    assert down.fallback and down.citations  # the quotes still answer

    garbage = ThreadingHTTPServer(("127.0.0.1", port), _Garbage)
    thread = threading.Thread(target=garbage.serve_forever, daemon=True)
    thread.start()
    try:
        garbled = bot.answer(question)
        assert garbled.notice and "Traceback" not in garbled.notice
        assert garbled.fallback and garbled.citations
    finally:
        garbage.shutdown()
        garbage.server_close()

    server = start_llama_server(port)
    try:
        reply = bot.answer(question)
        assert not reply.refused and reply.citations
        assert not reply.notice
    finally:
        stop(server)
