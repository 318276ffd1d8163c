"""The app's defences: sign-in when configured, upload limits on the server, no secret shown."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.support import PYTHON, REPO, app_env, free_port, server_log

pytestmark = [pytest.mark.server, pytest.mark.slow]

SECRET = "sk-live-do-not-show-0123456789"


@pytest.fixture
def start_app(article_corpus, article_index, run_server):
    def start(**env: str) -> tuple[str, object]:
        port = free_port()
        process = run_server(
            [PYTHON, "ui.py"],
            port,
            env=app_env(article_corpus, article_index, port, **env),
        )
        return f"http://127.0.0.1:{port}/", process

    return start


class _RejectsTheKey(BaseHTTPRequestHandler):
    """An OpenAI-style endpoint that answers 401 and quotes the key it was sent."""

    def do_POST(self) -> None:
        key = self.headers.get("Authorization", "").removeprefix("Bearer ")
        body = json.dumps(
            {
                "error": {
                    "message": f"Incorrect API key provided: {key}. Find your key at ...",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            }
        ).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rejecting_endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _RejectsTheKey)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_an_endpoint_that_quotes_the_key_back_never_shows_it(start_app, rejecting_endpoint):
    from gradio_client import Client

    url, process = start_app(
        ASSISTANT_BACKEND="openai",
        ASSISTANT_OPENAI_BASE_URL=rejecting_endpoint,
        ASSISTANT_OPENAI_API_KEY=SECRET,
        ASSISTANT_OPENAI_MAX_RETRIES="0",
        ASSISTANT_SURE_THRESHOLD="0",  # the model is asked only for sure answers
    )
    reply = Client(url, verbose=False).predict("What does a COO do?", api_name="/chat")
    assert "rejected the API key (HTTP 401)" in reply["notice"]
    assert SECRET not in json.dumps(reply)
    assert SECRET not in server_log(process)


def test_the_cli_never_prints_a_key_an_endpoint_quotes_back(
    article_corpus, article_index, rejecting_endpoint
):
    result = subprocess.run(
        [PYTHON, "-m", "assistant", "ask", "What does a COO do?", "--backend", "openai"],
        env={
            **os.environ,
            "ASSISTANT_CORPUS_DIR": str(article_corpus),
            "ASSISTANT_INDEX_DIR": str(article_index),
            "ASSISTANT_OPENAI_BASE_URL": rejecting_endpoint,
            "ASSISTANT_OPENAI_API_KEY": SECRET,
            "ASSISTANT_OPENAI_MAX_RETRIES": "0",
            "ASSISTANT_SURE_THRESHOLD": "0",  # the model is asked only for sure answers
        },
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0  # the quotes still answer
    assert "Warning: The openai endpoint rejected the API key (HTTP 401)" in result.stderr
    assert "[1]" in result.stdout
    assert SECRET not in result.stdout + result.stderr


def test_repeated_wrong_passwords_lock_the_name_out_for_a_while(start_app):
    # A lock-out far longer than the test, so no step depends on how fast the server is.
    url, _ = start_app(
        ASSISTANT_AUTH_USERNAME="alice",
        ASSISTANT_AUTH_PASSWORD="s3cret-pass",
        ASSISTANT_AUTH_LOCKOUT_SECONDS="600",
    )

    def sign_in(password: str) -> int:
        return httpx.post(
            f"{url}login", data={"username": "alice", "password": password}
        ).status_code

    assert sign_in("s3cret-pass") == 200
    # 400, Gradio's own answer: its sign-in page shows "Incorrect credentials" for it.
    assert [sign_in(f"guess-{n}") for n in range(8)] == [400] * 8
    # Locked out after five failures: even the right password is refused for a while.
    assert sign_in("s3cret-pass") == 400


def test_with_a_password_set_only_signed_in_visitors_get_answers(start_app):
    from gradio_client import Client

    url, _ = start_app(ASSISTANT_AUTH_USERNAME="alice", ASSISTANT_AUTH_PASSWORD="s3cret-pass")
    assert httpx.get(f"{url}config").status_code in (401, 403)
    with pytest.raises(Exception):  # noqa: B017 - the client refuses in its own words
        Client(url, verbose=False).predict("What does a COO do?", api_name="/chat")
    with pytest.raises(Exception):  # noqa: B017
        Client(url, auth=("alice", "wrong"), verbose=False)
    client = Client(url, auth=("alice", "s3cret-pass"), verbose=False)
    assert "[1]" in client.predict("What does a COO do?", api_name="/chat")["text"]


def test_uploads_over_the_limit_are_refused_by_the_server(start_app):
    url, _ = start_app(ASSISTANT_MAX_UPLOAD_BYTES="2000")
    small = httpx.post(f"{url}gradio_api/upload", files={"files": ("a.md", b"# A\n\nsmall\n")})
    assert small.status_code == 200
    big = httpx.post(f"{url}gradio_api/upload", files={"files": ("b.md", b"x" * 20_000)})
    assert big.status_code == 413


def test_the_api_key_appears_nowhere_a_user_or_a_log_can_see(start_app):
    from gradio_client import Client

    dead = f"http://127.0.0.1:{free_port()}/v1"
    url, process = start_app(
        ASSISTANT_BACKEND="openai",
        ASSISTANT_OPENAI_BASE_URL=dead,
        ASSISTANT_OPENAI_API_KEY=SECRET,
        ASSISTANT_OPENAI_TIMEOUT="3",
        ASSISTANT_OPENAI_MAX_RETRIES="0",
        ASSISTANT_SURE_THRESHOLD="0",  # the model is asked only for sure answers
    )
    reply = Client(url, verbose=False).predict("What does a COO do?", api_name="/chat")
    assert "Cannot reach the openai endpoint" in reply["notice"]
    assert reply["citations"]  # the quotes still answer
    assert SECRET not in json.dumps(reply)
    for page in ("", "config", "gradio_api/info"):
        assert SECRET not in httpx.get(f"{url}{page}").text
    assert SECRET not in server_log(process)


def test_setting_only_a_username_is_a_clear_error(article_corpus, article_index):
    result = subprocess.run(
        [PYTHON, "ui.py"],
        env={
            **os.environ,
            "ASSISTANT_CORPUS_DIR": str(article_corpus),
            "ASSISTANT_INDEX_DIR": str(article_index),
            "ASSISTANT_AUTH_USERNAME": "alice",
        },
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Set both ASSISTANT_AUTH_USERNAME and ASSISTANT_AUTH_PASSWORD" in result.stderr
    assert "Traceback" not in result.stderr


def _raw(port: int, head: bytes, chunks=()) -> bytes:
    """Send a request head and body chunks on a raw socket; the response's first bytes."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head)
        try:
            for chunk in chunks:
                connection.sendall(chunk)
        except OSError:
            pass  # the server answered and closed while the body was still coming
        return connection.recv(4096)


