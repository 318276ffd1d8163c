"""Driving an ASGI guard with one request, without a server."""

from __future__ import annotations

import asyncio


def post(guard, address: str, path: str) -> int:
    """One POST to ``path`` from ``address`` through ``guard``; the status it answers."""
    statuses: list[int] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    scope = {"type": "http", "method": "POST", "path": path, "client": (address, 5000)}
    asyncio.run(guard(scope, receive, send))
    return statuses[0]


def answering(status: int):
    """An app that answers every request with ``status``."""

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app
