"""The deployment of `make deploy`: deploy/supervisord.conf run by supervisord, for real.

deploy/deploy.env's settings, with ports and folders replaced by free ones, are the
environment supervisord starts with, so the tests run exactly what users run; a process
is killed by its pid and supervisord brings it back.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support import ARTICLE, REPO, free_port

CONFIG = REPO / "deploy" / "supervisord.conf"
ENV_FILE = REPO / "deploy" / "deploy.env"
UPLOAD_QUOTA = 5_000_000
"""Bytes one visitor may upload in an hour here (ASSISTANT_UPLOAD_BYTES_PER_HOUR)."""
PROCESSES = ("chroma", "redis", "worker", "app1", "app2", "nginx")


def env_file() -> dict[str, str]:
    """deploy/deploy.env as a mapping."""
    pairs = (line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs if not k.strip().startswith("#")}


class Deployment:
    """Chroma, Redis, the worker, two app replicas and nginx, on free loopback ports, each
    kept running by supervisord."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.corpus = root / "corpus"
        self.corpus.mkdir(parents=True)
        (self.corpus / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
        ports = {name: free_port() for name in ("chroma", "redis", "app1", "app2", "nginx")}
        self.ports = ports
        self.data = root / "data"
        self.env = {
            **os.environ,
            **env_file(),
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "DEPLOY_DATA": str(self.data),
            "ASSISTANT_CORPUS_DIR": str(self.corpus),
            "ASSISTANT_INDEX_DIR": str(root / "index"),
            "ASSISTANT_CHROMA_PORT": str(ports["chroma"]),
            "REDIS_PORT": str(ports["redis"]),
            "ASSISTANT_QUEUE_URL": f"redis://127.0.0.1:{ports['redis']}/0",
            "APP1_PORT": str(ports["app1"]),
            "APP2_PORT": str(ports["app2"]),
            "NGINX_PORT": str(ports["nginx"]),
            "APP_PORTS": f"{ports['app1']},{ports['app2']}",
            # Small enough for a test to pass it: test_replicas' quota test.
            "ASSISTANT_UPLOAD_BYTES_PER_HOUR": str(UPLOAD_QUOTA),
        }
        (self.data / "logs").mkdir(parents=True)
        self.supervisor: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """nginx: where visitors go."""
        return f"http://127.0.0.1:{self.ports['nginx']}/"

    def replica_url(self, name: str) -> str:
        """One replica, bypassing nginx."""
        return f"http://127.0.0.1:{self.ports[name]}/"

    def start_all(self) -> None:
        """supervisord with every process; back when each one that listens does."""
        self.supervisor = subprocess.Popen(
            [str(Path(sys.executable).parent / "supervisord"), "-c", str(CONFIG)],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        for name in PROCESSES:
            self.wait_running(name, timeout=180)

    def ctl(self, *args: str) -> str:
        """What ``supervisorctl`` says."""
        done = subprocess.run(
            [str(Path(sys.executable).parent / "supervisorctl"), "-c", str(CONFIG), *args],
            check=False,  # "pid" of a stopped process exits non-zero; its text says so
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return done.stdout

    def pid(self, name: str) -> int:
        """The process's pid (0 when it is not running)."""
        said = self.ctl("pid", name).strip()
        return int(said) if said.isdigit() else 0

    def wait_running(self, name: str, timeout: float = 10.0, *, other_than: int = 0) -> float:
        """Seconds until ``name`` runs (as a pid other than ``other_than``) and, if it has
        a port, listens there."""
        started = time.monotonic()
        deadline = started + timeout
        while self.pid(name) in (0, other_than):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{name} is not running:\n{self.ctl('status')}{self.log(name)}"
                )
            time.sleep(0.1)
        while name in self.ports and not _listening(self.ports[name]):
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} does not listen:\n{self.log(name)}")
            time.sleep(0.1)
        return time.monotonic() - started

    def log(self, name: str) -> str:
        """What a process printed so far (its rotating log)."""
        path = self.data / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self, name: str) -> int:
        """SIGKILL one process, as a crash would; the pid it had."""
        pid = self.pid(name)
        assert pid, self.ctl("status")
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_until_answering(self, timeout: float = 240.0) -> None:
        """Until a question through nginx gets a cited answer (the worker's first sync done)."""
        from gradio_client import Client

        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = Client(self.url, verbose=False).predict(
                    "What does a COO do?", api_name="/chat"
                )
                if reply["citations"]:
                    return
            except Exception:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("The deployment never answered:\n" + self.log("worker"))
            time.sleep(2)

    def stop(self) -> None:
        """Stop supervisord, which stops every process."""
        if self.supervisor is None or self.supervisor.poll() is not None:
            return
        self.supervisor.terminate()
        try:
            self.supervisor.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.supervisor.kill()
            self.supervisor.wait()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def upstream_of(url: str, route: str) -> str:
    """Which replica nginx sends the visitor with this route cookie to (its port)."""
    response = httpx.get(f"{url}config", cookies={"assistant_route": route})
    return response.headers["x-replica"].rsplit(":", 1)[1]
