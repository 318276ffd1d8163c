"""Naming what a quoted unit is about, from the text around it."""

from __future__ import annotations

from assistant.answerers.subjects import subject_of
from assistant.asking.candidates import candidates_of
from assistant.asking.retrieval import Passage
from assistant.documents.chunking import chunk_document
from assistant.documents.formats import parse_document
from assistant.indexing.statistics import KeywordIndex
from tests.support import ARTICLE


def _candidates():
    document = parse_document(ARTICLE.read_bytes(), source=ARTICLE.name, kind="markdown")
    chunks = chunk_document(document, count_tokens=lambda t: len(t.split()), max_tokens=200)
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
