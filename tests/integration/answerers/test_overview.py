"""Requests about a whole document: a summary, an outline, the list of documents."""

from __future__ import annotations

import pytest

from tests.support import ARTICLE

SIGN_OFF = "stay tuned to Small Business Management"


@pytest.mark.parametrize("request_text", ["Summarize the article", "sum it up pls", "tl;dr"])
def test_a_summary_quotes_sentences_from_at_least_three_sections(bot, request_text):
    reply = bot.answer(request_text)
    assert reply.request == "summary" and not reply.refused
    assert len({c.section for c in reply.citations}) >= 3 and len(reply.citations) <= 8
    for citation in reply.citations:
        assert bot.document_text(citation.source)[citation.start : citation.end] == citation.quote


def test_a_summary_leaves_the_sign_off_out(bot):
    reply = bot.answer("What is this article about?")
    assert all(SIGN_OFF not in c.quote for c in reply.citations)


def test_a_summary_quotes_in_document_order(bot):
    starts = [c.start for c in bot.answer("Give me the gist").citations]
    assert starts == sorted(starts)


def test_an_outline_lists_the_headings_in_order_each_cited_at_its_span(bot):
    reply = bot.answer("What sections does the article have?")
    assert reply.request == "outline"
    assert [c.quote for c in reply.citations] == [
        "The Role of an Operations Manager",
        "The Role of a Chief Operating Officer (COO)",
        "Key Differences Between Operations Manager and COO",
        "Collaboration and Synergy",
        "Conclusion",
    ]
    text = bot.document_text(reply.citations[0].source)
    assert all(text[c.start : c.end] == c.quote for c in reply.citations)


def test_the_documents_are_listed_with_their_titles(bot):
    reply = bot.answer("What documents do you have?")
    assert reply.request == "documents"
    assert "Operations Manager vs COO: Unraveling the Distinctions" in reply.text
    assert "operations-manager-vs-coo.md" in reply.text


def test_asked_what_the_article_is_called_the_title_is_cited_at_its_heading(bot):
    reply = bot.answer("Could you tell me how the article is titled?")
    assert reply.request == "documents" and not reply.refused
    [citation] = reply.citations
    text = bot.document_text(citation.source)
    assert text[citation.start : citation.end] == citation.quote
    assert citation.quote == "Operations Manager vs COO: Unraveling the Distinctions"


def test_a_question_about_a_job_title_stays_a_question(bot):
    assert bot.answer("Which of the two job titles is more senior?").request == "ask"


def test_a_specific_question_with_the_word_summary_stays_a_question(bot):
    reply = bot.answer("What is said in summary about the two roles?")
    assert reply.request == "ask"
    assert reply.citations[0].quote.startswith("In summary")


def test_tell_me_more_with_nothing_before_gives_the_summary(bot):
    assert bot.answer("tell me more").request == "summary"


def test_with_several_documents_a_bare_summary_request_asks_which(two_documents):
    reply = two_documents.answer("Summarize the document")
    assert not reply.citations
    assert "Which document" in reply.text and "zebras.md" in reply.text


def test_a_summary_request_naming_a_title_summarises_that_document(two_documents):
    reply = two_documents.answer("summarize the zebras one")
    assert reply.citations and {c.source for c in reply.citations} == {"zebras.md"}


def test_a_summary_request_naming_a_section_summarises_the_document_that_has_it(two_documents):
    reply = two_documents.answer("sum up what the herds part says")
    assert reply.citations and {c.source for c in reply.citations} == {"zebras.md"}


def test_a_bare_summary_request_summarises_the_document_the_conversation_is_about(
    two_documents,
):
    first = two_documents.answer("What do zebras eat?")
    reply = two_documents.answer("sum it up", [("What do zebras eat?", first.text)])
    assert {c.source for c in reply.citations} == {"zebras.md"}


def test_several_documents_are_listed(two_documents):
    reply = two_documents.answer("which files do you have?")
    assert "Zebras of the Savanna" in reply.text and ARTICLE.name in reply.text
    # A title is cited at its heading where a passage sits under it (the zebras' heading
    # is followed at once by another).
    assert [c.quote for c in reply.citations] == [
        "Operations Manager vs COO: Unraveling the Distinctions"
    ]
