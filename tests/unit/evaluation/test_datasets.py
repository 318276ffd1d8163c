"""The question sets: the article's gold set and the SQuAD loader."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from assistant.evaluation import DatasetError, article_set, squad_set


def test_the_gold_set_has_enough_answerable_and_out_of_corpus_questions():
    questions = article_set().questions
    assert sum(q.answerable for q in questions) >= 50
    assert sum(not q.answerable for q in questions) >= 15


def test_the_gold_set_covers_every_kind_of_question():
    kinds = Counter(q.kind for q in article_set().questions)
    for kind in ["plain", "paraphrase", "colloquial", "multi-part", "comparison", "list"]:
        assert kinds[kind] >= 4, kind
    assert kinds["near-miss"] >= 8


def test_every_gold_evidence_span_is_verbatim_in_the_article():
    gold = article_set()
    (text,) = gold.documents.values()
    for question in gold.questions:
        for group in question.evidence:
            for span in group:
                assert 0 <= span.start < span.end <= len(text)
                assert text[span.start : span.end].strip() == text[span.start : span.end]


def test_every_answerable_gold_question_has_key_facts():
    assert all(q.facts for q in article_set().questions if q.answerable)


def test_question_ids_are_unique():
    ids = [q.id for q in article_set().questions]
    assert len(ids) == len(set(ids))


@pytest.fixture
def squad_file(tmp_path):
    data = {
        "version": "v2.0",
        "data": [
            {
                "title": "Tiny",
                "paragraphs": [
                    {
                        "context": "Alpha lives in Rome.",
                        "qas": [
                            {
                                "id": "q1",
                                "question": "Where does Alpha live?",
                                "answers": [{"text": "Rome", "answer_start": 15}],
                                "is_impossible": False,
                            }
                        ],
                    },
                    {
                        "context": "Beta was born in 1990.",
                        "qas": [
                            {
                                "id": "q2",
                                "question": "When was Beta born?",
                                "answers": [{"text": "1990", "answer_start": 17}],
                            },
                            {
                                "id": "q3",
                                "question": "When did Gamma die?",
                                "answers": [],
                                "plausible_answers": [{"text": "1990", "answer_start": 17}],
                                "is_impossible": True,
                            },
                        ],
                    },
                ],
            }
        ],
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data))
    return path


def test_a_squad_article_becomes_one_document_with_blank_lines_between_paragraphs(squad_file):
    squad = squad_set(squad_file)
    assert squad.documents == {"Tiny.txt": "Alpha lives in Rome.\n\nBeta was born in 1990.\n"}
    assert squad.short_answers


def test_squad_answer_offsets_move_into_the_joined_document(squad_file):
    squad = squad_set(squad_file)
    (text,) = squad.documents.values()
    by_id = {q.id: q for q in squad.questions}
    (span,) = by_id["q2"].evidence[0]
    assert text[span.start : span.end] == "1990"
    assert by_id["q2"].answers == ("1990",)


def test_impossible_squad_questions_are_unanswerable(squad_file):
    by_id = {q.id: q for q in squad_set(squad_file).questions}
    assert not by_id["q3"].answerable
    assert by_id["q3"].evidence == ()


def test_limit_keeps_the_first_questions_of_each_kind(squad_file):
    limited = squad_set(squad_file).limited(1)
    assert [q.id for q in limited.questions] == ["q1", "q3"]


def test_an_unknown_squad_title_is_a_clear_error(squad_file):
    with pytest.raises(DatasetError, match="No article titled 'Nope'"):
        squad_set(squad_file, title="Nope")


def test_a_file_that_is_not_squad_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[1, 2, 3]")
    with pytest.raises(DatasetError, match="not a readable SQuAD-format file"):
        squad_set(path)


def test_a_gzipped_squad_file_reads_like_a_plain_one(squad_file, tmp_path):
    import gzip

    packed = tmp_path / "squad.json.gz"
    packed.write_bytes(gzip.compress(squad_file.read_bytes()))
    assert squad_set(packed).questions == squad_set(squad_file).questions


def test_the_held_out_article_set_has_every_kind_and_locates_its_evidence():
    from assistant.evaluation.heldout_sets import heldout_set

    held = heldout_set()
    kinds = Counter(q.kind for q in held.questions)
    assert {"plain", "paraphrase", "noisy", "near-miss", "unrelated"} <= set(kinds)
    text = next(iter(held.documents.values()))
    for question in held.questions:
        for group in question.evidence:
            assert all(text[s.start : s.end] for s in group)


def test_the_fresh_article_set_has_every_kind_and_locates_its_evidence():
    from assistant.evaluation.heldout_sets import fresh_set

    fresh = fresh_set()
    kinds = Counter(q.kind for q in fresh.questions)
    assert kinds == {"plain": 12, "paraphrase": 10, "noisy": 8, "near-miss": 10, "unrelated": 5}
    text = next(iter(fresh.documents.values()))
    answerable = [q for q in fresh.questions if q.answerable]
    assert all(
        q.evidence and all(text[s.start : s.end] for g in q.evidence for s in g) for q in answerable
    )


def test_the_mixed_corpus_holds_the_article_and_four_others():
    from assistant.evaluation.heldout_sets import mixed_set

    assert len(mixed_set().documents) == 5


def test_policyqa_names_the_folder_it_needs_when_it_is_missing(tmp_path):
    from assistant.evaluation.heldout_sets import policyqa_sets

    with pytest.raises(DatasetError, match="evaluation-only"):
        policyqa_sets(tmp_path)
