"""Query latency and build time as the corpus grows, embedded and against a `chroma run` server.

.venv/bin/python -m benchmarks.scale --sizes 1000 10000 [100000] [--chart PNG] [--report MD]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import folder_size, free_port, start, stop, summary, table, write_report
from benchmarks.synthetic import queries, write_corpus

CHROMA = str(Path(sys.executable).with_name("chroma"))
QUERIES = 40


def run(
    work: Path, sizes: list[int], *, modes: tuple[str, ...] = ("embedded", "server")
) -> dict[str, object]:
    """For each size and store, build the index and time retrieval of fixed queries."""
    from assistant import Assistant

    results: list[dict[str, object]] = []
    asked = queries(QUERIES)
    for size in sizes:
        corpus = work / f"scale-{size}"
        write_corpus(corpus, size)
        for mode in modes:
            settings: dict[str, object] = {"cache_dir": work / "cache"}
            server = None
            index = work / f"scale-index-{size}-{mode}"
            if mode == "server":
                port = free_port()
                server = start(
                    [
                        CHROMA,
                        "run",
                        "--path",
                        str(index),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                    ],
                    port=port,
                    env={},
                    log=work / f"chroma-{size}.log",
                )
                settings |= {"chroma_host": "127.0.0.1", "chroma_port": port}
            try:
                bot = Assistant(corpus, index, **settings)
                bot.embeddings.load()
                started = time.perf_counter()
                report = bot.index()
                build = time.perf_counter() - started
                bot.answer("warm-up question about the harbour")
                latencies = []
                stages: dict[str, list[float]] = {}
                for question in asked:
                    timings = bot.answer(question).timings
                    for stage, seconds in timings.items():
                        stages.setdefault(stage, []).append(seconds * 1000)
                    # Retrieval: the query's vector, dense and keyword search, fusion.
                    latencies.append(sum(timings.get(s, 0.0) for s in RETRIEVAL) * 1000)
                p50, p95, _ = summary(latencies)
                results.append(
                    {
                        "size": report.chunks,
                        "mode": mode,
                        "build": build,
                        "p50": p50,
                        "p95": p95,
                        "bytes": folder_size(index),
                        "stages": {k: summary(v)[0] for k, v in stages.items()},
                    }
                )
            finally:
                if server is not None:
                    stop(server)
    rows = [
        [
            r["size"],
            r["mode"],
            f"{r['build']:.1f}",
            f"{r['size'] / r['build']:.0f}",
            f"{r['p50']:.1f}",
            f"{r['p95']:.1f}",
            f"{r['bytes'] / 1e6:.0f} MB",
        ]
        for r in results
    ]
    markdown = table(
        [
            "chunks",
            "store",
            "build s",
            "chunks/s",
            "retrieval p50 ms",
            "retrieval p95 ms",
            "on disk",
        ],
        rows,
    )
    shown = [s for s in STAGES if any(s in r["stages"] for r in results)]  # type: ignore[operator]
    by_stage = table(
        ["chunks", "store", *shown, "whole answer"],
        [
            [r["size"], r["mode"]]
            + [f"{r['stages'].get(s, 0.0):.1f}" for s in shown]  # type: ignore[union-attr]
            + [f"{r['stages'].get('total', 0.0):.1f}"]  # type: ignore[union-attr]
            for r in results
        ],
    )
    markdown += (
        "\n\nWhole answers (extractive), p50 milliseconds by stage: which stage grows."
        "\n\n" + by_stage
    )
    return {"markdown": markdown, "results": results}


STAGES = ("read", "embed", "search", "keyword", "fuse", "score", "compose")
RETRIEVAL = ("embed", "search", "keyword", "fuse")


def plot(results: list[dict[str, object]], path: Path) -> Path:
    """Query latency and build time against corpus size, one line per store."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, build, parts) = plt.subplots(1, 3, figsize=(16, 4))
    for mode in sorted({str(r["mode"]) for r in results}):
        rows = sorted((r for r in results if r["mode"] == mode), key=lambda r: r["size"])
        sizes = [r["size"] for r in rows]
        latency.plot(sizes, [r["p50"] for r in rows], marker="o", label=f"{mode} p50")
        latency.plot(
            sizes, [r["p95"] for r in rows], marker="x", linestyle="--", label=f"{mode} p95"
        )
        build.plot(sizes, [r["build"] for r in rows], marker="o", label=mode)
    embedded = sorted((r for r in results if r["mode"] == "embedded"), key=lambda r: r["size"])
    bottom = [0.0] * len(embedded)
    labels = [str(r["size"]) for r in embedded]
    for stage in STAGES:
        heights = [float(r["stages"].get(stage, 0.0)) for r in embedded]  # type: ignore[union-attr]
        parts.bar(labels, heights, bottom=bottom, label=stage)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    parts.set_xlabel("chunks in the corpus (embedded store)")
    parts.set_ylabel("ms (p50)")
    parts.set_title("A whole answer, by stage")
    parts.legend(fontsize=7)
    for axis, title, unit in (
        (latency, "Retrieval latency", "ms"),
        (build, "Index build time", "s"),
    ):
        axis.set_xscale("log")
        axis.set_xlabel("chunks in the corpus")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--chart", type=Path, help="Write the curve as a PNG here.")
    parser.add_argument("--report", type=Path, help="Write the table as Markdown here.")
    parser.add_argument(
        "--modes", nargs="+", choices=["embedded", "server"], default=["embedded", "server"]
    )
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        outcome = run(Path(folder), args.sizes, modes=tuple(args.modes))
    text = str(outcome["markdown"])
    if args.chart:
        chart = plot(outcome["results"], args.chart)
        text += f"\n\n![Scale]({chart.name})"
    print(text)
    if args.report:
        write_report(args.report, "Scale", text, time.perf_counter() - started)


if __name__ == "__main__":
    main()
