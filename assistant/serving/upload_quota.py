"""Bytes per visitor through the upload routes: Gradio's own ``/gradio_api/upload`` too.

The Documents tab counts files per hour, but Gradio stores whatever reaches its upload
route in a temporary folder before any handler of ours runs: one account pushed 396 MB
there in 9 s. This guard counts the bytes each visitor sends to an upload route in the
last hour, as they arrive, and answers 429 once they would pass the quota, before Gradio
writes them.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from pathlib import Path

from assistant.documents.formats import SUPPORTED_SUFFIXES, listed_suffixes
from assistant.serving.accounts import account_key
from assistant.serving.guards import (
    AsgiApp,
    AsgiReceive,
    AsgiScope,
    AsgiSend,
    bounded_body,
    send_text,
)
from assistant.serving.quota import HOUR
from assistant.serving.shared import Fallback, redis_client
from assistant.serving.signin import cookies_of


class ByteWindow:
    """At most ``limit`` bytes per key in any ``window`` seconds; keys beyond ``max_keys``
    are forgotten least recently used first."""

    def __init__(
        self,
        limit: int,
        *,
        window: float = HOUR,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._sent: OrderedDict[str, deque[tuple[float, int]]] = OrderedDict()
        # Each key's bytes in the window, kept as pieces come and go: a body arrives in
        # thousands of pieces, and summing the window at each would cost its square.
        self._totals: dict[str, int] = {}
        self._lock = threading.Lock()

    def left(self, key: str) -> int:
        """Bytes ``key`` may still send now."""
        with self._lock:
            self._recent(key)
            return self.limit - self._totals[key]

    def spend(self, key: str, count: int) -> bool:
        """Count ``count`` bytes of ``key``'s; False when that passes its quota."""
        with self._lock:
            self._recent(key).append((self._clock(), count))
            self._totals[key] += count
            while len(self._sent) > self._max_keys:
                forgotten, _ = self._sent.popitem(last=False)
                del self._totals[forgotten]
            return self._totals[key] <= self.limit

    def _recent(self, key: str) -> deque[tuple[float, int]]:
        now = self._clock()
        sent = self._sent.setdefault(key, deque())
        self._totals.setdefault(key, 0)
        self._sent.move_to_end(key)
        while sent and now - sent[0][0] >= self.window:
            self._totals[key] -= sent.popleft()[1]
        return sent


