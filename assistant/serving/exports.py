"""Conversation exports served only to the account that made them.

Gradio serves a download from its cache at ``/gradio_api/file=<path>`` to whoever
asks for the path. The path holds a digest of the file, so it cannot be guessed,
but a link that is shared, logged or left in a browser's history would show one
account's conversation to another. Each export is written under a random name
and its owner recorded here; the guard answers 404 to anyone else, as it does for
a file that does not exist.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from urllib.parse import unquote

from assistant.serving.guards import AsgiApp, AsgiReceive, AsgiScope, AsgiSend, send_text
from assistant.serving.upload_quota import visitor

EXPORT_PREFIX = "conversation-"
"""How every export's file name starts."""


class ExportOwners:
    """Which account made each export (by file name); the oldest forgotten past ``size``."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._owners: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, name: str, owner: str) -> None:
        """``owner`` (a :func:`~assistant.serving.upload_quota.visitor` key) made ``name``."""
        with self._lock:
            self._owners[name] = owner
            while len(self._owners) > self._size:
                self._owners.popitem(last=False)

    def owner(self, name: str) -> str | None:
        """Who made ``name``; None for a file made without a sign-in, or forgotten."""
        with self._lock:
            return self._owners.get(name)


class OwnExports:
    """ASGI middleware: a recorded export is served to its owner only (404 otherwise)."""

    def __init__(self, app: AsgiApp, *, owners: ExportOwners) -> None:
        self.app = app
        self.owners = owners

    async def __call__(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        owner = self._owner(scope)
        if owner is not None and visitor(scope) != owner:
            await send_text(send, 404, "Not found.")
            return
        await self.app(scope, receive, send)

    def _owner(self, scope: AsgiScope) -> str | None:
        if scope["type"] != "http":
            return None
        path = unquote(str(scope.get("path", "")))
        _, marker, served = path.partition("/file=")
        name = served.replace("\\", "/").rsplit("/", 1)[-1]
        if not marker or not name.startswith(EXPORT_PREFIX):
            return None
        return self.owners.owner(name)
