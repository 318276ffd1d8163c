"""Near misses: questions about the corpus's neighbourhood that it does not answer."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("What does a CFO do?", "cfo"),
        ("What is the role of a chief marketing officer?", "marketing"),
        ("What is the average salary of an operations manager?", "salary"),
    ],
)
def test_a_near_miss_is_refused_naming_what_the_article_lacks(bot, question, word):
    reply = bot.answer(question)
    assert reply.refused
    assert f"“{word}”" in reply.text


def test_a_paraphrase_with_words_the_article_does_not_use_is_still_answered(bot):
    reply = bot.answer("Describe the everyday work of an operations manager.")
    assert not reply.refused


def test_the_coverage_check_can_be_switched_off(bot, embeddings):
    from assistant import Assistant

    lenient = Assistant(
        bot.settings.corpus_dir, bot.settings.index_dir, embeddings=embeddings, coverage_check=False
    )
    assert not lenient.answer("What does a CFO do?").refused


def test_the_coverage_verdict_reports_its_share_and_missing_words(bot):
    retrieval = bot.retriever.search("How much does a COO earn?")
    verdict = bot.scope.judge("How much does a COO earn?", retrieval)
    assert not verdict.answerable
    assert verdict.missing == ("earn",)
    assert 0 <= verdict.share < bot.settings.coverage_min_share
