"""Naming what a quoted unit is about, from the text around it."""

from __future__ import annotations

from assistant.asking.candidates import candidates_of
from assistant.asking.retrieval import Passage
from assistant.asking.subjects import about_another_subject, subject_of
from assistant.documents.chunking import chunk_document
from assistant.documents.formats import parse_document
from assistant.indexing.statistics import KeywordIndex
from tests.support import ARTICLE


def _chunks():
    document = parse_document(ARTICLE.read_bytes(), source=ARTICLE.name, kind="markdown")
    return chunk_document(document, count_tokens=lambda t: len(t.split()), max_tokens=200)


def _candidates():
    chunks = _chunks()
    index = KeywordIndex(chunks)
    passages = [Passage(c, 0.5, 0.5) for c in chunks]
    return candidates_of(passages), index.phrase_count


def _subject(starts: str) -> str:
    candidates, phrase_count = _candidates()
    candidate = next(c for c in candidates if c.text.startswith(starts))
    return subject_of(candidate, phrase_count)


def test_a_pronoun_is_resolved_from_the_previous_sentence():
    assert _subject("They are responsible") == "An operations manager"


def test_a_list_item_gets_the_subject_of_its_lead_in():
    assert _subject("Monitoring key performance indicators") == "A COO"
    assert _subject("Supervising staff") == "An operations manager"


def test_an_item_that_names_its_own_subject_gets_none():
    assert _subject("Scope of Responsibilities") == ""


def test_an_item_naming_its_subject_in_the_possessive_gets_none():
    # "Organizational Impact: While an operations manager ..., a COO's decisions ..." is
    # about both roles; "[A COO:]" before it would say it is about one.
    assert _subject("Organizational Impact") == ""


def test_a_sentence_with_its_own_subject_gets_none():
    assert _subject("The COO is primarily responsible") == ""


def test_a_lone_item_naming_other_things_still_gets_its_lists_subject():
    # "operational planning" is a phrase of the article, not whose duty this is.
    assert _subject("Leading operational planning and execution") == "A COO"


def _about_another(question: str, starts: str) -> bool:
    candidates, _ = _candidates()
    candidate = next(c for c in candidates if c.text.startswith(starts))
    statistics = KeywordIndex(_chunks())
    # The decision reads the question as the corpus does ("KPIs", "Chief Operating Officer").
    read = statistics.words.normalize(question).text
    return about_another_subject(read, candidate, statistics)


def test_a_question_about_another_role_than_the_items_is_about_another_subject():
    assert _about_another(
        "Is the operations manager responsible for monitoring KPIs?",
        "Monitoring key performance indicators",
    )


def test_a_question_about_a_role_the_corpus_names_once_in_capitals_is_about_another_subject():
    assert _about_another(
        "What are the CEO's responsibilities?", "Collaborating with the CEO and other C-suite"
    )


def test_a_question_naming_the_items_own_role_beside_another_is_not():
    assert not _about_another(
        "Does the COO work with the CEO?", "Collaborating with the CEO and other C-suite"
    )


def test_a_question_naming_the_items_own_role_is_not():
    assert not _about_another(
        "Does the Chief Operating Officer monitor KPIs?", "Monitoring key performance indicators"
    )


def test_a_question_naming_no_role_is_not():
    assert not _about_another("Who monitors KPIs?", "Monitoring key performance indicators")


def test_a_unit_naming_its_own_subjects_is_never_about_another():
    assert not _about_another(
        "Does the operations manager have more decision-making power?", "Decision-Making Authority"
    )
