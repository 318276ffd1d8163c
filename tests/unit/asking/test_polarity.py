"""A negated question is not answered surely by a passage that says the opposite."""

from __future__ import annotations

from assistant.asking.polarity import negated, opposes


def test_not_never_and_contractions_negate_a_question():
    assert negated("Which role does NOT collaborate with different departments?")
    assert negated("Who never broadcast the FA Cup?")
    assert negated("Why doesn't the COO report to the board?")


def test_a_plain_question_is_not_negated():
    assert not negated("Which role collaborates with different departments?")
    assert not negated("What is known about the Normans?")


def test_a_negated_question_opposes_a_passage_without_a_negation():
    assert opposes(
        "Which role does not collaborate with different departments?",
        "Collaborating with different departments",
    )


def test_a_negated_question_does_not_oppose_a_negated_passage():
    assert not opposes("What did the Normans not adopt?", "They did not adopt the Latin rite.")


def test_a_plain_question_opposes_nothing():
    assert not opposes("Who collaborates with different departments?", "Nobody does.")
