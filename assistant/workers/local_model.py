"""The local model in a process of its own, so that a crash in llama.cpp is an error.

llama.cpp is native code: a build that uses an instruction this CPU traps (AMX on
some cloud machines, AVX2 on old ones) dies with "Illegal instruction", taking
its process with it. Run in-process, that process would be the chat app. Here
the model runs in ``python -m assistant.workers.local_model``, started on first use and
kept; requests and streamed replies cross pipes as JSON. If the worker dies, the
caller gets a :class:`~assistant.errors.BackendError` that says why (and the
generative answerer answers with quotes instead); the next request starts a new
worker.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.errors import BackendError, BackendNotInstalledError
from assistant.workers.pipes import receive, send, spawn, stop

INSTALL_LOCAL = "`make chat EXTRAS='[local]'` (or `pip install -e '.[local]'`)"
REQUIRED_FLAGS = ("avx2", "fma", "f16c")
"""What the project's portable llama.cpp build needs of an x86-64 CPU (see the Makefile)."""
_START_SECONDS = 120.0


def cpu_problem(cpuinfo: Path = Path("/proc/cpuinfo")) -> str | None:
    """Why this CPU cannot run the portable build, or None (also when it cannot tell)."""
    if not cpuinfo.is_file() or os.uname().machine not in {"x86_64", "AMD64"}:
        return None
    text = cpuinfo.read_text(errors="replace")
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines()
                  if line.startswith("flags")), None)  # fmt: skip
    if flags is None:
        return None
    missing = [f for f in REQUIRED_FLAGS if f not in flags]
    if not missing:
        return None
    return (
        f"This CPU lacks {', '.join(missing).upper()}, which the local model's build needs. "
        "Use the extractive backend, or an OpenAI-compatible endpoint on another machine "
        "(ASSISTANT_BACKEND=openai)."
    )


class LlamaWorker:
    """One worker process for one model configuration; one generation at a time."""

    def __init__(self, model_path: str, n_ctx: int, n_threads: int, seed: int) -> None:
        self.model_path = model_path
        self.config: dict[str, Any] = {
            "model_path": model_path,
            "n_ctx": n_ctx,
            "n_threads": n_threads,
            "seed": seed,
        }
        self.lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def chat(self, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Send one chat completion request; yield the worker's messages until ``done``."""
        with self.lock:
            process = self._ensure()
            assert process.stdin is not None and process.stdout is not None
            try:
                send(process.stdin, request)
                while True:
                    message = receive(process.stdout)
                    if "error" in message:
                        raise BackendError(f"The local model failed: {message['error']}")
                    yield message
                    if message.get("done"):
                        return
            except (OSError, EOFError, ValueError) as exc:
                raise BackendError(self._death()) from exc

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self._process is not None:
            if self._process.poll() is None:
                return self._process
            # It died between requests (a crash, the OOM killer): say so once, as a
            # crash during a request would; the next request starts a new worker.
            raise BackendError(self._death())
        problem = cpu_problem()
        if problem:
            raise BackendError(problem)
        if not Path(self.model_path).is_file():
            raise BackendError(
                f"The model file {self.model_path} does not exist (ASSISTANT_LLM_MODEL_PATH)."
            )
        process = spawn("assistant.workers.local_model")
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        try:
            send(process.stdin, self.config)
            ready = receive(process.stdout, deadline=_deadline())
        except (OSError, EOFError, ValueError, TimeoutError) as exc:
            raise BackendError(self._death()) from exc
        if "error" in ready:
            self.close()
            raise BackendNotInstalledError(str(ready["error"]))
        return process

    def _death(self) -> str:
        """What happened to the worker, for people; the worker is gone after this."""
        process = self._process
        code = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = process.wait(timeout=5)
        self.close()
        if code == -signal.SIGILL:
            return (
                "The local model crashed on an instruction this CPU does not run (Illegal "
                "instruction). llama-cpp-python was probably compiled for another CPU: rebuild "
                "it with `make llama-wheel` and reinstall (see the README). Answering with "
                "quotes meanwhile."
            )
        how = f"exit code {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
        return f"The local model stopped unexpectedly ({how}); it restarts on the next question."

    def close(self) -> None:
        """Stop the worker (a new one starts when needed)."""
        if self._process is not None:
            stop(self._process)
            self._process = None


def _deadline() -> float:
    return time.monotonic() + _START_SECONDS


_WORKERS: dict[tuple[str, int, int, int], LlamaWorker] = {}
_WORKERS_LOCK = threading.Lock()


def worker_for(model_path: str, n_ctx: int, n_threads: int, seed: int) -> LlamaWorker:
    """The process-wide worker for this configuration."""
    key = (model_path, n_ctx, n_threads, seed)
    with _WORKERS_LOCK:
        if key not in _WORKERS:
            _WORKERS[key] = LlamaWorker(model_path, n_ctx, n_threads, seed)
        return _WORKERS[key]


@atexit.register
def _close_workers() -> None:
    with _WORKERS_LOCK:
        for worker in _WORKERS.values():
            worker.close()
        _WORKERS.clear()


# --- the worker side ---------------------------------------------------------------------


def _serve() -> None:
    """Load the model named by the first message, then answer requests until stdin closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    config = receive(stdin)
    try:
        from llama_cpp import Llama
    except ImportError:
        send(stdout, {"error": f"The local backend needs llama-cpp-python: {INSTALL_LOCAL}."})
        return
    # llama.cpp prints its model card on load; the user does not need it.
    with Path(os.devnull).open("w") as devnull, contextlib.redirect_stderr(devnull):
        llama = Llama(
            model_path=config["model_path"],
            n_ctx=config["n_ctx"],
            n_threads=config["n_threads"],
            seed=config["seed"],
            verbose=False,
        )
    send(stdout, {"ready": True})
    while True:
        try:
            request = receive(stdin)
        except EOFError:
            llama.close()
            return
        try:
            _answer(llama, request, stdout)
        except Exception as exc:  # a bad request must not end the worker
            send(stdout, {"error": f"{type(exc).__name__}: {exc}"})


def _answer(llama: Any, request: dict[str, Any], stdout: Any) -> None:
    messages = request["messages"]
    prompt = "\n".join(m["content"] for m in messages)
    prompt_tokens = len(llama.tokenize(prompt.encode(), add_bos=True))
    if not request.pop("stream", False):
        result = llama.create_chat_completion(**request)
        send(stdout, {"result": result, "done": True})
        return
    written: list[str] = []
    for part in llama.create_chat_completion(stream=True, **request):
        delta = part["choices"][0].get("delta", {}).get("content")
        if delta:
            written.append(delta)
            send(stdout, {"delta": delta})
    text = "".join(written)
    completion = len(llama.tokenize(text.encode(), add_bos=False)) if text else 0
    send(stdout, {"done": True, "usage": {"prompt_tokens": prompt_tokens,
                                           "completion_tokens": completion}})  # fmt: skip


if __name__ == "__main__":
    _serve()
