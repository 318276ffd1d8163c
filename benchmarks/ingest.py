"""Ingestion throughput and the index's size on disk."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import folder_size, table
from benchmarks.synthetic import write_corpus


def run(work: Path, chunks: int) -> dict[str, object]:
    """Index a synthetic corpus of about ``chunks`` paragraphs from scratch."""
    from assistant import Assistant

    corpus = work / f"ingest-{chunks}"
    write_corpus(corpus, chunks)
    bot = Assistant(corpus, work / f"ingest-index-{chunks}", cache_dir=work / "cache")
    bot.embeddings.load()
    started = time.perf_counter()
    report = bot.index()
    seconds = time.perf_counter() - started
    units = sum(len(c.units) for c in bot.store.chunks())
    size = folder_size(work / f"ingest-index-{chunks}")
    again = bot.index()
    rows = [
        ["chunks indexed", report.chunks],
        ["sentences embedded", units],
        ["seconds", f"{seconds:.1f}"],
        ["chunks per second", f"{report.chunks / seconds:.1f}"],
        ["sentences per second", f"{units / seconds:.1f}"],
        [
            "index size on disk",
            f"{size / 1e6:.1f} MB ({size / report.chunks / 1e3:.1f} kB per chunk)",
        ],
        ["re-sync with nothing changed", f"{again.seconds:.2f} s, {again.added} embedded"],
    ]
    return {
        "markdown": table(["ingestion", "value"], rows),
        "chunks_per_second": report.chunks / seconds,
        "bytes": size,
    }
