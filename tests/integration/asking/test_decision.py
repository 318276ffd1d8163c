"""Answer or refuse: the learned decision on questions near and far from the article.

Every question here is new to the shipped models: none is in the gold set (which
the scorer and the reader are fitted on) or the request classifier's phrasings.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("What does a CFO typically handle?", "CFO"),
        ("What salary can an operations manager expect?", "salary"),
    ],
)
def test_a_near_miss_is_never_answered_sure_and_names_what_the_article_lacks(bot, question, word):
    reply = bot.answer(question)
    assert reply.refused or reply.hedged
    assert f"“{word}”" in reply.text


@pytest.mark.parametrize(
    "question",
    ["Who painted the Mona Lisa?", "How do I repot a cactus?"],
)
def test_an_unrelated_question_is_refused(bot, question):
    reply = bot.answer(question)
    assert reply.refused
    assert reply.citations == []


@pytest.mark.parametrize(
    "question",
    [
        "Describe the everyday work of an operations manager.",
        "wat does an operatons manager do",
        "coo kpis?",
        "Who is in charge of supervising staff?",
    ],
)
def test_paraphrased_and_mistyped_questions_are_answered(bot, question):
    assert not bot.answer(question).refused


def test_the_verdict_ranks_units_and_gives_a_calibrated_probability(bot):
    statistics = bot.statistics.current()
    normalized = statistics.words.normalize("How much is a COO paid?")
    verdict = bot.decision.judge(normalized, bot.retriever.search(normalized.text))
    assert not verdict.answerable
    assert 0.0 <= verdict.probability < bot.decision.scorer.model.threshold
    assert verdict.missing == ("paid",)
    assert verdict.closest is not None


def test_a_refusal_shows_the_closest_passage_apart_from_the_answer(bot):
    reply = bot.answer("How much is a COO paid?")
    assert reply.refused
    assert reply.closest is not None
    text = bot.document_text(reply.closest.source)
    assert text[reply.closest.start : reply.closest.end] == reply.closest.quote


def test_a_question_about_one_role_is_never_answered_surely_with_the_others_duty(bot):
    # The article lists monitoring KPIs among the COO's duties only.
    reply = bot.answer("Is the operations manager responsible for monitoring KPIs?")
    assert reply.refused or reply.hedged


@pytest.mark.parametrize(
    "question",
    [
        "Which of the two roles does not monitor key performance indicators?",
        "Who doesn't supervise staff?",
    ],
)
def test_a_negated_question_is_never_answered_surely_with_the_duty_it_denies(bot, question):
    # Without the check, both were sure answers quoting the very item the question denies.
    reply = bot.answer(question)
    assert reply.hedged or reply.refused


def test_asked_what_an_acronym_stands_for_the_sentence_that_spells_it_out_answers_surely(bot):
    reply = bot.answer("What's COO short for?")
    assert not reply.refused and not reply.hedged
    assert "Chief Operating Officer (COO)" in reply.citations[0].quote


def test_an_acronym_the_article_never_spells_out_is_not_answered_surely(bot):
    reply = bot.answer("What is CFO short for?")
    assert reply.refused or reply.hedged
