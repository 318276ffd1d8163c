"""Paths and helpers the tests share: where things are, and how to run a server."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
ARTICLE = CORPUS / "operations-manager-vs-coo.md"
SOURCE_ARTICLE = REPO / "tests" / "data" / "operations-manager-vs-coo.txt"
"""The article as the project received it (plain text); the corpus holds it as Markdown."""
PYTHON = sys.executable
ASSISTANT = str(Path(sys.executable).parent / "assistant")
"""The installed ``assistant`` command, as the README and ``make chat`` run it."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    args: list[str],
    port: int,
    *,
    env: dict[str, str] | None = None,
    cwd: Path = REPO,
    timeout: float = 180.0,
) -> subprocess.Popen[bytes]:
    """Start a server process and wait until it listens on ``port``.

    Its output goes to a log file, not a pipe: a chatty server must never block
    on a full pipe nobody reads. On failure the log is part of the error.
    """
    import os
    import tempfile

    log = tempfile.NamedTemporaryFile(prefix="server-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        args, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
    )
    process.log_path = log.name  # type: ignore[attr-defined]
    log.close()
    wait_for_port(port, process, timeout=timeout)
    return process


def server_log(process: subprocess.Popen[bytes]) -> str:
    """What a server started by :func:`start_server` printed so far."""
    path = getattr(process, "log_path", None)
    return Path(path).read_text(errors="replace") if path else ""


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Block until something accepts connections on ``port``, or fail with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server_log(process)}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    process.kill()
    raise TimeoutError(f"nothing listened on port {port} within {timeout}s:\n{server_log(process)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server process and reap it."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_llama_server(port: int) -> subprocess.Popen[bytes]:
    """llama-cpp-python's OpenAI-compatible server with the bundled GGUF, on loopback."""
    from assistant.answerers.chat_models import bundled_model_path

    args = [PYTHON, "-m", "llama_cpp.server", "--model", str(bundled_model_path())]
    args += ["--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--n_ctx", "2048", "--n_threads", "2", "--verbose", "False"]
    return start_server(args, port)


def app_env(corpus: Path, index: Path, port: int, **extra: str) -> dict[str, str]:
    """Environment for ``python ui.py`` over ``corpus`` and ``index`` on ``port``."""
    return {
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_INDEX_DIR": str(index),
        "ASSISTANT_PORT": str(port),
        **extra,
    }


def article_copy(root: Path) -> Path:
    """``root/corpus``, a new corpus folder holding a copy of the article."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    return corpus


@contextlib.contextmanager
def article_app(root: Path, **env: str) -> Iterator[str]:
    """`assistant serve` (as the README and `make chat` start it) over a private copy of
    the article in ``root/corpus``, with ``env``'s settings; its URL."""
    corpus = article_copy(root)
    port = free_port()
    process = start_server(
        [ASSISTANT, "serve"], port, env=app_env(corpus, root / "index", port, **env)
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)


class WordHashEmbeddings:
    """A tiny deterministic embedding for unit tests: hashed bag of words, unit length.

    Sentences that share words are close, as with a real model, so grounding
    logic can be tested without loading one.
    """

    dimension = 512

    def _vector(self, text: str) -> list[float]:
        import hashlib
        import math
        import re

        vector = [0.0] * self.dimension
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            slot = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
            vector[slot] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def encode(self, texts: list[str]):
        import numpy as np

        return np.asarray([self._vector(t) for t in texts], dtype=np.float32)


def question_state(
    text: str, question: str, *, source: str = "roles.md", answerable=None, sure=None
):
    """A :class:`QuestionState` for ``question`` over the document ``text``, scored for real.

    Everything the chain would compute, without a model or an index: the text is
    chunked, every chunk retrieved, the question read in the document's words
    and scored by the shipped scorer (with :class:`WordHashEmbeddings` vectors).
    ``answerable`` overrides the scorer's decision, ``sure`` whether an answer is sure.
    """
    from dataclasses import replace

    from assistant.asking.decision import verdict_of
    from assistant.asking.features import FeatureExtractor
    from assistant.asking.retrieval import Passage, Retrieval
    from assistant.asking.state import QuestionState
    from assistant.documents.chunking import chunk_document
    from assistant.documents.formats import parse_document
    from assistant.indexing.statistics import KeywordIndex
    from assistant.models.scorer.scorer import Scorer

    embeddings = WordHashEmbeddings()
    document = parse_document(text.encode(), source=source, kind="markdown")
    chunks = chunk_document(document, count_tokens=lambda t: len(t.split()), max_tokens=200)
    statistics = KeywordIndex(chunks)
    normalized = statistics.words.normalize(question)
    vector = embeddings.encode([normalized.text])[0]
    passages = []
    for rank, chunk in enumerate(chunks):
        vectors = embeddings.encode([chunk.unit_embed_text(u) for u in chunk.units])
        similarities = tuple(float(v) for v in vectors @ vector)
        passages.append(
            Passage(
                chunk,
                max(similarities),
                1.0 / (1 + rank),
                0.0,
                rank + 1,
                None,
                similarities,
                vectors,
            )
        )
    retrieval = Retrieval(
        normalized.text, vector, tuple(passages), max(p.similarity for p in passages), statistics
    )
    scorer = Scorer.load()
    scores = scorer.score(FeatureExtractor(embeddings.encode).extract(normalized, retrieval))
    verdict = verdict_of(scores, scorer.model, normalized.unknown, question=normalized.text)
    if answerable is not None or sure is not None:
        answered = verdict.answerable if answerable is None else answerable
        verdict = replace(verdict, answerable=answered, sure=answered if sure is None else sure)
    state = QuestionState(question, query=question, normalized=normalized, statistics=statistics)
    return replace(state, retrieval=retrieval, verdict=verdict)


def make_pdf(pages: list[str]) -> bytes:
    """A small valid PDF with one page per string (Helvetica, one text line per line).

    Written by hand so tests need no PDF library; pypdf reads its text back.
    """
    streams = []
    for text in pages:
        lines = []
        for line in text.splitlines():
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            lines.append(f"({escaped}) Tj T*")
        streams.append(
            ("BT /F1 11 Tf 14 TL 72 720 Td " + " ".join(lines) + " ET").encode("latin-1")
        )
    return pdf_from_streams(streams)


def pdf_from_streams(
    streams: list[bytes], *, flate: bool = False, pages: int | None = None
) -> bytes:
    """A PDF whose pages draw the given content streams, as hostile as they are.

    With ``flate`` the streams are compressed; with ``pages`` larger than the
    number of streams, pages share them (one stream drawn by many pages).
    """
    import zlib

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    contents = []
    for stream in streams:
        data = zlib.compress(stream, 9) if flate else stream
        flt = b" /Filter /FlateDecode" if flate else b""
        contents.append(
            add(b"<< /Length %d%s >>\nstream\n" % (len(data), flt) + data + b"\nendstream")
        )
    count = pages or len(streams)
    pages_id = len(objects) + 1 + count
    page_ids = [
        add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
            % (pages_id, font, contents[n % len(contents)])
        )
        for n in range(count)
    ]
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids)))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


def shown_text(content: str, *, markdown: bool = True) -> str:
    """What a reader sees of Markdown (rendered with HTML allowed, as a chat does) or HTML.

    Markdown goes through markdown-it (CommonMark, with tables and strikethrough),
    then the HTML's text is read as a browser would, entities resolved.
    """
    from html.parser import HTMLParser

    if markdown:
        from markdown_it import MarkdownIt

        renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
        content = renderer.render(content)

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = _Text()
    parser.feed(content)
    parser.close()
    return "".join(parser.parts)


def smoke_trained(command: str, pairs: int, folder: Path) -> Path:
    """A cross-encoder trained for a few steps by the real ``command``: its output folder."""
    from click.testing import CliRunner

    from assistant.cli import cli

    out = folder / "model"
    result = CliRunner().invoke(
        cli, [command, "--smoke", str(pairs), "--work", str(folder / "work"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out
