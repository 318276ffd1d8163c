"""Questions are checked before any model or index is touched."""

from __future__ import annotations

import pytest

from assistant import Assistant, EmptyQuestionError, QuestionError, QuestionTooLongError


@pytest.fixture
def unloaded(tmp_path):
    return Assistant(tmp_path / "corpus", tmp_path / "index")


@pytest.mark.parametrize("question", ["", "   ", "\n\t ", "\x00\x01"])
def test_empty_or_blank_questions_raise_a_clear_error(unloaded, question):
    with pytest.raises(EmptyQuestionError, match="empty"):
        unloaded.answer(question)


def test_a_question_over_2000_characters_is_refused_with_the_limit(unloaded):
    with pytest.raises(QuestionTooLongError, match="2,000"):
        unloaded.answer("why " * 600)


def test_question_errors_are_value_errors_for_callers_that_expect_those(unloaded):
    with pytest.raises(ValueError):
        unloaded.answer("")
    assert issubclass(QuestionTooLongError, QuestionError)


def test_control_characters_are_removed_from_a_question(unloaded):
    assert unloaded.validate_question("What\x07 does a COO do?\x00") == "What does a COO do?"


def test_bad_questions_never_load_the_model(unloaded):
    with pytest.raises(QuestionError):
        unloaded.answer(" ")
    assert not unloaded.embeddings.loaded
    assert not unloaded.store.connected


def test_html_markup_in_a_question_is_not_read_as_words(unloaded):
    question = "What does a <b>COO</b> do? <img src=http://example.invalid/p.png>"
    assert unloaded.validate_question(question) == "What does a COO do?"


def test_a_question_of_markup_only_is_empty(unloaded):
    with pytest.raises(EmptyQuestionError, match="only markup"):
        unloaded.validate_question("<b></b><img src=x>")


def test_a_less_than_sign_in_a_question_is_kept(unloaded):
    assert unloaded.validate_question("Is 3 < 5?") == "Is 3 < 5?"
