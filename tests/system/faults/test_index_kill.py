"""Killing `assistant index` (SIGKILL, at random points) never breaks the index."""

from __future__ import annotations

import random
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
    run = subprocess.Popen(
        [PYTHON, "-m", "assistant", "index", "--corpus", str(corpus), "--index", str(index)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(
        random.Random(seed).uniform(4.0, 16.0)
    )  # model load, then somewhere in the embedding
    run.kill()
    run.wait()

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
