"""The lower operating point: below it the corpus does not answer, chosen on held-out
documents so that no kind of answerable question is refused more than its share."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.models.scorer import training
from assistant.models.scorer.training import _operating_point


@pytest.fixture(autouse=True)
def _one_in_ten(monkeypatch):
    # Shares that ten questions can show: at most one in ten refused.
    monkeypatch.setattr(training, "MAX_FALSE_REFUSALS", 0.1)


def _point(clean: list[float], synonym: list[float]) -> float:
    probabilities = np.array([*clean, *synonym, 0.01, 0.02])
    targets = np.array([1] * (len(clean) + len(synonym)) + [0, 0])
    kinds = np.array(["clean"] * len(clean) + ["synonym"] * len(synonym) + ["other"] * 2)
    groups = np.array(["doc"] * len(probabilities), dtype=object)
    return _operating_point(probabilities, targets, groups, kinds.astype(object))


def test_the_point_refuses_no_more_than_the_allowed_share_of_answerable_questions():
    clean = [0.1 * i for i in range(1, 11)]
    point = _point(clean, clean)
    assert np.mean(np.array(clean) < point) <= 0.1
    assert point == pytest.approx(0.2)


def test_the_worst_kind_of_question_sets_the_point_not_the_average():
    # Clean questions alone would allow 0.5 (one of ten below it, their share); three
    # synonym questions below 0.3 pull it down to where one at most is refused.
    clean = [0.45] + [0.5 + 0.05 * i for i in range(9)]
    synonym = [0.1, 0.2, 0.25] + [0.9] * 7
    assert _point(clean, [0.9] * 10) == pytest.approx(0.5)
    assert _point(clean, synonym) == pytest.approx(0.2)


def test_unanswerable_questions_do_not_move_the_point():
    clean = [0.1 * i for i in range(1, 11)]
    probabilities = np.array([*clean, 0.95, 0.99])
    targets = np.array([1] * 10 + [0, 0])
    groups = np.array(["doc"] * 12, dtype=object)
    kinds = np.array(["clean"] * 10 + ["near-miss"] * 2, dtype=object)
    assert _operating_point(probabilities, targets, groups, kinds) == pytest.approx(0.2)
