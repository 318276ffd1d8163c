"""Concurrent users of the chat app: N gradio_client sessions asking a bounded number of questions.

.venv/bin/python -m benchmarks.load [--users 1 4 16] [--questions 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ARTICLE, QUESTIONS, free_port, start, stop, summary, table


def run(
    work: Path, levels: list[int], *, per_user: int = 3, timeout: float = 600
) -> dict[str, object]:
    """Start the app; at each level, that many sessions ask ``per_user`` questions each."""
    from gradio_client import Client

    corpus = work / "load-corpus"
    corpus.mkdir(parents=True)
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    port = free_port()
    env = {
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_INDEX_DIR": str(work / "load-index"),
        "ASSISTANT_CACHE_DIR": str(work / "cache"),
        "ASSISTANT_PORT": str(port),
    }
    process = start([sys.executable, "ui.py"], port=port, env=env, log=work / "load-app.log")
    url = f"http://127.0.0.1:{port}/"
    try:
        reference_client = Client(url, verbose=False)
        reference = {q: _essence(reference_client.predict(q, api_name="/chat")) for q in QUESTIONS}
        rows, results = [], {}
        for users in levels:
            outcome = _level(url, users, per_user, reference, timeout)
            results[users] = outcome
            p50, p95, _ = summary(outcome["latencies"])
            rows.append(
                [
                    users,
                    outcome["requests"],
                    outcome["failed"],
                    outcome["different"],
                    f"{p50 * 1000:.0f}",
                    f"{p95 * 1000:.0f}",
                    f"{outcome['requests'] / outcome['wall']:.1f}",
                ]
            )
    finally:
        stop(process)
    markdown = table(
        [
            "concurrent users",
            "requests",
            "failed",
            "answers differing from single-user",
            "p50 ms",
            "p95 ms",
            "throughput (answers/s)",
        ],
        rows,
    )
    return {"markdown": markdown, "levels": results}


def _level(url: str, users: int, per_user: int, reference: dict[str, Any], timeout: float) -> dict:
    from gradio_client import Client

    latencies: list[float] = []
    failures: list[str] = []
    different: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users)

    def session(number: int) -> None:
        client = Client(url, verbose=False)
        barrier.wait(timeout=timeout)
        for turn in range(per_user):
            question = QUESTIONS[(number + turn) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                reply = _essence(client.predict(question, api_name="/chat"))
            except Exception as exc:  # counted, not raised: the level's report says how many
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
                if reply != reference[question]:
                    different.append(question)

    threads = [threading.Thread(target=session, args=(n,), daemon=True) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    wall = time.perf_counter() - started
    stuck = sum(thread.is_alive() for thread in threads)
    return {
        "requests": users * per_user,
        "failed": len(failures) + stuck * per_user,
        "errors": failures,
        "different": len(different),
        "latencies": latencies,
        "wall": wall,
    }


def _essence(reply: dict[str, Any]) -> tuple[str, list[tuple[str, int, int]]]:
    """What must not change under load: the text and what it cites (not the timings)."""
    return reply["text"], [(c["source"], c["start"], c["end"]) for c in reply["citations"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--questions", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(run(Path(folder), args.users, per_user=args.questions)["markdown"])


if __name__ == "__main__":
    main()