class RedisByteWindow:
    """:class:`ByteWindow` shared by every replica through Redis: bytes counted in
    one-minute buckets that expire after the window (so the window is the last 60 to 61
    minutes). While Redis is away each replica counts alone, in a :class:`ByteWindow`."""

    PREFIX = "assistant:upload-bytes:"
    BUCKET = 60

    def __init__(
        self,
        limit: int,
        url: str,
        *,
        window: float = HOUR,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock  # wall-clock seconds: the same buckets on every replica
        self._redis = redis_client(url)
        self._local = ByteWindow(limit, window=window)
        self._shared = Fallback("Upload bytes")

    def left(self, key: str) -> int:
        """Bytes ``key`` may still send now, whichever replica it sent them through."""
        return self._shared(
            lambda: self.limit - self._total(key, None),
            lambda: self._local.left(key),
        )

    def spend(self, key: str, count: int) -> bool:
        """Count ``count`` bytes of ``key``'s; False when that passes its quota."""
        return self._shared(
            lambda: self._total(key, count) <= self.limit,
            lambda: self._local.spend(key, count),
        )

    def _total(self, key: str, count: int | None) -> int:
        """``key``'s bytes in the window, after counting ``count`` more (one round trip)."""
        pipe = self._redis.pipeline()
        bucket = int(self._clock() // self.BUCKET)
        buckets = int(self.window // self.BUCKET)
        names = [f"{self.PREFIX}{key}:{b}" for b in range(bucket - buckets + 1, bucket + 1)]
        if count is not None:
            pipe.incrby(names[-1], count)
            pipe.expire(names[-1], int(self.window) + self.BUCKET)
        pipe.mget(names)
        return sum(int(v) for v in pipe.execute()[-1] if v)


def visitor(scope: AsgiScope, prefix: str = "access-token") -> str:
    """Who sends a request: the signed-in account (every spelling of it one), else the
    client's address."""
    tokens = getattr(scope.get("app"), "tokens", None)
    if isinstance(tokens, dict):
        for name, value in cookies_of(scope).items():
            if name.startswith(prefix) and value in tokens:
                return account_visitor(str(tokens[value]))
    return "address:" + str((scope.get("client") or ("",))[0])


def account_visitor(name: str) -> str:
    """The :func:`visitor` key of the account signed in as ``name``."""
    return "account:" + account_key(name)


class UploadQuota:
    """ASGI middleware: 429 once a visitor's uploads in the last hour would pass
    ``max_bytes`` (at once when a body's declared length already would); counted across
    replicas through the job queue's Redis when there is one (``queue_url``). A request
    carrying more than ``max_files`` files, or a file of a type the corpus does not
    read, is refused as its part arrives, before Gradio stores anything."""

    def __init__(
        self,
        app: AsgiApp,
        *,
        max_bytes: int,
        max_files: int = 30,
        queue_url: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.max_files = max_files
        # With a job queue there are replicas: a visitor's bytes count on every one.
        self.sent: ByteWindow | RedisByteWindow
        if queue_url:
            self.sent = RedisByteWindow(max_bytes, queue_url)
        else:
            self.sent = ByteWindow(max_bytes, clock=clock)

    async def __call__(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        if not _is_upload(scope):
            await self.app(scope, receive, send)
            return
        key = visitor(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.sent.left(key):
            await self._over_quota(send)
            return
        names = FileNames()
        refusal: list[Callable[[AsgiSend], Awaitable[None]]] = []

        def over(piece: bytes) -> bool:
            if not self.sent.spend(key, len(piece)):
                refusal.append(self._over_quota)
            for name in names.feed(piece):
                if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                    refusal.append(functools.partial(self._wrong_type, name=name))
            if names.count > self.max_files:
                refusal.append(self._too_many)
            return bool(refusal)

        async def refuse(send: AsgiSend) -> None:
            await refusal[0](send)

        await bounded_body(self.app, scope, receive, send, over=over, refuse=refuse)

    async def _over_quota(self, send: AsgiSend) -> None:
        text = (
            f"You have uploaded as much as this server takes in an hour ({self.sent.limit:,} "
            "bytes; ASSISTANT_UPLOAD_BYTES_PER_HOUR): try again later."
        )
        await send_text(send, 429, text, [(b"retry-after", b"3600"), (b"connection", b"close")])

    async def _wrong_type(self, send: AsgiSend, *, name: str) -> None:
        text = (
            f"{name!r} is not a kind of document this assistant reads: upload "
            f"{listed_suffixes('or')} files."
        )
        await send_text(send, 415, text, [(b"connection", b"close")])

    async def _too_many(self, send: AsgiSend) -> None:
        text = (
            f"One upload may carry at most {self.max_files} files "
            "(ASSISTANT_UPLOADS_PER_HOUR): send fewer at a time."
        )
        await send_text(send, 413, text, [(b"connection", b"close")])


class FileNames:
    """The file names of a multipart body's parts, found as the body streams in pieces
    (a part's header may be cut between two pieces)."""

    _FILENAME = re.compile(rb'content-disposition:[^\r\n]*?filename="([^"\r\n]*)"', re.I)
    _CARRY = 2048
    """Bytes kept from one piece to the next: a part header longer is not a file's."""

    def __init__(self) -> None:
        self.count = 0
        self._tail = b""
        self._seen = 0  # where the last name found ends, in the tail plus the next piece

    def feed(self, piece: bytes) -> list[str]:
        """The names whose headers end in ``piece``."""
        buffer = self._tail + piece
        names = []
        for match in self._FILENAME.finditer(buffer):
            if match.end() > self._seen:
                names.append(match.group(1).decode("utf-8", "replace"))
                self._seen = match.end()
        self.count += len(names)
        cut = max(0, len(buffer) - self._CARRY)
        self._tail = buffer[cut:]
        self._seen = max(0, self._seen - cut)
        return names


def _is_upload(scope: AsgiScope) -> bool:
    return (
        scope["type"] == "http"
        and scope.get("method") == "POST"
        and str(scope.get("path", "")).rstrip("/").endswith("/upload")
    )
