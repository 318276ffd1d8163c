"""Follow-up questions in both modes: rules without a model, the model when there is one."""

from __future__ import annotations

from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import Assistant

FIRST = "What are the key responsibilities of an operations manager?"


def _with_model(article_corpus, article_index, embeddings, *replies: str) -> Assistant:
    model = GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))
    return Assistant(article_corpus, article_index, embeddings=embeddings, chat_model=model)


def test_without_a_model_the_rule_based_rewrite_is_used(bot):
    reply = bot.answer("And what about the COO?", history=[(FIRST, "...")])
    assert reply.query == "What are the key responsibilities of the COO?"


def test_with_a_model_its_standalone_question_is_used(article_corpus, article_index, embeddings):
    bot = _with_model(
        article_corpus,
        article_index,
        embeddings,
        "What are the key responsibilities of a COO?",
        "Key responsibilities of a COO include developing and implementing business strategies.",
    )
    reply = bot.answer("And what about the COO?", history=[(FIRST, "...")])
    assert reply.query == "What are the key responsibilities of a COO?"
    assert reply.backend == "custom"


def test_a_model_rewrite_that_drops_the_follow_up_falls_back_to_the_rules(
    article_corpus, article_index, embeddings
):
    bot = _with_model(
        article_corpus,
        article_index,
        embeddings,
        FIRST,  # the model just repeats the previous question
        "Key responsibilities of a COO include developing and implementing business strategies.",
    )
    reply = bot.answer("And what about the COO?", history=[(FIRST, "...")])
    assert reply.query == "What are the key responsibilities of the COO?"


def test_which_of_them_carries_the_earlier_subjects(bot):
    history = [("How does an operations manager differ from a COO?", "...")]
    reply = bot.answer("Which of them has more authority?", history=history)
    assert "COO" in reply.query
    assert "Decision-Making Authority" in reply.text
