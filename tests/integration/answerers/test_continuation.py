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


def test_why_is_read_against_the_answer_before(bot):
    question = "Which role has more decision-making authority?"
    first = bot.answer(question)
    why = bot.answer("why?", [(question, first.text)])
    assert why.request == "why"
    assert "As a higher-ranking executive" in why.text


def test_why_with_nothing_before_says_there_is_nothing_to_continue(bot):
    reply = bot.answer("why?")
    assert reply.request == "why" and not reply.citations
    assert "no earlier answer" in reply.text
