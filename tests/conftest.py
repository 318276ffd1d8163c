"""Shared fixtures: the real embedding model and a built index, made once per session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
ARTICLE = CORPUS / "operations-manager-vs-coo.md"
SHARED_ARTICLE = REPO.parent / "shared" / "article" / "operations-manager-vs-coo.txt"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own ASSISTANT_* environment."""
    for name in list(os.environ):
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def embeddings():
    """The real all-MiniLM-L6-v2, loaded once."""
    from assistant.embeddings import SentenceTransformerEmbeddings

    model = SentenceTransformerEmbeddings("sentence-transformers/all-MiniLM-L6-v2")
    model.encode(["warm up"])
    return model


@pytest.fixture(scope="session")
def article_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus folder holding only the article."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(ARTICLE, folder / ARTICLE.name)
    return folder


@pytest.fixture(scope="session")
def article_index(tmp_path_factory: pytest.TempPathFactory, article_corpus: Path, embeddings):
    """The article's index folder, built once with the real model and Chroma."""
    from assistant import Assistant

    folder = tmp_path_factory.mktemp("index")
    Assistant(article_corpus, folder, embeddings=embeddings).index()
    return folder


@pytest.fixture(scope="session")
def bot(article_corpus: Path, article_index: Path, embeddings):
    """An assistant over the article, index already built."""
    from assistant import Assistant

    assistant = Assistant(article_corpus, article_index, embeddings=embeddings)
    assistant.ensure_index()
    return assistant


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Block until something accepts connections on ``port``, or fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"server exited with {process.returncode}:\n{output}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listened on port {port} within {timeout}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server process and reap it."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def run_server():
    """Start a server command on loopback; stopped when the test ends."""
    started: list[subprocess.Popen[bytes]] = []

    def start(args: list[str], port: int, env: dict[str, str] | None = None, cwd: Path = REPO):
        process = subprocess.Popen(
            args,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        wait_for_port(port, process)
        return process

    yield start
    for process in started:
        stop(process)


PYTHON = sys.executable


@pytest.fixture
def tmp_corpus(tmp_path: Path) -> Iterator[Path]:
    """An empty corpus folder for a test to fill."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    yield folder