def test_a_foreign_host_gets_400_and_a_local_one_is_answered(start_app):
    url, _ = start_app()
    assert (
        httpx.get(url + "config", headers={"Host": "rebound.attacker.example"}).status_code == 400
    )
    assert httpx.get(url + "config").status_code == 200


def test_an_unknown_api_endpoint_is_404_and_a_known_one_answers(start_app):
    url, _ = start_app()
    for route in ("call", "run"):
        unknown = httpx.post(f"{url}gradio_api/{route}/nope", json={"data": []})
        assert unknown.status_code == 404 and "nope" in unknown.text
    known = httpx.post(f"{url}gradio_api/call/chat", json={"data": ["What does a COO do?"]})
    assert known.status_code == 200 and "event_id" in known.text


def test_a_body_declared_too_large_is_refused_before_it_is_read(start_app):
    url, _ = start_app(ASSISTANT_AUTH_USERNAME="team", ASSISTANT_AUTH_PASSWORD="s3cret-pass")
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    head = (
        b"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 524288000\r\n\r\n"
    )
    assert _raw(port, head).startswith(b"HTTP/1.1 413")


def test_a_streamed_500_mb_body_gets_413_and_the_server_stays_small(start_app):
    import psutil

    url, process = start_app(ASSISTANT_AUTH_USERNAME="team", ASSISTANT_AUTH_PASSWORD="s3cret-pass")
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    before = psutil.Process(process.pid).memory_info().rss
    head = (
        b"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"[" * (1 << 20)
    chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
    reply = _raw(port, head, (chunk for _ in range(500)))
    assert reply.startswith(b"HTTP/1.1 413")
    assert psutil.Process(process.pid).memory_info().rss - before < 50_000_000
    assert httpx.get(url + "config").status_code == 401  # it still serves (and asks to sign in)


def test_with_the_queue_flooded_another_visitor_is_answered_or_told_busy_within_5_s(start_app):
    import time

    from gradio_client import Client

    # Every client here has one address: the queue's cap is tested, not each one's share.
    url, _ = start_app(
        ASSISTANT_CONCURRENCY_LIMIT="1",
        ASSISTANT_QUEUE_MAX_SIZE="3",
        ASSISTANT_CLIENT_QUEUE_SHARE="1000",
    )
    flood = Client(url, verbose=False)
    long_question = "What does a COO do? " * 95  # about 1,900 characters each
    jobs = [flood.submit(long_question, api_name="/chat") for _ in range(40)]
    started = time.monotonic()
    try:
        reply = Client(url, verbose=False).predict("What does a COO do?", api_name="/chat")
        outcome = "answered" if reply["text"] else "empty"
    except Exception as exc:  # gradio_client raises the queue's own refusal
        outcome = "busy" if "queue is full" in str(exc).lower() else repr(exc)
    assert outcome in ("answered", "busy")
    assert time.monotonic() - started < 5
    for job in jobs:
        job.cancel()


def _flood(url: str, address: str, seconds: float) -> dict[int, int]:
    """Join the queue with long /chat questions as fast as one client can for ``seconds``,
    never reading an answer (as a script would); the statuses the server gave."""
    import time

    config = httpx.get(f"{url}config").json()
    (chat,) = [i for i, d in enumerate(config["dependencies"]) if d.get("api_name") == "chat"]
    payload = {
        "data": ["What does a COO do? " * 95, None, None, None],
        "fn_index": chat,
        "session_hash": "flood",
    }
    statuses: dict[int, int] = {}
    ends = time.monotonic() + seconds
    with httpx.Client(headers={"X-Forwarded-For": address}) as client:
        while time.monotonic() < ends:
            status = client.post(f"{url}gradio_api/queue/join", json=payload).status_code
            statuses[status] = statuses.get(status, 0) + 1
    return statuses


def test_one_client_flooding_the_queue_leaves_room_for_another_who_is_answered(start_app):
    import time
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    # Both come through a proxy on loopback, as behind nginx: the forwarded address counts.
    url, _ = start_app(
        ASSISTANT_CONCURRENCY_LIMIT="1",
        ASSISTANT_QUEUE_MAX_SIZE="8",
        ASSISTANT_CLIENT_QUEUE_SHARE="4",
    )
    other = Client(url, verbose=False, headers={"X-Forwarded-For": "198.51.100.2"})
    with ThreadPoolExecutor(1) as pool:
        flood = pool.submit(_flood, url, "203.0.113.7", 12.0)
        time.sleep(2)  # the flood is under way
        for _ in range(3):
            started = time.monotonic()
            reply = other.predict("What does a COO do?", api_name="/chat")
            assert "[1]" in reply["text"]  # answered, never told the queue is full
            assert time.monotonic() - started < 5
        statuses = flood.result()
    assert statuses.get(429, 0) > 10 * statuses.get(200, 0)  # the flood got its share only
