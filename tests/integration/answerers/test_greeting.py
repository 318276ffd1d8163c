"""A greeting, a thanks or a goodbye: told what can be asked, never answered from a passage.

The messages here are in neither the classifier's training phrasings nor its unseen ones.
"""

from __future__ import annotations

import pytest

TITLE = "Operations Manager vs COO: Unraveling the Distinctions"


@pytest.mark.parametrize(
    "message", ["Hey hey!", "thank you so much", "bye then", "good day to you"]
)
def test_a_greeting_is_told_what_can_be_asked_and_quotes_nothing(bot, message):
    reply = bot.answer(message)
    assert reply.request == "greeting"
    assert reply.text.startswith(f"I answer questions about “{TITLE}”")
    assert reply.citations == []
    assert not reply.refused and not reply.hedged


def test_a_question_that_opens_with_a_greeting_is_answered(bot):
    reply = bot.answer("hello! what does a chief operating officer oversee?")
    assert reply.request == "ask"
    assert reply.citations


def test_a_request_that_opens_with_thanks_is_still_that_request(bot):
    assert bot.answer("thanks! now sum the article up for me").request == "summary"


def test_with_several_documents_a_greeting_names_them(two_documents):
    reply = two_documents.answer("hey")
    assert "2 documents" in reply.text and "Zebras of the Savanna" in reply.text
