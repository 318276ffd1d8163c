"""Rule-based rewriting of follow-up questions into standalone ones."""

from __future__ import annotations

import pytest

from assistant.asking.rewrite import (
    clean_rewrite,
    condense_question,
    is_follow_up,
    keeps_subject,
    rewrite_messages,
    subject_phrases,
)

FIRST = "What are the key responsibilities of an operations manager?"


def test_a_question_without_history_is_unchanged():
    assert condense_question("What does a COO do?", []) == "What does a COO do?"


def test_what_about_x_swaps_the_subject_of_the_previous_question():
    rewritten = condense_question("And what about the COO?", [(FIRST, "...")])
    assert rewritten == "What are the key responsibilities of the COO?"


def test_corpus_phrases_pick_the_subject_out_of_a_run_of_words():
    counts = {"operations manager": 9, "operations": 12}

    rewritten = condense_question(
        "how about a COO?",
        [("How does an operations manager improve efficiency?", "...")],
        phrase_count=lambda phrase: counts.get(phrase.lower(), 0),
    )
    assert rewritten == "How does a COO improve efficiency?"


def test_a_phrase_followed_by_of_is_an_attribute_not_the_subject():
    rewritten = condense_question(
        "and the CEO?", [("What is the main strategic focus of a COO?", "...")]
    )
    assert rewritten == "What is the main strategic focus of the CEO?"


def test_a_pronoun_follow_up_carries_the_previous_subjects():
    rewritten = condense_question(
        "Which of them has more authority?",
        [("How does an operations manager differ from a COO?", "...")],
    )
    assert rewritten.startswith("Which of them has more authority?")
    assert "operations manager" in rewritten
    assert "COO" in rewritten


def test_a_chain_of_follow_ups_keeps_the_subject_the_first_one_resolved():
    history = [(FIRST, "..."), ("And what about the COO?", "...")]
    rewritten = condense_question("And the operations manager?", history)
    assert rewritten == "What are the key responsibilities of the operations manager?"


def test_a_possessive_follow_up_asks_about_the_previous_subject():
    history = [("Which role has more decision-making authority?", "...")]
    rewritten = condense_question("what about their impact?", history)
    assert rewritten == "Which role has more impact?"


def test_a_standalone_question_after_history_is_unchanged():
    question = "What does the article say about collaboration between the roles?"
    assert condense_question(question, [(FIRST, "...")]) == question


def test_and_followed_by_a_question_is_not_taken_as_a_subject_swap():
    rewritten = condense_question("And what does it involve?", [(FIRST, "...")])
    assert rewritten.startswith("And what does it involve?")


def test_subject_phrases_are_runs_of_content_words():
    assert subject_phrases(FIRST) == ["key responsibilities", "operations manager"]


def test_follow_ups_are_recognised_only_with_history():
    assert is_follow_up("And what about the COO?", [(FIRST, "...")])
    assert is_follow_up("Which of them has more authority?", [(FIRST, "...")])
    assert not is_follow_up("What does a COO do?", [(FIRST, "...")])
    assert not is_follow_up("And what about the COO?", [])


def test_the_rewrite_prompt_holds_the_conversation_and_the_question():
    (system, _), (_, prompt) = rewrite_messages("and the COO?", [(FIRST, "Managing ...")])
    assert "standalone" in prompt.lower()
    assert FIRST in prompt
    assert prompt.rstrip().endswith("Standalone question:")
    assert system == "system"


def test_a_model_rewrite_is_cleaned_of_labels_and_quotes():
    cleaned = clean_rewrite('Standalone question: "What does the COO do?"\nExtra', "and the COO?")
    assert cleaned == "What does the COO do?"


def test_an_empty_or_runaway_rewrite_is_rejected():
    assert clean_rewrite("", "and the COO?") is None
    assert clean_rewrite("x" * 1000, "and the COO?") is None


def test_a_rewrite_must_keep_the_follow_ups_own_words():
    assert keeps_subject("What are the responsibilities of the COO?", "And what about the COO?")
    assert not keeps_subject(FIRST, "And what about the COO?")


def test_only_the_last_turns_of_a_huge_history_are_read():
    from assistant.asking.rewrite import turns_of

    history = [
        {"role": "user", "content": f"q{n}"}
        if n % 2 == 0
        else {"role": "assistant", "content": f"a{n}"}
        for n in range(200_000)
    ]
    assert turns_of(history, 2) == (("q199996", "a199997"), ("q199998", "a199999"))


@pytest.mark.parametrize("history", [["just a string"], [("one", "two", "three")], "text", [42]])
def test_a_malformed_history_gets_our_message_not_pythons(history):
    from assistant.asking.rewrite import turns_of
    from assistant.errors import QuestionError

    with pytest.raises(QuestionError, match="list of"):
        turns_of(history, 3)
