"""Uploads per visitor per hour: a sliding window, per visitor."""

from __future__ import annotations

from assistant.serving.quota import HOUR, SlidingQuota


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_visitor_gets_at_most_the_hourly_quota():
    quota = SlidingQuota(5, clock=Clock())
    assert quota.take("a", 3) == 3
    assert quota.take("a", 3) == 2
    assert quota.take("a", 1) == 0


def test_visitors_have_quotas_of_their_own():
    quota = SlidingQuota(2, clock=Clock())
    quota.take("a", 2)
    assert quota.take("b", 2) == 2


def test_uses_older_than_an_hour_no_longer_count():
    clock = Clock()
    quota = SlidingQuota(2, clock=clock)
    quota.take("a", 2)
    clock.now = HOUR - 1
    assert quota.take("a", 1) == 0
    clock.now = HOUR
    assert quota.take("a", 1) == 1
