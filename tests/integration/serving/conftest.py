"""A real redis-server on a free loopback port, one per test."""

from __future__ import annotations

import shutil

import pytest

from tests.support import free_port, start_server, stop


@pytest.fixture
def redis_url(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is missing: install Debian's redis-server (make test does)")
    port = free_port()
    process = start_server(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        port,
    )
    yield f"redis://127.0.0.1:{port}/0"
    stop(process)
