"""Indexing jobs handed from app replicas to the one ingestion worker, through Redis.

Several app processes share one Chroma server; if each indexed its own uploads
they would race on it. With ``ASSISTANT_QUEUE_URL`` set, a replica stores an
upload in the shared corpus folder and submits a job; only ``assistant worker``
writes to the index. The queue is reliable: the worker moves a job to its own
"working" list while it runs (Redis ``BLMOVE``) and removes it when done, so a
worker killed mid-job finds it there when it starts again and runs it again
(a sync is idempotent: what was written already is kept).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.errors import QueueUnavailableError

JOBS = "assistant:index-jobs"
WORKING = "assistant:index-jobs:working"
DONE = "assistant:index-jobs:done"
"""The ids of the last finished jobs, newest first (for status checks and tests)."""
KEPT_DONE = 1000


@dataclass(frozen=True)
class IndexJob:
    """Bring the index up to date with the corpus folder (``only`` these files, if given)."""

    only: tuple[str, ...] | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    submitted: float = field(default_factory=time.time)

    def encode(self) -> str:
        """The job as stored in Redis."""
        return json.dumps(asdict(self))

    @classmethod
    def decode(cls, raw: str | bytes) -> IndexJob:
        """A job read back from Redis."""
        data: dict[str, Any] = json.loads(raw)
        only = data.get("only")
        return cls(
            tuple(only) if only is not None else None, str(data["id"]), float(data["submitted"])
        )


class JobQueue:
    """The Redis lists that hold pending and running indexing jobs."""

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        import redis

        self.url = url
        self._redis = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, decode_responses=True
        )

    def _call(self, method: str, *args: Any) -> Any:
        import redis

        try:
            return getattr(self._redis, method)(*args)
        except redis.RedisError as exc:
            raise QueueUnavailableError(
                f"Cannot reach the job queue at {_safe(self.url)} ({exc}). Start Redis, or "
                "unset ASSISTANT_QUEUE_URL to index in this process."
            ) from None

    def submit(self, only: list[str] | None = None) -> IndexJob:
        """Queue a sync of ``only`` these corpus files (all, if None); returns the job."""
        job = IndexJob(tuple(only) if only is not None else None)
        self._call("lpush", JOBS, job.encode())
        return job

    def take(self, wait: float = 5.0) -> IndexJob | None:
        """The oldest pending job, now marked as running; None after ``wait`` seconds."""
        raw = self._call("blmove", JOBS, WORKING, wait, "RIGHT", "LEFT")
        return IndexJob.decode(raw) if raw is not None else None

    def finish(self, job: IndexJob) -> None:
        """Mark a running job as done."""
        self._call("lrem", WORKING, 1, job.encode())
        self._call("lpush", DONE, job.id)
        self._call("ltrim", DONE, 0, KEPT_DONE - 1)

    def recover(self) -> int:
        """Put jobs left running by a worker that died back in line, first; how many."""
        moved = 0
        while self._call("lmove", WORKING, JOBS, "LEFT", "RIGHT") is not None:
            moved += 1
        return moved

    def pending(self) -> int:
        """Jobs waiting or running."""
        return int(self._call("llen", JOBS)) + self.running()

    def running(self) -> int:
        """Jobs a worker has taken and not finished (one left by a killed worker counts)."""
        return int(self._call("llen", WORKING))

    def done(self, job_id: str) -> bool:
        """Whether the job ``job_id`` has finished (among the last :data:`KEPT_DONE`)."""
        return job_id in self._call("lrange", DONE, 0, KEPT_DONE - 1)


def _safe(url: str) -> str:
    """The URL without a password."""
    if "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url
