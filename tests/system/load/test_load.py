"""Concurrent users get the same answers as one user, and none of their requests fails."""

from __future__ import annotations

import pytest

from benchmarks import load

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_1_4_and_16_concurrent_sessions_all_get_the_single_user_answers(tmp_path):
    outcome = load.run(tmp_path, [1, 4, 16], per_user=2, timeout=300)
    for users, level in outcome["levels"].items():
        assert level["failed"] == 0, (users, level["errors"])
        assert level["different"] == 0, users
        assert len(level["latencies"]) == users * 2
    print(outcome["markdown"])  # the figures, for the CI log
