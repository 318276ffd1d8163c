"""Bytes per visitor through the upload routes, counted as they arrive."""

from __future__ import annotations

import asyncio

from assistant.serving.upload_quota import ByteWindow, FileNames, UploadQuota, visitor
from tests.unit.serving.asgi import answering


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _upload(
    guard, address: str, pieces: list[bytes], *, declared: bool = True, path="/gradio_api/upload"
) -> tuple[int, int]:
    """One POST of ``pieces``; the status answered and the bytes the app read."""
    statuses: list[int] = []
    read = 0
    queue = [
        {"type": "http.request", "body": p, "more_body": i < len(pieces) - 1}
        for i, p in enumerate(pieces)
    ]

    async def receive():
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def app(scope, receive, send):
        nonlocal read
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            read += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    headers = [(b"content-length", str(sum(map(len, pieces))).encode())] if declared else []
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "client": (address, 5000),
        "headers": headers,
    }
    guard.app = app  # the app behind the guard reads what the guard lets through
    asyncio.run(guard(scope, receive, send))
    return statuses[0], read


def test_uploads_within_the_hours_quota_pass():
    guard = UploadQuota(answering(200), max_bytes=1000)
    assert _upload(guard, "10.0.0.9", [b"x" * 400]) == (200, 400)
    assert _upload(guard, "10.0.0.9", [b"x" * 400]) == (200, 400)


def test_a_body_declared_past_the_quota_is_refused_before_it_is_read():
    guard = UploadQuota(answering(200), max_bytes=1000)
    assert _upload(guard, "10.0.0.9", [b"x" * 1500]) == (429, 0)


def test_a_streamed_body_is_cut_off_once_it_passes_the_quota():
    guard = UploadQuota(answering(200), max_bytes=1000)
    status, read = _upload(guard, "10.0.0.9", [b"x" * 400] * 10, declared=False)
    assert status == 429 and read <= 1000


def test_another_visitor_has_their_own_quota_and_an_hour_later_it_is_whole_again():
    clock = Clock()
    guard = UploadQuota(answering(200), max_bytes=1000, clock=clock)
    assert _upload(guard, "10.0.0.9", [b"x" * 900])[0] == 200
    assert _upload(guard, "10.0.0.9", [b"x" * 900])[0] == 429
    assert _upload(guard, "10.0.0.7", [b"x" * 900])[0] == 200
    clock.now += 3601
    assert _upload(guard, "10.0.0.9", [b"x" * 900])[0] == 200


def test_other_routes_are_not_counted():
    guard = UploadQuota(answering(200), max_bytes=10)
    assert _upload(guard, "10.0.0.9", [b"x" * 100], path="/gradio_api/queue/join")[0] == 200


def test_a_signed_in_visitor_is_counted_by_account_whatever_the_spelling():
    from types import SimpleNamespace

    app = SimpleNamespace(tokens={"t1": "Ada", "t2": "ADA"})

    def scope(token: str) -> dict:
        cookie = f"access-token-x={token}".encode()
        return {
            "type": "http",
            "client": ("10.0.0.9", 1),
            "app": app,
            "headers": [(b"cookie", cookie)],
        }

    assert visitor(scope("t1")) == visitor(scope("t2")) == "account:ada"
    assert visitor({"type": "http", "client": ("10.0.0.9", 1), "headers": []}) == "address:10.0.0.9"


def test_the_byte_window_forgets_what_is_older_than_an_hour():
    clock = Clock()
    window = ByteWindow(100, clock=clock)
    assert window.spend("a", 80) and not window.spend("a", 30)
    clock.now += 3600
    assert window.left("a") == 100


def _part(name: str, body: bytes = b"# Notes\n") -> bytes:
    return (
        b'--b\r\nContent-Disposition: form-data; name="files"; '
        + f'filename="{name}"'.encode()
        + b"\r\nContent-Type: application/octet-stream\r\n\r\n"
        + body
        + b"\r\n"
    )


def test_a_file_of_a_kind_the_corpus_does_not_read_is_refused_as_its_part_arrives():
    guard = UploadQuota(answering(200), max_bytes=10**9)
    body = _part("notes.md") + _part("tool.exe", b"MZ" * 1000) + b"--b--\r\n"
    status, read = _upload(guard, "10.0.0.9", [body[i : i + 100] for i in range(0, len(body), 100)])
    assert status == 415
    assert read < len(body)


def test_a_request_of_more_files_than_allowed_is_refused():
    guard = UploadQuota(answering(200), max_bytes=10**9, max_files=3)
    assert _upload(guard, "10.0.0.9", [_part(f"n{i}.md") for i in range(3)])[0] == 200
    assert _upload(guard, "10.0.0.9", [_part(f"n{i}.md") for i in range(4)])[0] == 413


def test_a_part_header_cut_between_two_pieces_is_still_read():
    names = FileNames()
    part = _part("report.pdf")
    cut = part.index(b"report") + 3
    assert names.feed(b"x" * 5000 + part[:cut]) == []
    assert names.feed(part[cut:]) == ["report.pdf"]
    assert names.feed(b"more bytes") == [] and names.count == 1


def test_allowed_kinds_pass_whatever_their_case():
    guard = UploadQuota(answering(200), max_bytes=10**9)
    assert _upload(guard, "10.0.0.9", [_part("Notes.MD"), _part("a.Pdf"), _part("b.txt")])[0] == 200
