""" "What does COO stand for?" is answered by the unit that spells the acronym out."""

from __future__ import annotations

import pytest

from assistant.asking.expansions import asked_acronym, defining_unit
from tests.support import question_state

DEFINED = {"coo": "chief operating officer"}
TEXT = (
    "# Roles\n\nA Chief Operating Officer (COO) is one of two roles.\n\n"
    "## The COO\n\nThe COO runs operations and reports to the CEO. "
    "A Chief Operating Officer (COO) holds a senior position.\n"
)


@pytest.mark.parametrize(
    "question",
    [
        "What does COO stand for?",
        "coo short for?",
        "What's the full form of COO?",
        "What do the letters COO mean?",
        "What is the abbreviation COO in this article?",
    ],
)
def test_a_question_asking_for_an_acronyms_expansion_names_it(question):
    assert asked_acronym(question, DEFINED) == "coo"


def test_an_acronym_the_corpus_never_defines_is_not_asked_about():
    assert asked_acronym("What does CFO stand for?", DEFINED) is None


def test_a_question_about_more_than_the_expansion_is_not_one():
    assert asked_acronym("What does the COO mean for growth?", DEFINED) is None


def test_a_question_without_a_word_asking_for_an_expansion_is_not_one():
    assert asked_acronym("Who is the COO?", DEFINED) is None


def test_where_an_acronym_stands_is_not_what_it_stands_for():
    assert asked_acronym("Where does the COO stand?", DEFINED) is None


def test_a_negated_question_is_not_one():
    assert asked_acronym("What does COO not stand for?", DEFINED) is None


def test_the_first_unit_that_spells_the_acronym_out_is_the_one_found():
    ranked = question_state(TEXT, "What does COO stand for?").verdict.ranked
    unit = defining_unit("coo", ranked)
    assert unit is not None
    assert unit.candidate.text == "A Chief Operating Officer (COO) is one of two roles."


def test_an_acronym_spelled_out_two_ways_has_no_defining_unit():
    text = TEXT + "\nA Certificate Of Origin (COO) travels with the goods.\n"
    ranked = question_state(text, "What does COO stand for?").verdict.ranked
    assert defining_unit("coo", ranked) is None
