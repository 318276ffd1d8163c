"""ASGI guards in front of the whole app: a request body bound, a client's share of the queue.

Gradio parses a request's JSON (or a form) before it checks the sign-in, and
reads a whole body before its own limits apply: a 774 MB JSON body sent to the
queue grew the server by gigabytes before the 401. This guard counts the bytes
as they arrive and answers 413 as soon as a body is larger than allowed (at
once when its declared length already is), so nothing behind it ever holds
more than the limit. :class:`QueueShare` keeps one client from filling the
queue everyone shares. The Host check is Starlette's ``TrustedHostMiddleware``.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from assistant.serving.quota import SlidingQuota

AsgiScope = MutableMapping[str, Any]
AsgiMessage = MutableMapping[str, Any]
AsgiReceive = Callable[[], Awaitable[AsgiMessage]]
AsgiSend = Callable[[AsgiMessage], Awaitable[None]]
AsgiApp = Callable[[AsgiScope, AsgiReceive, AsgiSend], Awaitable[None]]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


async def bounded_body(
    app: AsgiApp,
    scope: AsgiScope,
    receive: AsgiReceive,
    send: AsgiSend,
    *,
    over: Callable[[bytes], bool],
    refuse: Callable[[AsgiSend], Awaitable[None]],
) -> None:
    """Run ``app`` on a body read piece by piece: once ``over(this piece)`` says
    the body has gone too far, ``refuse`` answers (unless the app already has) and the app
    is told the client left, so it stops reading whatever it does with parsing errors."""
    started = refused = False

    async def counted() -> AsgiMessage:
        nonlocal refused
        if refused:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request" and over(message.get("body", b"")):
            refused = True
            if not started:
                await refuse(send)
            return {"type": "http.disconnect"}
        return message

    async def tracked(message: AsgiMessage) -> None:
        nonlocal started
        if refused:
            return  # the refusal is the answer
        started = started or message["type"] == "http.response.start"
        await send(message)

    await app(scope, counted, tracked)


class BodyLimit:
    """Answers 413 to a request whose body is over ``max_bytes``, before the app reads it."""

    def __init__(self, app: AsgiApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0

        def over(piece: bytes) -> bool:
            nonlocal received
            received += len(piece)
            return received > self.max_bytes

        await bounded_body(self.app, scope, receive, send, over=over, refuse=self._refuse)

    async def _refuse(self, send: AsgiSend) -> None:
        text = (
            f"The request is larger than this server accepts ({self.max_bytes:,} bytes; "
            "ASSISTANT_MAX_REQUEST_BYTES)."
        )
        await send_text(send, 413, text, [(b"connection", b"close")])


class QueueShare:
    """Answers 429 when one client address joins the queue more than ``limit`` times
    in ``window`` seconds.

    Gradio's queue is first come, first served, and its size cap alone lets one
    client fill it so that everyone else is told it is full. Each question (and
    each other page event) joins the queue once; a person's few a minute stay far
    below the limit, a script's flood is refused at the door. The address is the
    connection's, or what a proxy on loopback forwarded (uvicorn's proxy headers).
    Loopback itself is not counted: it is this machine's own user (``make chat``,
    scripts, the tests), whom the threat model trusts.
    """

    def __init__(
        self,
        app: AsgiApp,
        *,
        limit: int,
        window: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.joins = SlidingQuota(limit, window=window, clock=clock)

    async def __call__(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        path = str(scope.get("path", "")).rstrip("/")
        # The page and gradio_client join the queue; a REST client calls an endpoint.
        joining = (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and (path.endswith("/queue/join") or "/call/" in path)
        )
        address = str((scope.get("client") or ("",))[0])
        if joining and not _loopback(address) and not self.joins.take(address):
            text = "This server is busy with your earlier questions: try again in a few seconds."
            retry = str(int(self.joins.window)).encode()
            await send_text(send, 429, text, [(b"retry-after", retry)])
            return
        await self.app(scope, receive, send)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


async def send_text(
    send: AsgiSend, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Answer a request with ``status`` and a plain-text message of our own."""
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def allowed_hosts(configured: list[str] | None, bound: str) -> list[str]:
    """The Host names the app answers: the configured ones, else loopback and the bound
    address (a page elsewhere that resolves to this machine is refused: DNS rebinding)."""
    if configured:
        return list(configured)
    hosts = list(LOOPBACK_HOSTS)
    if bound not in ("0.0.0.0", "::", "") and bound not in hosts:
        hosts.append(bound)
    return hosts


class KnownEndpoints:
    """ASGI middleware: a call to an API endpoint the app does not have is 404.

    Gradio answers ``POST /gradio_api/call/NAME`` (and ``/run/NAME``) for an unknown
    NAME with a bare 500, which reads as a fault of the server rather than of the request.
    """

    _CALL = ("/gradio_api/call/", "/gradio_api/run/")

    def __init__(self, app: AsgiApp, *, names: Iterable[str]) -> None:
        self.app = app
        # "predict" is the page's own: events without a queue (an example filling the
        # question box) are sent to /run/predict with their function's index.
        self.names = frozenset(names) | {"predict"}

    async def __call__(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        path = str(scope.get("path", "")) if scope["type"] == "http" else ""
        for prefix in self._CALL:
            if path.startswith(prefix):
                name = path[len(prefix) :].split("/", 1)[0]
                if name not in self.names:
                    await send_text(send, 404, f"No API endpoint called {name[:80]!r}.")
                    return
        await self.app(scope, receive, send)
