"""The ingestion worker: the one process that writes to a shared index.

It first puts back any job a killed worker left running, brings the index up
to date with the shared corpus folder (what changed while no worker ran), then
runs the app replicas' jobs one at a time. A job finishes only once its sync
is written; when the index server cannot be reached the job goes back in line
and is tried again, so no upload is lost.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from assistant.errors import AssistantError, StoreUnavailableError
from assistant.serving.jobs import JobQueue

log = logging.getLogger("assistant")

RETRY_SECONDS = 5.0


def run_worker(
    jobs: JobQueue,
    index: Callable[..., Any],
    *,
    stop: threading.Event | None = None,
    once: bool = False,
    wait: float = 2.0,
) -> int:
    """Run indexing jobs until ``stop`` is set (or, with ``once``, the queue is empty).

    ``index(only=[...])`` is the assistant's own sync. Returns the jobs run.
    """
    stop = stop or threading.Event()
    recovered = jobs.recover()
    if recovered:
        log.warning(
            "%d job(s) were left running by a stopped worker: running them again.", recovered
        )
    while True:  # under a process manager the index server may still be starting
        try:
            report = index()
            break
        except StoreUnavailableError as exc:
            log.error("%s Trying again in %.0f s.", exc, RETRY_SECONDS)
            if stop.wait(RETRY_SECONDS):
                return 0
    log.info("Index up to date with the corpus folder: %s", report.summary())
    done = 0
    while not stop.is_set():
        job = jobs.take(wait)
        if job is None:
            if once:
                break
            continue
        started = time.perf_counter()
        try:
            report = index(only=list(job.only) if job.only is not None else None)
        except StoreUnavailableError as exc:
            log.error("Job %s waits: %s Trying again in %.0f s.", job.id, exc, RETRY_SECONDS)
            jobs.recover()  # back in line, first
            stop.wait(RETRY_SECONDS)
            continue
        except AssistantError as exc:  # the job itself cannot run (say, a file gone)
            log.error("Job %s failed: %s", job.id, exc)
        else:
            log.info(
                "Job %s done in %.1f s: %s", job.id, time.perf_counter() - started, report.summary()
            )
        jobs.finish(job)
        done += 1
    return done
