"""Questions typed the way people type are read in the corpus's own words."""

from __future__ import annotations

import pytest

from assistant.indexing.spelling import Vocabulary
from tests.support import ARTICLE


@pytest.fixture(scope="module")
def words() -> Vocabulary:
    return Vocabulary.from_texts([ARTICLE.read_text()])


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("wat does an operatons manager do", "what does an operations manager do"),
        ("responsibilites of a coo", "responsibilities of a coo"),
        ("KPI monitering", "key performance indicators monitoring"),
        ("Does a COO track KPIs?", "Does a COO track key performance indicators?"),
        ("ops mgr duties", "operations manager duties"),
        ("hwo does a coo work w/ the ceo", "how does a coo work with the ceo"),
        ("how does the organisation benefit", "how does the organization benefit"),
        ("day-to-day tasks of an operations manger", "day-to-day tasks of an operations manager"),
    ],
)
def test_typos_abbreviations_and_spellings_are_read_as_corpus_words(words, typed, read):
    assert words.normalize(typed).text == read


def test_a_long_form_the_corpus_abbreviates_is_read_as_its_acronym(words):
    read = words.normalize("What does a Chief Operating Officer do?").text
    assert read == "What does a COO do?"


def test_a_real_word_the_corpus_lacks_stays_as_typed_and_is_reported(words):
    normalized = words.normalize("What is the average salary of a COO?")
    assert "salary" in normalized.text
    assert normalized.unknown == ("average", "salary")


def test_a_word_the_corpus_uses_inside_a_compound_is_not_said_to_be_lacking(words):
    normalized = words.normalize("What drives long term growth?")
    assert normalized.lacking == ()


def test_a_compound_the_corpus_has_only_half_of_is_said_to_be_lacking(words):
    assert words.normalize("What are the long-run plans?").lacking == ("long-run",)


def test_an_acronym_the_corpus_never_uses_is_not_taken_for_a_typo(words):
    normalized = words.normalize("What does a CFO do?")
    assert normalized.text == "What does a CFO do?"
    assert normalized.unknown == ("CFO",)


@pytest.mark.parametrize("abbreviation", ["vp", "gm", "okr"])
def test_a_short_abbreviation_is_not_taken_for_a_function_word(words, abbreviation):
    # "vp" is one letter from "up", but has a letter "up" lacks: it is a word of its own.
    normalized = words.normalize(f"what does a {abbreviation} do")
    assert normalized.unknown == (abbreviation,)


def test_a_short_function_word_typed_with_its_letters_swapped_or_missing_is_read(words):
    assert words.normalize("hw is teh role of a coo").text == "how is the role of a coo"


def test_the_chat_around_a_question_is_never_named_as_lacking(words):
    # Else "hey, quick question: ..." could never be answered surely.
    normalized = words.normalize("hey, quick question: what does a COO do?")
    assert normalized.lacking == ()


def test_chat_fillers_are_read_as_nothing(words):
    assert words.normalize("ok so whats the tl;dr lol").text == "so what is the summary"


def test_btw_opening_a_question_is_by_the_way_and_inside_it_between(words):
    assert words.normalize("btw what does a coo do").text == "what does a coo do"
    assert words.normalize("main diffs btw ops mgr and coo").text == (
        "main differences between operations manager and coo"
    )


def test_every_change_is_recorded_with_what_was_typed(words):
    changes = words.normalize("wat abt the coo").changes
    assert ("wat", "what") in changes
    assert ("abt", "about") in changes
