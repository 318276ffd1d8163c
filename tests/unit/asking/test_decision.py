"""One module decides: the scorer's probabilities against its two operating points."""

from __future__ import annotations

from dataclasses import replace

from assistant.asking.decision import Verdict, answers, verdict_of
from assistant.models.scorer.scorer import Calibration, Scorer, Scores
from tests.support import question_state

TEXT = "# Roles\n\n## The COO\n\nThe COO runs operations. The COO reports to the CEO.\n"
MODEL = replace(Scorer.load().model, threshold=0.30, sure_threshold=0.70, calibration=None)


def _ranked():
    verdict = question_state(TEXT, "Whom does the COO report to?").verdict
    assert verdict is not None and verdict.ranked
    return verdict.ranked


def test_below_the_lower_operating_point_the_corpus_does_not_answer():
    verdict = verdict_of(Scores(_ranked(), 0.29), MODEL)
    assert not verdict.answerable and not verdict.hedged


def test_answered_but_not_likely_enough_to_be_right_the_answer_is_unsure():
    verdict = verdict_of(Scores(_ranked(), 0.90, right=0.69), MODEL)
    assert verdict.answerable and verdict.hedged and not verdict.sure


def test_at_the_upper_operating_point_and_above_the_answer_is_sure():
    verdict = verdict_of(Scores(_ranked(), 0.30, right=0.70), MODEL)
    assert verdict.answerable and verdict.sure and not verdict.hedged


def test_an_operator_may_ask_for_more_before_an_answer_is_sure():
    verdict = verdict_of(Scores(_ranked(), 0.80, right=0.80), MODEL, sure_threshold=0.9)
    assert verdict.hedged


def test_a_scorer_fitted_with_one_operating_point_gives_every_answer_as_sure():
    verdict = verdict_of(Scores(_ranked(), 0.31, right=0.01), replace(MODEL, sure_threshold=None))
    assert verdict.sure
    assert verdict_of(Scores(_ranked(), 0.31), MODEL).sure  # nor a scorer without P(right)


def test_a_question_in_words_the_corpus_never_uses_is_at_most_unsure():
    verdict = verdict_of(Scores(_ranked(), 0.95, right=0.99), MODEL, ("software",))
    assert verdict.answerable and verdict.hedged
    assert verdict.missing == ("software",)


def test_a_question_that_denies_what_its_best_unit_says_is_at_most_unsure():
    question = "Whom does the COO not report to?"
    verdict = verdict_of(Scores(_ranked(), 0.95, right=0.99), MODEL, question=question)
    assert verdict.answerable and verdict.hedged


def test_the_confidence_told_is_the_calibrated_one():
    calibrated = replace(MODEL, calibration=Calibration((0.0, 1.0), (0.1, 0.9)))
    verdict = verdict_of(Scores(_ranked(), 0.9, right=0.5), calibrated)
    uncalibrated = verdict_of(Scores(_ranked(), 0.9, right=0.5), MODEL)
    assert verdict.confidence == 0.5 and uncalibrated.confidence is None


def test_nothing_to_quote_is_never_answered_however_likely():
    assert not verdict_of(Scores((), 0.99), MODEL).answerable
    assert not answers(Verdict(True, 0.99), retrieved=3)


def test_a_verdict_narrowed_to_some_units_needs_a_likely_one_among_them():
    ranked = _ranked()
    sure = tuple(replace(s, probability=0.9) for s in ranked)
    verdict = Verdict(True, 0.9, sure)
    assert verdict.within({sure[0].candidate.key}).answerable
    assert not verdict.within(set()).answerable
    unlikely = Verdict(True, 0.9, tuple(replace(s, probability=0.2) for s in ranked))
    assert not unlikely.within({ranked[0].candidate.key}).answerable


def test_a_narrowed_verdict_keeps_how_sure_it_was_and_names_no_missing_words():
    ranked = _ranked()
    verdict = Verdict(True, 0.9, ranked, missing=("salary",), sure=False)
    narrowed = verdict.within({ranked[0].candidate.key})
    assert narrowed.missing == () and narrowed.sure is False


def test_without_a_verdict_whatever_was_retrieved_is_answered():
    assert answers(None, retrieved=2)
    assert not answers(None, retrieved=0)


def test_only_a_sure_verdict_answers_surely():
    ranked = _ranked()
    assert answers(Verdict(True, 0.9, ranked, sure=True), retrieved=3, surely=True)
    assert not answers(Verdict(True, 0.9, ranked, sure=False), retrieved=3, surely=True)
    assert answers(Verdict(True, 0.9, ranked, sure=False), retrieved=3)
