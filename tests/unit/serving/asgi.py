"""Driving an ASGI guard with one request, without a server."""

from __future__ import annotations

import asyncio


def post(guard, address: str, path: str) -> int:
    """One POST to ``path`` from ``address`` through ``guard``; the status it answers."""
    return request(guard, "POST", path, address=address)


def request(guard, method: str, path: str, *, address: str = "10.0.0.9", **scope) -> int:
    """One request through ``guard`` (``scope``: more of its ASGI scope); the status."""
    statuses: list[int] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    whole = {"type": "http", "method": method, "path": path, "client": (address, 5000), **scope}
    asyncio.run(guard(whole, receive, send))
    return statuses[0]


def answering(status: int):
    """An app that answers every request with ``status``."""

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app
