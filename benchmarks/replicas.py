"""Answers per second through nginx with one and two app replicas on this machine.

    .venv/bin/python -m benchmarks.replicas [--clients 16] [--seconds 30]

Starts deploy/supervisord.conf's processes (Chroma server, Redis, the worker, the
replicas, nginx) on free loopback ports, as tests/system/deploy does, and puts
``--clients`` gradio_client sessions through nginx for ``--seconds``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.common import QUESTIONS, summary, table


def measure(work: Path, replicas: int, clients: int, seconds: float) -> list[object]:
    """One row: replicas, clients, answers/s, p50 and p95 latency, failures."""
    from gradio_client import Client

    from tests.system.deploy.deployment import Deployment

    deployment = Deployment(work)
    if replicas == 1:
        deployment.env["APP_PORTS"] = str(deployment.ports["app1"])
    try:
        deployment.start_all()
        if replicas == 1:
            deployment.ctl("stop", "app2")
        deployment.wait_until_answering()
        ends = time.monotonic() + seconds

        def visitor(n: int) -> tuple[list[float], int]:
            client = Client(
                deployment.url, verbose=False, headers={"Cookie": f"assistant_route=bench-{n}"}
            )
            latencies: list[float] = []
            failed = 0
            while time.monotonic() < ends:
                started = time.perf_counter()
                try:
                    client.predict(QUESTIONS[len(latencies) % len(QUESTIONS)], api_name="/chat")
                    latencies.append(time.perf_counter() - started)
                except Exception:
                    failed += 1
            return latencies, failed

        begun = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(visitor, range(clients)))
        elapsed = time.monotonic() - begun
    finally:
        deployment.stop()
    latencies = [x for lat, _ in results for x in lat]
    p50, p95, _ = summary(latencies)
    return [
        replicas,
        clients,
        f"{len(latencies) / elapsed:.1f}",
        f"{p50 * 1000:.0f}",
        f"{p95 * 1000:.0f}",
        sum(failed for _, failed in results),
    ]


def run(work: Path, *, clients: int = 16, seconds: float = 30) -> dict[str, object]:
    """Both rows and their Markdown table."""
    rows = [measure(work / f"r{n}", n, clients, seconds) for n in (1, 2)]
    cores = os.cpu_count()
    markdown = table(["replicas", "clients", "answers/s", "p50 ms", "p95 ms", "failures"], rows) + (
        f"\n\nOn {cores} cores, every process (Chroma, both replicas, the clients) shares "
        "the same CPUs: a second replica adds a second Python process answering, but "
        "the embedding of each question and the scoring already use the cores, so "
        "on 2 cores throughput is bound by CPU, not by one process's event loop."
    )
    return {"rows": rows, "markdown": markdown}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assistant-replicas-") as folder:
        print(run(Path(folder), clients=args.clients, seconds=args.seconds)["markdown"])


if __name__ == "__main__":
    main()
