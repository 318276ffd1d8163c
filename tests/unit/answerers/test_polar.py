"""Yes or no: a yes/no question becomes a statement and its negation, and the
entailment model's certainty about them decides whether "Yes." or "No." is said."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answerers.polar import PolarAnswers, statements


@pytest.mark.parametrize(
    ("question", "statement"),
    [
        ("Does the COO report to the board?", "the COO does report to the board."),
        (
            "Are operations managers focused on daily work?",
            "operations managers are focused on daily work.",
        ),
        ("is the sky blue", "the sky is blue."),
        (
            "Is monitoring key performance indicators listed among the duties?",
            "monitoring key performance indicators is listed among the duties.",
        ),
    ],
)
def test_a_yes_no_question_is_said_as_a_statement(question, statement):
    found = statements(question)
    assert found is not None
    assert found.statement == statement
    assert " not " in found.negation


@pytest.mark.parametrize(
    "question",
    [
        "What does a COO do?",
        "Is it the operations manager or the COO who runs daily work?",
        "Does the COO shape strategy, and if so how?",
        "Is it?",
    ],
)
def test_other_questions_are_not_yes_no_questions(question):
    assert statements(question) is None


def _polar(yes: float, no: float) -> PolarAnswers:
    def probabilities(claim: str, premises: list[str]) -> np.ndarray:
        return np.array([no if " not " in claim else yes])

    return PolarAnswers(probabilities, threshold=0.9)


def test_a_sure_entailment_of_the_statement_says_yes():
    assert (
        _polar(0.95, 0.02).verdict("Does the COO set strategy?", "The COO sets strategy.") == "Yes"
    )


def test_a_sure_entailment_of_the_negation_says_no():
    assert _polar(0.03, 0.97).verdict("Does the COO set strategy?", "The COO never does.") == "No"


def test_an_unsure_or_torn_model_says_neither():
    assert _polar(0.7, 0.1).verdict("Does the COO set strategy?", "...") is None
    assert _polar(0.95, 0.5).verdict("Does the COO set strategy?", "...") is None
