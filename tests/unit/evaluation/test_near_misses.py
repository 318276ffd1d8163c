"""Near misses keep a document's subject and ask what it never says; paraphrases stay answerable."""

from __future__ import annotations

import random

from assistant.evaluation.near_misses import key_word, paraphrase_word, swap_subject, swap_word
from assistant.indexing.topics import topic_phrases, without_topics
from tests.support import ARTICLE

TEXT = ARTICLE.read_text()


def test_a_documents_topics_are_its_names_and_recurring_terms():
    topics = topic_phrases(TEXT)
    assert topics[:2] == ["COO", "Chief Operating Officer"]
    assert "operations manager" in topics


def test_what_a_question_asks_is_what_remains_without_the_subjects():
    asked = without_topics("What is the salary of a COO?", topic_phrases(TEXT))
    assert asked == "What is the salary of a ?"


def test_a_subject_swap_puts_this_documents_subject_into_another_documents_question():
    swapped = swap_subject(
        "How much did BSkyB pay for the rights?", ["BSkyB"], ["COO"], random.Random(0)
    )
    assert swapped == "How much did COO pay for the rights?"


def test_the_key_word_is_the_rarest_lower_case_word_outside_the_subjects():
    match = key_word("What does an operations manager oversee?", TEXT, topic_phrases(TEXT))
    assert match is not None
    assert match.group(0) == "oversee"


def test_a_word_swap_never_uses_a_word_related_to_the_one_it_replaces():
    swapped = swap_word(
        "What does an operations manager oversee?",
        TEXT,
        ["supervise", "salary"],
        topic_phrases(TEXT),
        random.Random(0),
        related=lambda a, b: a == "supervise",
    )
    assert swapped == "What does an operations manager salary?"


def test_a_paraphrase_says_the_key_word_in_another_word():
    changed = paraphrase_word(
        "What does an operations manager oversee?",
        TEXT,
        topic_phrases(TEXT),
        {"oversee": "supervise"}.get,
    )
    assert changed == "What does an operations manager supervise?"
