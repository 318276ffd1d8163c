"""The upper operating point: where an answer becomes sure, chosen on held-out documents."""

from __future__ import annotations

import numpy as np

from assistant.models.scorer import training
from assistant.models.scorer.training import _Questions, _sure_point


def _questions(variants: list[str], targets: list[int], right: list[int]) -> _Questions:
    n = len(variants)
    return _Questions(
        rows=np.zeros((n, 1)),
        targets=np.array(targets, dtype=float),
        groups=np.array(["doc"] * n, dtype=object),
        right=np.array(right, dtype=float),
        variants=np.array(variants, dtype=object),
        missing=np.zeros(n, dtype=bool),
    )


def _adversarial_at(probabilities: list[float]) -> tuple[_Questions, np.ndarray]:
    # Ten answered right at 0.50 .. 0.95, and SQuAD 2.0 adversarial questions at ``probabilities``.
    right_p = [0.5 + 0.05 * i for i in range(10)]
    questions = _questions(
        ["clean"] * 10 + ["unanswerable"] * len(probabilities),
        [1] * 10 + [0] * len(probabilities),
        [1] * 10 + [0] * len(probabilities),
    )
    return questions, np.array(right_p + probabilities)


def test_adversarial_questions_are_capped_apart_from_the_near_misses():
    # Three of ten adversarial questions above 0.6 is within their own cap (0.35): the
    # point stays low; counted as near misses (at most 0.10 sure) it would climb past them.
    questions, right = _adversarial_at([0.9, 0.8, 0.7] + [0.1] * 7)
    point = _sure_point(right, questions, np.ones(len(right), dtype=bool))
    assert point <= 0.5


def test_more_adversarial_questions_sure_than_their_cap_raise_the_point(monkeypatch):
    monkeypatch.setattr(training, "MAX_SURE_ADVERSARIAL", 0.1)
    questions, right = _adversarial_at([0.9, 0.8, 0.7] + [0.1] * 7)
    point = _sure_point(right, questions, np.ones(len(right), dtype=bool))
    assert point > 0.8


def test_a_near_miss_never_answered_sure_does_not_count_against_the_point():
    # The near miss would be sure at 0.9, but its question has a word the corpus lacks:
    # the decision never makes it sure, so the point is chosen without it.
    questions = _questions(["clean"] * 10 + ["near-miss"], [1] * 10 + [0], [1] * 10 + [0])
    right = np.array([0.5 + 0.05 * i for i in range(10)] + [0.9])
    everything = np.ones(11, dtype=bool)
    assert _sure_point(right, questions, everything) > 0.9
    eligible = everything.copy()
    eligible[-1] = False
    assert _sure_point(right, questions, eligible) <= 0.5
