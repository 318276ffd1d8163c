"""The ingestion worker: the one process that writes to a shared index.

It first puts back any job a killed worker left running, brings the index up
to date with the shared corpus folder (what changed while no worker ran), then
runs the app replicas' jobs one at a time. A job finishes only once its sync
is written; when the index server cannot be reached the job goes back in line
and is tried again, so no upload is lost.

The corpus folder, not the queue, is the source of truth: when the queue cannot
be reached the worker waits for it (1, 2, 4 ... up to 8 s between tries, logged)
and never exits; when it is back, and every ``resync`` seconds besides, a full
sync indexes any stored upload whose job was never queued (a replica stores the
file even while the queue is down).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from assistant.errors import AssistantError, QueueUnavailableError, StoreUnavailableError
from assistant.serving.jobs import IndexJob, JobQueue

log = logging.getLogger("assistant")

RETRY_SECONDS = 5.0
QUEUE_BACKOFF = (1.0, 2.0, 4.0, 8.0)
"""Seconds between tries to reach a lost queue: quick at first, then every 8 s."""


def run_worker(
    jobs: JobQueue,
    index: Callable[..., Any],
    *,
    stop: threading.Event | None = None,
    once: bool = False,
    wait: float = 2.0,
    resync: float = 60.0,
) -> int:
    """Run indexing jobs until ``stop`` is set (or, with ``once``, the queue is empty).

    ``index(only=[...])`` is the assistant's own sync; ``index()`` a full one, run at
    start, when a lost queue is back, and every ``resync`` seconds. Returns the jobs run.
    """
    stop = stop or threading.Event()
    done = 0
    lost = 0  # failed tries since the queue went away (0: it answers)
    sync_due = 0.0  # a full sync first
    while not stop.is_set():
        try:
            if time.monotonic() >= sync_due:
                _recover(jobs)
                if lost:
                    log.warning("The job queue is back: indexing what was stored meanwhile.")
                    lost = 0
                if not _full_sync(index, stop):
                    break
                sync_due = time.monotonic() + resync
            job = jobs.take(wait)
            if job is None:
                if once:
                    break
                continue
            _run(job, jobs, index, stop)
            done += 1
        except QueueUnavailableError as exc:
            delay = QUEUE_BACKOFF[min(lost, len(QUEUE_BACKOFF) - 1)]
            lost += 1
            sync_due = 0.0  # what was stored while it was away had no job: sync it all
            log.error("%s Trying again in %.0f s (try %d).", exc, delay, lost)
            stop.wait(delay)
    return done


def _recover(jobs: JobQueue) -> None:
    recovered = jobs.recover()
    if recovered:
        log.warning(
            "%d job(s) were left running by a stopped worker: running them again.", recovered
        )


def _full_sync(index: Callable[..., Any], stop: threading.Event) -> bool:
    """The index brought up to date with the corpus folder; False when stopped first."""
    while True:  # under a process manager the index server may still be starting
        try:
            report = index()
        except StoreUnavailableError as exc:
            log.error("%s Trying again in %.0f s.", exc, RETRY_SECONDS)
            if stop.wait(RETRY_SECONDS):
                return False
            continue
        log.info("Index up to date with the corpus folder: %s", report.summary())
        return True


def _run(job: IndexJob, jobs: JobQueue, index: Callable[..., Any], stop: threading.Event) -> None:
    """One job; it is finished only once its sync is written (else it waits in line)."""
    started = time.perf_counter()
    try:
        report = index(only=list(job.only) if job.only is not None else None)
    except QueueUnavailableError:
        raise
    except StoreUnavailableError as exc:
        log.error("Job %s waits: %s Trying again in %.0f s.", job.id, exc, RETRY_SECONDS)
        jobs.recover()  # back in line, first
        stop.wait(RETRY_SECONDS)
        return
    except AssistantError as exc:  # the job itself cannot run (say, a file gone)
        log.error("Job %s failed: %s", job.id, exc)
    else:
        seconds = time.perf_counter() - started
        log.info("Job %s done in %.1f s: %s", job.id, seconds, report.summary())
    jobs.finish(job)
