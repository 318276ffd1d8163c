"""The processes of deploy/Procfile, started line by line as honcho would start them.

Each line runs under ``sh -c`` with deploy/deploy.env's settings (ports and
folders replaced by free ones), so the tests start exactly what users start,
and each process can be killed on its own.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support import ARTICLE, REPO, free_port, wait_for_port

PROCFILE = REPO / "deploy" / "Procfile"
ENV_FILE = REPO / "deploy" / "deploy.env"


def procfile() -> dict[str, str]:
    """The Procfile's processes: name to command line."""
    lines = [line for line in PROCFILE.read_text().splitlines() if re.match(r"^\w+:", line)]
    return {name: command.strip() for name, command in (line.split(":", 1) for line in lines)}


def env_file() -> dict[str, str]:
    """deploy/deploy.env as a mapping."""
    pairs = (line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs if not k.strip().startswith("#")}


class Deployment:
    """Chroma, Redis, the worker, two app replicas and nginx, on free loopback ports."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.corpus = root / "corpus"
        self.corpus.mkdir(parents=True)
        shutil.copy(ARTICLE, self.corpus / ARTICLE.name)
        ports = {name: free_port() for name in ("chroma", "redis", "app1", "app2", "nginx")}
        self.ports = ports
        self.env = {
            **os.environ,
            **env_file(),
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "DEPLOY_DATA": str(root / "data"),
            "ASSISTANT_CORPUS_DIR": str(self.corpus),
            "ASSISTANT_INDEX_DIR": str(root / "index"),
            "ASSISTANT_CHROMA_PORT": str(ports["chroma"]),
            "REDIS_PORT": str(ports["redis"]),
            "ASSISTANT_QUEUE_URL": f"redis://127.0.0.1:{ports['redis']}/0",
            "APP1_PORT": str(ports["app1"]),
            "APP2_PORT": str(ports["app2"]),
            "NGINX_PORT": str(ports["nginx"]),
            "APP_PORTS": f"{ports['app1']},{ports['app2']}",
        }
        (root / "data").mkdir()
        self.commands = procfile()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        """nginx: where visitors go."""
        return f"http://127.0.0.1:{self.ports['nginx']}/"

    def replica_url(self, name: str) -> str:
        """One replica, bypassing nginx."""
        return f"http://127.0.0.1:{self.ports[name]}/"

    def start(self, name: str) -> subprocess.Popen[bytes]:
        """Start one Procfile line; wait until it listens, if it has a port."""
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the process writes it
            prefix=f"deploy-{name}-", suffix=".log", delete=False
        )
        command = self.commands[name]
        # The shell gives way to the process (exec), so a kill reaches the process itself.
        command = command if "exec " in command else f"exec {command}"
        process = subprocess.Popen(
            ["sh", "-c", command],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name  # type: ignore[attr-defined]
        log.close()
        self.processes[name] = process
        if name in self.ports:
            wait_for_port(self.ports[name], process, timeout=180)
        return process

    def log(self, name: str) -> str:
        """What a process printed so far."""
        return Path(self.processes[name].log_path).read_text(errors="replace")  # type: ignore[attr-defined]

    def kill(self, name: str) -> int:
        """SIGKILL one process; its exit status (-9 when the signal killed it)."""
        process = self.processes[name]
        process.kill()
        return process.wait(timeout=30)

    def start_all(self) -> None:
        """Every process, in the order the services need each other."""
        for name in ("chroma", "redis", "worker", "app1", "app2", "nginx"):
            self.start(name)

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
        """Stop every process."""
        for process in reversed(self.processes.values()):
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def upstream_of(url: str, route: str) -> str:
    """Which replica nginx sends the visitor with this route cookie to (its port)."""
    response = httpx.get(f"{url}config", cookies={"assistant_route": route})
    return response.headers["x-replica"].rsplit(":", 1)[1]
