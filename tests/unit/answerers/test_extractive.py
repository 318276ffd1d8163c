"""Answers quote the unit most likely to answer first, and read as answers."""

from __future__ import annotations

from assistant.answerers.extractive import ExtractiveAnswerer
from tests.support import ARTICLE, question_state

TEXT = ARTICLE.read_text()


def _answer(question: str):
    state = question_state(TEXT, question, source=ARTICLE.name, answerable=True)
    return list(ExtractiveAnswerer().stream(state))[-1]


def test_a_sentence_opening_with_a_pronoun_names_its_subject_as_added_context():
    reply = _answer(
        "Who is responsible for efficiently coordinating activities in the organization?"
    )
    assert reply.text.startswith("[An operations manager:] They are responsible")
    (citation,) = reply.citations
    assert citation.quote.startswith("They are responsible")  # the quote stays verbatim


def test_a_single_list_item_is_quoted_without_its_lead_in_but_with_its_subject():
    reply = _answer("Who supervises staff and provides leadership?")
    assert reply.text.startswith(
        "[An operations manager:] Supervising staff and providing leadership"
    )
    assert "Key responsibilities" not in reply.text


def test_a_list_question_gets_the_lead_in_and_the_whole_list():
    reply = _answer("What are the key responsibilities of a COO?")
    assert reply.text.startswith("Key responsibilities of a COO include: [1]")
    assert reply.text.count("\n- ") == 5


def test_every_quote_is_the_exact_text_at_its_offsets():
    reply = _answer("What does a COO do?")
    for citation in reply.citations:
        assert TEXT[citation.start : citation.end] == citation.quote


def test_a_refused_question_offers_the_closest_passage_separately():
    state = question_state(TEXT, "How much does a COO earn?", source=ARTICLE.name, answerable=False)
    reply = list(ExtractiveAnswerer().stream(state))[-1]
    assert reply.refused
    assert reply.citations == []
    assert reply.closest is not None
    assert reply.closest.quote not in reply.text


def test_a_settled_yes_no_question_opens_with_yes_before_the_verbatim_quote():
    import numpy as np

    from assistant.answerers.polar import PolarAnswers

    shown: list[str] = []

    def probabilities(claim: str, premises: list[str]) -> np.ndarray:
        shown.extend(premises)
        return np.array([0.02 if " not " in claim else 0.97])

    question = "Does a COO monitor key performance indicators?"
    state = question_state(TEXT, question, source=ARTICLE.name, answerable=True)
    answerer = ExtractiveAnswerer(polar=PolarAnswers(probabilities, threshold=0.9))
    reply = list(answerer.stream(state))[-1]
    assert reply.text.startswith("Yes. ")
    assert all(TEXT[c.start : c.end] == c.quote for c in reply.citations)
    assert "[SEP]" in shown[0]  # the quote read with its setting


def test_without_the_entailment_model_a_yes_no_question_is_quoted_as_before():
    reply = _answer("Does a COO monitor key performance indicators?")
    assert not reply.text.startswith(("Yes", "No"))


def test_an_unsure_verdict_quotes_the_closest_passages_and_says_they_may_not_answer():
    question = "What does a COO do?"
    state = question_state(TEXT, question, source=ARTICLE.name, answerable=True, sure=False)
    reply = list(ExtractiveAnswerer().stream(state))[-1]
    assert reply.hedged and not reply.refused
    assert reply.text.startswith("The article may not answer this directly. The closest it comes:")
    assert reply.citations
    assert all(TEXT[c.start : c.end] == c.quote for c in reply.citations)


def test_an_unsure_yes_no_question_never_opens_with_yes_or_no():
    import numpy as np

    from assistant.answerers.polar import PolarAnswers

    question = "Does a COO monitor key performance indicators?"
    state = question_state(TEXT, question, source=ARTICLE.name, answerable=True, sure=False)
    sure_yes = PolarAnswers(lambda claim, premises: np.array([0.99]), threshold=0.9)
    reply = list(ExtractiveAnswerer(polar=sure_yes).stream(state))[-1]
    assert reply.hedged and not reply.text.startswith(("Yes", "No"))


def test_a_sure_answer_is_not_hedged():
    assert not _answer("What does a COO do?").hedged


def test_an_unsure_answer_names_the_question_words_the_article_lacks():
    question = "What salary does a COO earn?"
    state = question_state(TEXT, question, source=ARTICLE.name, answerable=True, sure=False)
    reply = list(ExtractiveAnswerer().stream(state))[-1]
    assert reply.hedged
    assert reply.text.startswith("The article may not answer this directly. It does not mention")
    assert "“salary”" in reply.text.split("The closest it comes:")[0]


def test_a_sentence_the_document_repeats_word_for_word_is_quoted_once():
    from dataclasses import replace

    said = "The keepers kept the lamp burning through the great storm of 1894."
    text = f"# Storms\n\n{said} {said} {said}\n"
    state = question_state(text, "Who kept the lamp burning?", source="storms.md", answerable=True)
    assert state.verdict is not None
    # Every copy as likely as the first, as a scorer reading the same words would say.
    ranked = tuple(replace(s, probability=0.9) for s in state.verdict.ranked)
    state = replace(state, verdict=replace(state.verdict, ranked=ranked))
    reply = list(ExtractiveAnswerer().stream(state))[-1]
    assert len(ranked) == 3
    assert [c.quote for c in reply.citations] == [said]


def _ranked_state(sure: bool, probabilities: list[float]):
    """The article's verdict on a question, its units as likely as ``probabilities``."""
    from dataclasses import replace

    question = "Who holds a higher-ranking position?"
    state = question_state(TEXT, question, source=ARTICLE.name, answerable=True, sure=sure)
    assert state.verdict is not None
    ranked = state.verdict.ranked
    padded = probabilities + [0.0] * (len(ranked) - len(probabilities))
    ranked = tuple(replace(s, probability=p) for s, p in zip(ranked, padded, strict=True))
    return replace(state, verdict=replace(state.verdict, ranked=ranked))


def test_an_unsure_answer_shows_the_few_closest_units_though_none_is_likely_to_answer():
    state = _ranked_state(False, [0.45, 0.3, 0.2, 0.15])
    reply = list(ExtractiveAnswerer(max_units=3).stream(state))[-1]
    assert reply.hedged
    assert len(reply.citations) == 3


def test_an_unsure_answer_leaves_out_units_far_less_likely_than_its_best():
    state = _ranked_state(False, [0.45, 0.3, 0.02])
    reply = list(ExtractiveAnswerer(max_units=3).stream(state))[-1]
    assert len(reply.citations) == 2


def test_an_unsure_answer_shows_a_unit_a_tenth_as_likely_as_its_best():
    state = _ranked_state(False, [0.45, 0.045])
    reply = list(ExtractiveAnswerer(max_units=3).stream(state))[-1]
    assert len(reply.citations) == 2


def test_a_sure_answer_quotes_a_further_unit_only_when_it_is_likely_to_answer_too():
    state = _ranked_state(True, [0.95, 0.45, 0.3])
    reply = list(ExtractiveAnswerer(max_units=3).stream(state))[-1]
    assert not reply.hedged
    assert len(reply.citations) == 1
