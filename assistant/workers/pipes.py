"""Messages between this process and a worker process: JSON, framed, with deadlines.

Each message is a JSON object preceded by its length (8 bytes, big-endian), over
unbuffered pipes, so what ``select`` says is readable is all there is. A worker
that dies shows as ``EOFError``; one that hangs as ``TimeoutError``.
"""

from __future__ import annotations

import json
import os
import selectors
import struct
import subprocess
import sys
import time
from typing import IO, Any

_HEADER = struct.Struct(">Q")


def send(pipe: IO[bytes], message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    pipe.write(_HEADER.pack(len(body)) + body)
    pipe.flush()


def spawn(module: str, *args: str) -> subprocess.Popen[bytes]:
    """Start ``python -m module args`` as a worker: its stdin and stdout are our pipes.

    Unbuffered, so what ``select`` says is readable is all there is; its stderr is
    discarded (native libraries print there); it imports this interpreter's packages.
    """
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        bufsize=0,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Kill a worker if it still runs, reap it, and close this side's pipes."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()


def receive(pipe: IO[bytes], *, deadline: float | None = None) -> dict[str, Any]:
    header = _read(pipe, _HEADER.size, deadline)
    (length,) = _HEADER.unpack(header)
    message = json.loads(_read(pipe, length, deadline))
    if not isinstance(message, dict):
        raise ValueError("not a message")
    return message


def _read(pipe: IO[bytes], size: int, deadline: float | None) -> bytes:
    """Exactly ``size`` bytes of an unbuffered pipe; TimeoutError at ``deadline``, or EOFError."""
    chunks: list[bytes] = []
    remaining = size
    with selectors.DefaultSelector() as selector:
        selector.register(pipe, selectors.EVENT_READ)
        while remaining:
            timeout = None if deadline is None else deadline - time.monotonic()
            if timeout is not None and (timeout <= 0 or not selector.select(timeout)):
                raise TimeoutError
            chunk = os.read(pipe.fileno(), remaining)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            remaining -= len(chunk)
    return b"".join(chunks)
