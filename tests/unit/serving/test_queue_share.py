"""A client's share of the queue: a flood from one address is refused, others are not."""

from __future__ import annotations

from assistant.serving.guards import QueueShare
from tests.unit.serving.asgi import answering, post


def _join(guard: QueueShare, address: str, path: str = "/gradio_api/queue/join") -> int:
    return post(guard, address, path)


def _app():
    return answering(200)


def test_an_address_past_its_share_is_told_to_try_again():
    guard = QueueShare(_app(), limit=3, clock=lambda: 0.0)
    assert [_join(guard, "203.0.113.7") for _ in range(4)] == [200, 200, 200, 429]


def test_another_address_keeps_its_own_share():
    guard = QueueShare(_app(), limit=1, clock=lambda: 0.0)
    _join(guard, "203.0.113.7")
    assert _join(guard, "198.51.100.2") == 200


def test_the_share_comes_back_after_the_window():
    now = [0.0]
    guard = QueueShare(_app(), limit=1, window=10, clock=lambda: now[0])
    _join(guard, "203.0.113.7")
    now[0] = 11.0
    assert _join(guard, "203.0.113.7") == 200


def test_this_machines_own_user_on_loopback_is_not_counted():
    guard = QueueShare(_app(), limit=1, clock=lambda: 0.0)
    assert [_join(guard, "127.0.0.1") for _ in range(5)] == [200] * 5
    assert [_join(guard, "::1") for _ in range(5)] == [200] * 5


def test_requests_other_than_joining_the_queue_are_not_counted():
    guard = QueueShare(_app(), limit=1, clock=lambda: 0.0)
    assert [_join(guard, "203.0.113.7", "/config") for _ in range(3)] == [200] * 3


def test_a_rest_call_of_an_endpoint_counts_like_joining_the_queue():
    guard = QueueShare(_app(), limit=1, clock=lambda: 0.0)
    _join(guard, "203.0.113.7", "/gradio_api/call/chat")
    assert _join(guard, "203.0.113.7", "/gradio_api/call/chat") == 429
