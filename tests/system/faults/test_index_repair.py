"""A damaged, read-only or concurrently rebuilt index: always answerable or repairable."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

import pytest

from assistant import Assistant, AssistantError
from tests.support import ARTICLE, PYTHON, REPO

pytestmark = pytest.mark.slow

COO = "What does a COO do?"


@pytest.fixture
def built(tmp_path, embeddings):
    """A corpus and its freshly built index folder."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    Assistant(corpus, index, embeddings=embeddings).index()
    return corpus, index


def _cli(*args: str, corpus, index, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, PYTHON, "-m", "assistant", *args, "--corpus", str(corpus), "--index", str(index)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _damage(index) -> None:
    """64 KB of garbage in the middle of the current build's database."""
    database = (index / "current").resolve() / "chroma.sqlite3"
    with database.open("r+b") as handle:
        handle.seek(database.stat().st_size // 2)
        handle.write(os.urandom(65536))


def test_a_damaged_database_is_rebuilt_by_index_rebuild(built):
    corpus, index = built
    _damage(index)
    rebuilt = _cli("index", "--rebuild", corpus=corpus, index=index)
    assert rebuilt.returncode == 0, rebuilt.stderr
    asked = _cli("ask", COO, corpus=corpus, index=index)
    assert asked.returncode == 0 and "[1]" in asked.stdout


def test_asking_a_damaged_index_rebuilds_it_from_the_corpus_and_answers(built):
    corpus, index = built
    _damage(index)
    asked = _cli("ask", COO, corpus=corpus, index=index)
    assert asked.returncode == 0, asked.stderr
    assert "[1]" in asked.stdout
    assert "Rebuilding it from the corpus now" in asked.stderr
    assert "Traceback" not in asked.stderr


def _read_only(folder) -> tuple[str, ...]:
    """A command prefix that runs a command with ``folder`` mounted read-only.

    As root, permissions do not stop writes, so the folder is bind-mounted read-only
    in a private mount namespace; otherwise taking write permission away is enough.
    """
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode & ~0o222)
        return ()
    if shutil.which("unshare") is None:
        pytest.fail("running as root needs util-linux's unshare to make a read-only folder")
    return (
        "unshare",
        "-m",
        "sh",
        "-c",
        f'mount --bind -o ro "{folder}" "{folder}" && exec "$@"',
        "-",
    )


def test_a_read_only_index_answers_and_deletes_nothing(built):
    corpus, index = built
    before = sorted(p.relative_to(index) for p in index.rglob("*"))
    asked = _cli("ask", COO, corpus=corpus, index=index, prefix=_read_only(index))
    assert asked.returncode == 0, asked.stderr
    assert "[1]" in asked.stdout
    assert sorted(p.relative_to(index) for p in index.rglob("*")) == before


def test_rebuilding_a_read_only_index_is_refused_with_a_clear_message(built):
    corpus, index = built
    before = sorted(p.relative_to(index) for p in index.rglob("*"))
    rebuilt = _cli("index", "--rebuild", corpus=corpus, index=index, prefix=_read_only(index))
    assert rebuilt.returncode == 1
    assert "read-only" in rebuilt.stderr and "Traceback" not in rebuilt.stderr
    assert sorted(p.relative_to(index) for p in index.rglob("*")) == before


def test_concurrent_rebuilds_beside_a_reader_never_show_a_missing_index(built, embeddings):
    corpus, index = built
    reader = Assistant(corpus, index, embeddings=embeddings, auto_index=False)
    errors: list[str] = []
    answered = 0
    rebuilds = [
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "assistant",
                "index",
                "--rebuild",
                "--corpus",
                str(corpus),
                "--index",
                str(index),
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    done = threading.Event()

    def wait_for_rebuilds() -> None:
        for process in rebuilds:
            process.wait()
        done.set()

    threading.Thread(target=wait_for_rebuilds, daemon=True).start()
    while not done.wait(0.05):
        try:
            answered += not reader.answer(COO).refused
        except AssistantError as exc:
            errors.append(str(exc))
    assert [p.returncode for p in rebuilds] == [0, 0], [p.stderr.read() for p in rebuilds]
    assert errors == []
    assert answered > 0
    assert not reader.answer(COO).refused
