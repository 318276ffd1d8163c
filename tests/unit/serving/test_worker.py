"""The ingestion worker's loop, with a queue and an index that stand in for Redis and Chroma."""

from __future__ import annotations

import threading

from assistant.errors import DocumentError, QueueUnavailableError, StoreUnavailableError
from assistant.serving.jobs import IndexJob
from assistant.serving.worker import run_worker


class Report:
    def summary(self) -> str:
        return "nothing changed"


class Queue:
    """Jobs in a list; what was finished and put back is recorded."""

    def __init__(self, *jobs: IndexJob) -> None:
        self.waiting = list(jobs)
        self.finished: list[IndexJob] = []
        self.recovered = 0

    def recover(self) -> int:
        self.recovered += 1
        return 0

    def take(self, wait: float) -> IndexJob | None:
        return self.waiting.pop(0) if self.waiting else None

    def finish(self, job: IndexJob) -> None:
        self.finished.append(job)


def _index(*failures: Exception):
    calls: list[tuple[str, ...] | None] = []
    pending = list(failures)

    def index(only=None):
        calls.append(tuple(only) if only is not None else None)
        if pending:
            raise pending.pop(0)
        return Report()

    return index, calls


def test_the_worker_syncs_the_corpus_first_then_runs_each_job(monkeypatch):
    job = IndexJob(("uploads/a.md",))
    queue = Queue(job)
    index, calls = _index()
    assert run_worker(queue, index, once=True) == 1
    assert calls == [None, ("uploads/a.md",)]
    assert queue.finished == [job]


def test_the_worker_waits_for_an_index_server_that_is_still_starting(monkeypatch):
    monkeypatch.setattr("assistant.serving.worker.RETRY_SECONDS", 0.01)
    index, calls = _index(StoreUnavailableError("Chroma is not up yet."))
    assert run_worker(Queue(), index, once=True) == 0
    assert calls == [None, None]  # tried again, then went on


def test_a_job_that_cannot_reach_the_index_goes_back_in_line(monkeypatch):
    monkeypatch.setattr("assistant.serving.worker.RETRY_SECONDS", 0.01)
    job = IndexJob(("uploads/a.md",))
    queue = Queue(job)
    _, calls = _index()

    def index(only=None):
        calls.append(only)
        if only is not None and len(calls) == 2:
            queue.waiting.append(job)  # what recover() does with Redis
            raise StoreUnavailableError("Chroma went away.")
        return Report()

    run_worker(queue, index, once=True)
    assert queue.finished == [job]  # finished once, on the second try
    assert queue.recovered == 2


def test_a_job_that_cannot_run_is_finished_and_the_next_one_runs():
    broken, good = IndexJob(("uploads/gone.md",)), IndexJob(("uploads/b.md",))
    queue = Queue(broken, good)
    index, _ = _index()

    def failing(only=None):
        if only == ["uploads/gone.md"]:
            raise DocumentError("uploads/gone.md is not in the corpus any more.")
        return index(only=only)

    assert run_worker(queue, failing, once=True) == 2
    assert queue.finished == [broken, good]


def test_a_stopped_worker_runs_no_job():
    stop = threading.Event()
    stop.set()
    index, _ = _index()
    assert run_worker(Queue(IndexJob()), index, stop=stop) == 0


class LosingQueue(Queue):
    """A queue that cannot be reached for its first ``lost`` calls to take()."""

    def __init__(self, *jobs: IndexJob, lost: int) -> None:
        super().__init__(*jobs)
        self.lost = lost

    def take(self, wait: float) -> IndexJob | None:
        if self.lost:
            self.lost -= 1
            raise QueueUnavailableError("Cannot reach the job queue.")
        return super().take(wait)


def test_a_lost_queue_is_waited_for_and_never_ends_the_worker(monkeypatch):
    monkeypatch.setattr("assistant.serving.worker.QUEUE_BACKOFF", (0.01, 0.02))
    job = IndexJob(("uploads/a.md",))
    queue = LosingQueue(job, lost=3)
    index, _ = _index()
    assert run_worker(queue, index, once=True) == 1
    assert queue.finished == [job]


def test_when_the_queue_is_back_the_whole_corpus_folder_is_synced(monkeypatch):
    # An upload stored while the queue was away never had a job: the full sync finds it.
    monkeypatch.setattr("assistant.serving.worker.QUEUE_BACKOFF", (0.01,))
    queue = LosingQueue(lost=1)
    index, calls = _index()
    run_worker(queue, index, once=True)
    assert calls == [None, None]  # at start, and again once the queue answered


def test_the_corpus_folder_is_synced_again_at_an_interval(monkeypatch):
    stop = threading.Event()
    index, calls = _index()

    def counting(only=None):
        if len(calls) >= 3:
            stop.set()
        return index(only=only)

    run_worker(Queue(), counting, stop=stop, wait=0.01, resync=0.05)
    assert calls[:3] == [None, None, None]
