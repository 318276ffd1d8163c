"""One module decides: the scorer's probabilities against the operating point."""

from __future__ import annotations

from dataclasses import replace

from assistant.asking.decision import Verdict, answers, verdict_of
from assistant.models.scorer.scorer import Scores
from tests.support import question_state

TEXT = "# Roles\n\n## The COO\n\nThe COO runs operations. The COO reports to the CEO.\n"


def _ranked():
    verdict = question_state(TEXT, "Whom does the COO report to?").verdict
    assert verdict is not None and verdict.ranked
    return verdict.ranked


def test_a_question_is_answered_at_the_operating_point_and_above():
    ranked = _ranked()
    assert verdict_of(Scores(ranked, 0.30), 0.30).answerable
    assert not verdict_of(Scores(ranked, 0.29), 0.30).answerable


def test_nothing_to_quote_is_never_answered_however_likely():
    assert not verdict_of(Scores((), 0.99), 0.30).answerable
    assert not answers(Verdict(True, 0.99), retrieved=3)


def test_a_verdict_narrowed_to_some_units_needs_a_likely_one_among_them():
    ranked = _ranked()
    sure = tuple(replace(s, probability=0.9) for s in ranked)
    verdict = Verdict(True, 0.9, sure)
    assert verdict.within({sure[0].candidate.key}).answerable
    assert not verdict.within(set()).answerable
    unlikely = Verdict(True, 0.9, tuple(replace(s, probability=0.2) for s in ranked))
    assert not unlikely.within({ranked[0].candidate.key}).answerable


def test_a_narrowed_verdict_names_no_missing_words():
    ranked = _ranked()
    verdict = Verdict(True, 0.9, ranked, missing=("salary",))
    assert verdict.within({ranked[0].candidate.key}).missing == ()


def test_without_a_verdict_whatever_was_retrieved_is_answered():
    assert answers(None, retrieved=2)
    assert not answers(None, retrieved=0)
