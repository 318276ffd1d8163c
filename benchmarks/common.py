"""Shared helpers of the benchmarks: the machine, percentiles, tables, servers."""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from assistant.evaluation.metrics import percentile

REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO / "corpus" / "operations-manager-vs-coo.md"
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


def machine() -> str:
    """CPU, cores, memory, Python and the main packages' versions, as one Markdown paragraph."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
        kb = int(next(line for line in lines if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    packages = ", ".join(
        f"{name} {_version(name)}"
        for name in (
            "chromadb",
            "sentence-transformers",
            "onnxruntime",
            "gradio",
            "llama-cpp-python",
        )
    )
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {packages}"
    )


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def write_report(path: Path, title: str, body: str, seconds: float, *, mode: str = "") -> str:
    """Write a Markdown report headed by when, how long and on what machine it was measured."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = f"# {title}\n\nMeasured {when} in {seconds:.0f} s{mode} on: {machine()}.\n\n{body}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report, encoding="utf-8")
    return report


def summary(values: list[float]) -> tuple[float, float, float]:
    """p50, p95 and mean."""
    return (
        percentile(values, 0.5),
        percentile(values, 0.95),
        statistics.fmean(values) if values else 0.0,
    )


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    args: list[str], *, port: int, env: dict[str, str], log: Path, timeout: float = 300
) -> subprocess.Popen[bytes]:
    """Start a server process logging to ``log`` and wait until it listens on ``port``."""
    handle = log.open("wb")
    process = subprocess.Popen(
        args, cwd=REPO, env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{args[0]} exited: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    raise TimeoutError(f"{args} did not listen on {port} within {timeout}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def folder_size(path: Path) -> int:
    """Bytes used by the files under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
