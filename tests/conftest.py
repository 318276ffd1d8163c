"""Shared fixtures: the real embedding model and a built index, made once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import (
    ARTICLE,
    PYTHON,
    REPO,
    app_env,
    free_port,
    start_llama_server,
    start_server,
    stop,
)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by its folder: ``unit``, ``integration`` or ``system`` (and its kind).

    ``-m unit`` is the quick loop; ``-m "not system"`` skips the browser, fault,
    load, robustness and security runs.
    """
    for item in items:
        parts = item.path.resolve().relative_to(TESTS).parts
        if len(parts) > 1:
            item.add_marker(parts[0])
        if parts[0] == "system" and len(parts) > 2:
            item.add_marker(parts[1])


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own ASSISTANT_* environment."""
    for name in list(os.environ):
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def embeddings():
    """The real all-MiniLM-L6-v2, loaded once."""
    from assistant.indexing.embeddings import SentenceTransformerEmbeddings

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


@pytest.fixture
def run_server():
    """Start a server command on loopback; stopped when the test ends."""
    started: list[subprocess.Popen[bytes]] = []

    def start(args: list[str], port: int, env: dict[str, str] | None = None, cwd: Path = REPO):
        process = start_server(args, port, env=env, cwd=cwd)
        started.append(process)
        return process

    yield start
    for process in started:
        stop(process)


@pytest.fixture
def tmp_corpus(tmp_path: Path) -> Iterator[Path]:
    """An empty corpus folder for a test to fill."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    yield folder


@pytest.fixture(scope="session")
def llama_server():
    """A real OpenAI-compatible server: llama-cpp-python's, serving the bundled GGUF."""
    pytest.importorskip("llama_cpp.server", reason="the server is part of the [local] extra")
    port = free_port()
    process = start_llama_server(port)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def app_url(article_corpus: Path, article_index: Path):
    """The chat app (``python ui.py``) over the article, on a free loopback port."""
    port = free_port()
    process = start_server(
        [PYTHON, "ui.py"], port, env=app_env(article_corpus, article_index, port)
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)
