"""Parsing untrusted files in a worker process, bounded in time, memory and output.

A PDF can nest arrays fifty thousand deep (a RecursionError), inflate a 69 KB
file to 70 MB (a decompression bomb) or make a parser spin. Such a file is
parsed by a separate Python process (``python -m assistant.documents.parse_worker``) with a
memory limit and a deadline; whatever happens there, the caller gets a
:class:`~assistant.errors.DocumentError` naming the file and the reason, and
indexing, the CLI and the app carry on. The worker is kept between files (its
start-up is paid once) and replaced when a file kills or hangs it; two of them
take files in turn, so a slow file does not hold up every other. Requests and
results cross the pipe as JSON, so a worker subverted by a hostile file can
send nothing but data.
"""

from __future__ import annotations

import atexit
import base64
import queue
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from typing import Any

from assistant.documents.formats import ISOLATED_KINDS, SourceDocument, parse_document
from assistant.errors import DocumentError
from assistant.settings import Limits
from assistant.workers.pipes import receive, send, spawn, stop


def read_bytes(raw: bytes, *, source: str, kind: str, limits: Limits) -> SourceDocument:
    """``raw`` as a document; risky formats parsed in the worker, within ``limits``."""
    if kind not in ISOLATED_KINDS:
        return parse_document(raw, source=source, kind=kind, max_chars=limits.max_chars)
    worker = _POOL.get()
    try:
        return worker.parse(raw, source, kind, limits)
    finally:
        _POOL.put(worker)


class _Worker:
    """One worker process, started on first use and replaced when a file breaks it."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._memory = 0
        self._lock = threading.Lock()

    def parse(self, raw: bytes, source: str, kind: str, limits: Limits) -> SourceDocument:
        request = {
            "raw": base64.b64encode(raw).decode(),
            "source": source,
            "kind": kind,
            "max_chars": limits.max_chars,
        }
        with self._lock:
            process = self._ensure(limits.memory_bytes)
            assert process.stdin is not None and process.stdout is not None
            try:
                send(process.stdin, request)
                reply = receive(process.stdout, deadline=time.monotonic() + limits.seconds)
            except TimeoutError:
                self.close()
                raise DocumentError(
                    f"{source} took longer than {limits.seconds:.0f} s to read and was given up "
                    "(ASSISTANT_PARSE_TIMEOUT)"
                ) from None
            except (OSError, EOFError, ValueError):  # the worker died: out of memory, or worse
                self.close()
                raise DocumentError(
                    f"{source} could not be read: the reader stopped while reading it"
                ) from None
        if "error" in reply:
            raise DocumentError(str(reply["error"]))
        document = reply["document"]
        document["pages"] = tuple(document["pages"])
        return SourceDocument(**document)

    def _ensure(self, memory: int) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None or self._memory != memory:
            self.close()
            self._process = spawn("assistant.documents.parse_worker", str(memory))
            self._memory = memory
        return self._process

    def close(self) -> None:
        """Stop the worker (it is started again when needed)."""
        if self._process is not None:
            stop(self._process)
            self._process = None


POOL_SIZE = 2
"""Worker processes at most: one visitor's slow PDF leaves another's file a reader of its
own, and the machine's memory bounds how many limits' worth of parsing run at once."""
_WORKERS = [_Worker() for _ in range(POOL_SIZE)]
_POOL: queue.LifoQueue[_Worker] = queue.LifoQueue()  # the last used first: it is warm
for _worker in _WORKERS:
    _POOL.put(_worker)


@atexit.register
def _close_all() -> None:
    for worker in _WORKERS:
        worker.close()


def _serve(memory: int) -> None:
    """The worker: parse requests from stdin until it closes, answering on stdout."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            request = receive(stdin)
        except EOFError:
            return
        send(stdout, _answer(request))


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    source = str(request["source"])
    try:
        raw = base64.b64decode(request["raw"])
        document = parse_document(
            raw, source=source, kind=str(request["kind"]), max_chars=int(request["max_chars"])
        )
        return {"document": asdict(document)}
    except DocumentError as exc:
        return {"error": str(exc)}
    except RecursionError:
        return {"error": f"{source} is nested too deeply to read"}
    except MemoryError:
        return {"error": f"{source} needs more memory to read than a document may use"}
    except Exception as exc:  # a parser's own bug on a hostile file
        return {"error": f"{source} could not be read ({type(exc).__name__})"}


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
