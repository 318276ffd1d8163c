"""Index build time and per-question latency, by stage, for the default assistant.

    .venv/bin/python benchmarks/latency.py [--repeats 5]

Builds a fresh index of corpus/ in a temporary folder (cold: includes loading
the model), re-syncs it (warm: nothing to embed), then asks a fixed set of
questions several times and prints p50/p95 per stage in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from assistant import Assistant

QUESTIONS = [
    "What does a COO do?",
    "What are the key responsibilities of an operations manager?",
    "Which role has more decision-making authority?",
    "How do the two roles work together?",
    "What does an operations manager focus on?",
    "Who does the COO collaborate with?",
    "What is the capital of France?",
    "How much does a COO earn?",
]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="times each question is asked")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        bot = Assistant(index_dir=Path(folder) / "index")
        started = time.perf_counter()
        report = bot.index()
        bot.embeddings.load()
        cold = time.perf_counter() - started
        warm = bot.index()
        print(f"index build (cold, model load included): {cold:.2f}s, {report.chunks} chunks")
        print(f"index sync (warm, nothing changed):      {warm.seconds:.3f}s")

        # The first pass meets every question fresh; later passes hit the query and unit caches.
        first: dict[str, list[float]] = {}
        repeat: dict[str, list[float]] = {}
        for attempt in range(args.repeats):
            for question in QUESTIONS:
                target = first if attempt == 0 else repeat
                for stage, seconds in bot.answer(question).timings.items():
                    target.setdefault(stage, []).append(seconds * 1000)
        report_stages(f"first time ({len(QUESTIONS)} questions)", first)
        if repeat:
            report_stages(f"asked again ({len(QUESTIONS)} x {args.repeats - 1})", repeat)


def report_stages(title: str, stages: dict[str, list[float]]) -> None:
    """Print p50/p95/mean per stage, in milliseconds."""
    print(f"\nper question, {title}, milliseconds:")
    print(f"{'stage':<10}{'p50':>9}{'p95':>9}{'mean':>9}")
    for stage, values in stages.items():
        print(
            f"{stage:<10}{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}"
            f"{statistics.fmean(values):>9.1f}"
        )


if __name__ == "__main__":
    main()
