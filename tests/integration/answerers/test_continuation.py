"""Moves in a conversation: "tell me more", "what else?", "why?", "is that important?"."""

from __future__ import annotations

FIRST = "What does an operations manager do?"


def _places(reply):
    return {(c.source, c.start, c.end) for c in reply.citations}


def test_tell_me_more_cites_what_the_answer_before_did_not(bot):
    first = bot.answer(FIRST)
    more = bot.answer("Tell me more", [(FIRST, first.text)])
    assert more.request == "more" and not more.refused
    assert _places(more) - _places(first)


def test_tell_me_more_first_gives_the_rest_of_the_section(bot):
    first = bot.answer(FIRST)
    more = bot.answer("go on", [(FIRST, first.text)])
    assert more.citations[0].section == "The Role of an Operations Manager"


def test_each_further_move_gives_something_new_until_nothing_is_left(bot):
    history, seen = [], set()
    reply = bot.answer(FIRST)
    history.append((FIRST, reply.text))
    seen |= _places(reply)
    for _ in range(8):
        reply = bot.answer("what else?", list(history))
        if reply.refused:
            break
        assert not _places(reply) & seen
        seen |= _places(reply)
        history.append(("what else?", reply.text))
    assert reply.refused and "nothing more" in reply.text


def test_why_never_gives_the_answer_before_again_as_its_reason(bot):
    question = "Does the COO work with the CEO?"
    first = bot.answer(question)
    why = bot.answer("why?", [(question, first.text)])
    assert why.request == "why"
    assert not _places(why) & _places(first)


def test_why_where_nothing_beside_the_quotes_gives_a_reason_says_the_article_gives_none(bot):
    question = "Does the COO work with the CEO?"
    first = bot.answer(question)
    why = bot.answer("any reason?", [(question, first.text)])
    assert why.refused and not why.citations
    assert why.text == "The article gives no reason for this beyond the passages already quoted."


def test_is_that_important_is_answered_from_the_sentence_beside_the_answer(bot):
    question = "How do the two roles work together?"
    first = bot.answer(question)
    reply = bot.answer("is that important?", [(question, first.text)])
    assert reply.request == "importance" and not reply.refused
    assert "Collaboration between these roles is essential" in reply.text
    assert _places(reply) - _places(first)


def test_more_after_a_refusal_says_the_article_has_no_answer_to_give_more_of(bot):
    question = "How many hours a week does a COO work?"
    first = bot.answer(question)
    assert first.refused
    more = bot.answer("tell me more", [(question, first.text)])
    assert more.refused and not more.citations
    assert "no answer to this" in more.text


def test_why_with_nothing_before_says_there_is_nothing_to_continue(bot):
    reply = bot.answer("why?")
    assert reply.request == "why" and not reply.citations
    assert "no earlier answer" in reply.text


def test_a_move_that_names_its_own_subject_with_nothing_before_is_a_question(bot):
    # Read as "is that important?" (typo and all); with no answer before it, it can only
    # be asking about the difference itself.
    reply = bot.answer("why is knowing the diffrence important")
    assert reply.request == "ask"
    assert "no earlier answer" not in reply.text


def test_a_bare_move_with_nothing_before_still_says_so(bot):
    reply = bot.answer("is that really important?")
    assert reply.request == "importance" and "no earlier answer" in reply.text


UNSURE = "What degree do you need to become an operations manager?"


def test_more_after_an_unsure_answer_is_unsure_too(bot):
    first = bot.answer(UNSURE)
    assert first.hedged  # the article names no degree; its duties are only the closest
    more = bot.answer("tell me more", [(UNSURE, first.text)])
    assert more.hedged and not more.refused
    assert more.text.startswith(
        "The article may not answer the earlier question directly. More of what it says "
        "near the closest passages:"
    )
    assert _places(more) - _places(first)


def test_a_reason_for_an_unsure_answer_is_never_sure(bot):
    first = bot.answer(UNSURE)
    why = bot.answer("why?", [(UNSURE, first.text)])
    assert why.refused or why.hedged
