"""Per-question latency by stage, for each backend, first time and asked again.

.venv/bin/python -m benchmarks.latency [--backend extractive --backend local]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.answerers.backends import backend_names
from benchmarks.common import ARTICLE, QUESTIONS, summary, table

STAGES = (
    "classify",
    "rewrite",
    "embed",
    "search",
    "keyword",
    "fuse",
    "read",
    "score",
    "compose",
    "generate",
    "verify",
    "ttft",
    "total",
)


def run(
    work: Path, backends: list[str], *, repeats: int = 2, **settings: object
) -> dict[str, object]:
    """Build the article's index once, then time every question for every backend."""
    from assistant import Assistant

    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    base = Assistant(corpus, work / "index", cache_dir=work / "cache", **settings)
    started = time.perf_counter()
    report = base.index()
    build = time.perf_counter() - started
    sections: list[str] = []
    results: dict[str, dict[str, tuple[float, float, float]]] = {}
    for backend in backends:
        # The first answer loads the backend's model.
        base.answer("warm-up: what does an operations manager oversee?", backend=backend)
        first: dict[str, list[float]] = {}
        again: dict[str, list[float]] = {}
        for attempt in range(repeats):
            for question in QUESTIONS:
                timings = base.answer(question, backend=backend).timings
                for stage, seconds in timings.items():
                    (first if attempt == 0 else again).setdefault(stage, []).append(seconds * 1000)
        rows = []
        for stage in STAGES:
            if stage in first:
                p50, p95, _ = summary(first[stage])
                row = [stage, f"{p50:.1f}", f"{p95:.1f}", "n/a", "n/a"]
                if again.get(stage):
                    q50, q95, _ = summary(again[stage])
                    row[3:] = [f"{q50:.1f}", f"{q95:.1f}"]
                rows.append(row)
        results[backend] = {stage: summary(values) for stage, values in first.items()}
        sections.append(
            f"**{backend}** ({len(QUESTIONS)} questions; 'again' = the same questions once more, "
            "with the query and sentence caches warm), milliseconds:\n\n"
            + table(["stage", "p50 first", "p95 first", "p50 again", "p95 again"], rows)
        )
    sections.append(_whole_document(base, 10 * repeats))
    return {
        "markdown": "\n\n".join(sections),
        "build_seconds": build,
        "chunks": report.chunks,
        "by_backend": results,
    }


WHOLE_DOCUMENT = ("Summarize the article", "What sections does the article have?")


def _whole_document(bot: Any, repeats: int) -> str:
    """Warm latency of a summary and an outline (they read every unit of the document)."""
    rows = []
    for request in WHOLE_DOCUMENT:
        bot.answer(request)
        times = [bot.answer(request).timings["total"] * 1000 for _ in range(repeats)]
        p50, p95, _ = summary(times)
        rows.append([request, f"{p50:.1f}", f"{p95:.1f}"])
    return (
        f"**Whole-document requests** (extractive, warm, {repeats} times each), milliseconds:"
        "\n\n" + table(["request", "p50", "p95"], rows)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=backend_names())
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(run(Path(folder), args.backend or ["extractive"], repeats=args.repeats)["markdown"])


if __name__ == "__main__":
    main()
