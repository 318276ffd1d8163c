"""Replicas sharing a Redis count a visitor's upload bytes together."""

from __future__ import annotations

import pytest

from assistant.serving.upload_quota import RedisByteWindow

pytestmark = pytest.mark.server


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_bytes_sent_through_one_replica_count_on_the_other(redis_url):
    clock = Clock()
    first = RedisByteWindow(1000, redis_url, clock=clock)
    second = RedisByteWindow(1000, redis_url, clock=clock)
    assert first.spend("address:10.0.0.9", 600)
    assert second.left("address:10.0.0.9") == 400
    assert not second.spend("address:10.0.0.9", 600)


def test_another_visitor_is_counted_apart(redis_url):
    window = RedisByteWindow(1000, redis_url)
    assert window.spend("account:ada", 900)
    assert window.left("account:bob") == 1000


def test_an_hour_later_the_quota_is_whole_again(redis_url):
    clock = Clock()
    window = RedisByteWindow(1000, redis_url, clock=clock)
    assert window.spend("account:ada", 900)
    clock.now += 1800
    assert window.left("account:ada") == 100
    clock.now += 1900
    assert window.left("account:ada") == 1000


def test_without_redis_each_replica_counts_alone_and_nothing_fails():
    window = RedisByteWindow(1000, "redis://127.0.0.1:1/0")  # nothing listens there
    assert window.spend("account:ada", 900)
    assert not window.spend("account:ada", 200)
    assert window.left("account:bob") == 1000
