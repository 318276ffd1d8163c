"""The run's figures: what an answer cites as support is measured apart from what an
unsure answer offers as the closest passages."""

from __future__ import annotations

from assistant.evaluation.runner import QuestionResult, aggregate

_RETRIEVAL = {
    "hit@1": 1.0,
    "hit@3": 1.0,
    "mrr": 1.0,
    "evidence_recall": 1.0,
    "key_fact_recall": 1.0,
}


def _result(supported: int, cited: int, *, hedged: bool) -> QuestionResult:
    scores = {**_RETRIEVAL, "supported_citations": supported, "citations": cited}
    return QuestionResult(
        "q", "question?", "plain", True, "text", False, scores, 0.01, hedged=hedged
    )


def test_support_precision_counts_the_citations_of_sure_answers_only():
    results = [_result(2, 2, hedged=False), _result(1, 3, hedged=True)]
    assert aggregate(results, index_seconds=0.0)["support_precision"] == 1.0


def test_an_unsure_answers_closest_passages_have_a_precision_of_their_own():
    results = [_result(2, 2, hedged=False), _result(1, 3, hedged=True)]
    assert aggregate(results, index_seconds=0.0)["closest_precision"] == 1 / 3
