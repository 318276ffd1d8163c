"""Every benchmark, one command, one Markdown report with the machine it ran on.

    .venv/bin/python -m benchmarks.run [--quick] [--sizes 1000 10000] [--out docs/benchmarks]

``--quick`` is what the test suite runs: smaller sizes and fewer users, to show
the benchmarks work; the full run is `make bench` (and `make bench-100k` adds
the 100,000-chunk scale point).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks import cold_start, ingest, latency, load, scale, versus
from benchmarks.common import write_report


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Small sizes and loads, for CI.")
    parser.add_argument("--sizes", type=int, nargs="+", help="Scale points (chunks).")
    parser.add_argument("--backend", action="append", choices=["extractive", "local", "openai"])
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks"))
    args = parser.parse_args(argv)
    sizes = args.sizes or ([300] if args.quick else [1000, 10000])
    backends = args.backend or (["extractive"] if args.quick else _available_backends())
    users = [1, 4] if args.quick else [1, 4, 16]
    started = time.perf_counter()
    sections: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as folder:
        work = Path(folder)
        print("beside the LangChain recipe…", flush=True)
        beside = versus.run(work / "versus", questions=20 if args.quick else 100)
        sections.append(("Beside the LangChain recipe", beside["markdown"]))
        print("cold start…", flush=True)
        sections.append(
            (
                "Cold start",
                cold_start.run(work / "cold", repeats=1 if args.quick else 3)["markdown"],
            )
        )
        print("latency by stage…", flush=True)
        measured = latency.run(work / "latency", backends, repeats=1 if args.quick else 2)
        sections.append(("Per-question latency by stage", measured["markdown"]))
        print("ingestion…", flush=True)
        sections.append(
            ("Ingestion", ingest.run(work / "ingest", 300 if args.quick else 5000)["markdown"])
        )
        print("load…", flush=True)
        sections.append(
            (
                "Load: concurrent users of the chat app",
                load.run(work / "load", users, per_user=2 if args.quick else 3)["markdown"],
            )
        )
        print("scale…", flush=True)
        grown = scale.run(work / "scale", sizes)
        chart = scale.plot(grown["results"], args.out / "scale.png")
        sections.append(("Scale", grown["markdown"] + f"\n\n![Scale]({chart.name})"))
    body = "\n\n".join(f"## {title}\n\n{text}" for title, text in sections)
    path = args.out / "report.md"
    seconds = time.perf_counter() - started
    print(
        write_report(path, "Benchmarks", body, seconds, mode=" (quick mode)" if args.quick else "")
    )
    return path


def _available_backends() -> list[str]:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return ["extractive"]
    return ["extractive", "local"]


if __name__ == "__main__":
    main()
