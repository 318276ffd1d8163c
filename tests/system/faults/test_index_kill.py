"""Killing `assistant index` (SIGKILL, mid-embedding, proven so) never breaks the index."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import time

import pytest

from assistant import Assistant
from tests.support import ARTICLE, PYTHON, REPO

pytestmark = pytest.mark.slow

WORDS = (
    "ledger freight harbour invoice tariff cargo customs broker manifest pallet warehouse "
    "courier dispatch route schedule inventory supplier contract audit quarterly"
).split()


def _synthetic(folder, count: int, seed: int) -> None:
    rng = random.Random(seed)
    for number in range(count):
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(6)
        ]
        text = f"# Shipment report {number}\n\n" + "\n\n".join(paragraphs) + "\n"
        (folder / f"report-{number:03d}.md").write_text(text)


def _ids(bot: Assistant) -> set[str]:
    return {c.id for c in bot.store.chunks()}


def _progress(log) -> tuple[int, int] | None:
    """The last "Embedding chunks: done/total" line a run wrote, if any."""
    found = re.findall(r"Embedding chunks: (\d+)/(\d+)", log.read_text(errors="replace"))
    return (int(found[-1][0]), int(found[-1][1])) if found else None


def _kill_mid_embedding(args: list[str], log, seed: int) -> tuple[int, int]:
    """Start ``assistant index`` with ``args``; SIGKILL it once it has embedded part of
    its work and before it finished (a random moment in between); its progress then."""
    rng = random.Random(seed)
    with log.open("w") as out:
        run = subprocess.Popen(
            [PYTHON, "-m", "assistant", "index", *args], cwd=REPO, stdout=out, stderr=out
        )
    deadline = time.monotonic() + 300
    while True:
        progress = _progress(log)
        if progress and progress[0] > 0:
            break
        assert run.poll() is None, log.read_text()  # it must not finish before the kill
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    time.sleep(rng.uniform(0.0, 1.0))
    run.kill()
    assert run.wait() == -9  # the signal killed it: it did not exit on its own
    done, total = _progress(log) or (0, 0)
    assert done < total, log.read_text()  # work was left undone
    return done, total


@pytest.mark.parametrize("seed", [11, 23, 37])
def test_a_killed_index_run_leaves_a_usable_index_and_the_next_run_finishes(
    tmp_path, embeddings, seed
):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    Assistant(corpus, index, embeddings=embeddings).index()
    before = Assistant(corpus, index, embeddings=embeddings, auto_index=False).store.count()

    _synthetic(corpus, 80, seed)
    path = corpus / ARTICLE.name
    path.write_text(
        path.read_text().replace(
            "Collaboration between these roles", "Teamwork between these roles"
        )
    )
    _kill_mid_embedding(
        ["--corpus", str(corpus), "--index", str(index)], tmp_path / "index.log", seed
    )

    survivor = Assistant(corpus, index, embeddings=embeddings, auto_index=False)
    assert survivor.store.count() >= before - 1
    reply = survivor.answer("What does a COO do?")
    assert not reply.refused
    for citation in reply.citations:
        assert citation.quote in (path.read_text() + ARTICLE.read_text())

    report = Assistant(corpus, index, embeddings=embeddings).index()
    assert report.documents == 81
    fresh = Assistant(corpus, tmp_path / "fresh-index", embeddings=embeddings)
    fresh.index()
    assert _ids(Assistant(corpus, index, embeddings=embeddings, auto_index=False)) == _ids(fresh)


def test_a_killed_rebuild_leaves_the_old_index_answering_and_the_next_rebuild_finishes(
    tmp_path, embeddings
):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    _synthetic(corpus, 60, 5)
    Assistant(corpus, index, embeddings=embeddings).index()
    before = _ids(Assistant(corpus, index, embeddings=embeddings, auto_index=False))

    args = ["--corpus", str(corpus), "--index", str(index), "--rebuild"]
    _kill_mid_embedding(args, tmp_path / "rebuild.log", 5)

    survivor = Assistant(corpus, index, embeddings=embeddings, auto_index=False)
    assert _ids(survivor) == before  # the old index, whole: the new one was never published
    assert not survivor.answer("What does a COO do?").refused
    Assistant(corpus, index, embeddings=embeddings).index(rebuild=True)
    assert _ids(Assistant(corpus, index, embeddings=embeddings, auto_index=False)) == before
