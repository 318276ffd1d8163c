"""Process start to first cited answer: `assistant ask` and the chat app."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import ARTICLE, REPO, free_port, start, stop, summary, table

ASSISTANT = str(Path(sys.executable).with_name("assistant"))
QUESTION = "What does a COO do?"


def run(work: Path, *, repeats: int = 3) -> dict[str, object]:
    """Time cold starts in fresh processes, with a prepared index and model cache."""
    corpus, index, cache = work / "corpus", work / "index", work / "cache"
    corpus.mkdir(parents=True)
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    env = {
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_INDEX_DIR": str(index),
        "ASSISTANT_CACHE_DIR": str(cache),
        "HF_HUB_OFFLINE": "1",
    }

    def ask(extra: dict[str, str]) -> float:
        started = time.perf_counter()
        subprocess.run(
            [ASSISTANT, "ask", QUESTION, "--json"],
            cwd=REPO,
            env={**_base(), **env, **extra},
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started

    first = ask({})  # builds the index and exports the model once: what a new user waits
    warm = [ask({}) for _ in range(repeats)]
    torch_path = [ask({"ASSISTANT_EMBEDDING_FAST": "false"}) for _ in range(repeats)]
    import_only = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import assistant"], cwd=REPO, check=True)
        import_only.append(time.perf_counter() - started)
    app = [_app_first_answer(work, env) for _ in range(repeats)]
    rows = [
        ["`assistant ask`, very first run (builds the index, exports the model)", f"{first:.2f}"],
        ["`assistant ask`, index and export ready (default)", f"{summary(warm)[0]:.2f}"],
        [
            "`assistant ask` with `ASSISTANT_EMBEDDING_FAST=false` (sentence-transformers)",
            f"{summary(torch_path)[0]:.2f}",
        ],
        ["`python -c 'import assistant'`", f"{summary(import_only)[0]:.2f}"],
        ["chat app: `python ui.py` to listening", f"{summary([a[0] for a in app])[0]:.2f}"],
        [
            "chat app: `python ui.py` to first cited answer over its API",
            f"{summary([a[1] for a in app])[0]:.2f}",
        ],
    ]
    return {
        "markdown": table(["from process start", "seconds (p50)"], rows),
        "ask_first": first,
        "ask": summary(warm)[0],
        "ask_torch": summary(torch_path)[0],
        "app_listen": summary([a[0] for a in app])[0],
        "app_answer": summary([a[1] for a in app])[0],
    }


def _base() -> dict[str, str]:
    import os

    return dict(os.environ)


def _app_first_answer(work: Path, env: dict[str, str]) -> tuple[float, float]:
    from gradio_client import Client

    port = free_port()
    started = time.perf_counter()
    process = start(
        [sys.executable, "ui.py"],
        port=port,
        env={**env, "ASSISTANT_PORT": str(port)},
        log=work / f"app-{port}.log",
    )
    listening = time.perf_counter() - started
    try:
        reply = Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
            QUESTION, api_name="/chat"
        )
        assert "[1]" in reply["text"]
        return listening, time.perf_counter() - started
    finally:
        stop(process)
