"""The reader's training pairs: labelled as the assistant will read them, split by article."""

from __future__ import annotations

import random

from assistant.models.reader.data import _near_miss, _Paragraph, build_pairs, split_articles


def _paragraphs() -> list[_Paragraph]:
    first = _Paragraph(
        "Tea",
        "Tea",
        (
            "Green tea comes from China.",
            "Black tea is oxidised for hours.",
            "Tea reached Europe in 1610.",
        ),
        (("Where does green tea come from?", frozenset({0})),),
    )
    second = _Paragraph(
        "Tea",
        "Tea",
        ("Milk is added to black tea in Britain.", "Sugar is optional."),
        (("What is added to black tea in Britain?", frozenset({0})),),
        ("What is added to green tea in Japan?",),
    )
    return [first, second]


def test_the_answer_sentence_is_the_one_positive_pair_of_its_question():
    pairs = build_pairs(_paragraphs(), ["Tea"], noisy_share=0.0)
    asked = [p for p in pairs if p.question == "Where does green tea come from?"]
    positives = [p for p in asked if p.label == 1.0]
    assert len(positives) == 1 and positives[0].text.startswith("Green tea comes from China.")
    assert all(p.label == 0.0 for p in asked if p.kind != "answer")


def test_an_unanswerable_question_gets_only_negatives_from_its_own_paragraph():
    pairs = build_pairs(_paragraphs(), ["Tea"], noisy_share=0.0)
    unanswerable = [p for p in pairs if p.kind == "unanswerable"]
    assert unanswerable and all(p.label == 0.0 for p in unanswerable)


def test_the_same_seed_builds_the_same_pairs():
    assert build_pairs(_paragraphs(), ["Tea"]) == build_pairs(_paragraphs(), ["Tea"])


def test_another_paragraphs_question_is_a_negative_beside_the_answer():
    pairs = build_pairs(_paragraphs(), ["Tea"], noisy_share=0.0)
    transplanted = [p for p in pairs if p.kind == "transplant"]
    assert {(p.question, p.text.split(" [SEP]")[0], p.label) for p in transplanted} == {
        ("What is added to black tea in Britain?", "Green tea comes from China.", 0.0),
        ("Where does green tea come from?", "Milk is added to black tea in Britain.", 0.0),
    }


def test_a_near_miss_asks_about_a_name_the_answer_does_not_hold():
    changed = _near_miss(
        "When did tea reach Europe?",
        "Tea reached Europe in 1610.",
        ["Asia", "Europe", "1610"],
        [],
        random.Random(1),
    )
    assert changed == "When did tea reach Asia?"


def test_articles_are_split_whole_and_the_same_way_each_time():
    paragraphs = [
        _Paragraph(f"A{i}", f"A{i}", ("x.",), (("q?", frozenset({0})),)) for i in range(40)
    ]
    fit, held = split_articles(paragraphs, 0.1)
    assert not set(fit) & set(held) and len(held) == 4
    assert (fit, held) == split_articles(paragraphs, 0.1)


def test_the_second_stage_keeps_every_gold_pair_and_replays_as_many_squad_pairs():
    from assistant.models.reader.data import Pair
    from assistant.models.reader.training import ReaderRecipe, _with_replay

    own = [Pair(f"q{i}", "unit", 1.0, "document-clean", "article") for i in range(10)]
    squad = build_pairs(_paragraphs(), ["Tea"], noisy_share=0.0) * 5
    mixed = _with_replay(own, squad, ReaderRecipe(replay=1.0))
    assert len(mixed) == 20 and all(p in mixed for p in own)
    assert sum(p.article == "Tea" for p in mixed) == 10


def _adversarial() -> list[_Paragraph]:
    from dataclasses import replace

    from assistant.models.reader.data import Adversarial

    first, second = _paragraphs()
    written = Adversarial("when did coffee reach europe?", 2, "When did tea reach Europe?")
    return [replace(first, adversarial=(written,)), second]


def test_an_adversarial_question_and_its_pair_meet_the_same_sentence_with_opposite_labels():
    pairs = build_pairs(_adversarial(), ["Tea"], noisy_share=0.0)
    plausible = {
        (p.question, p.label)
        for p in pairs
        if p.kind in ("adversarial", "adversarial-pair") and p.text.startswith("Tea reached")
    }
    assert plausible == {
        ("when did coffee reach europe?", 0.0),
        ("When did tea reach Europe?", 1.0),
    }


def test_an_adversarial_question_is_a_negative_beside_every_sentence_it_meets():
    pairs = build_pairs(_adversarial(), ["Tea"], noisy_share=0.0)
    asked = [p for p in pairs if p.question == "when did coffee reach europe?"]
    assert len(asked) == 3 and all(p.label == 0.0 for p in asked)


def test_adversarial_questions_per_article_are_capped():
    pairs = build_pairs(_adversarial(), ["Tea"], noisy_share=0.0, adversarial_per_article=0)
    assert not [p for p in pairs if p.kind.startswith("adversarial")]


def test_the_adversarial_file_attaches_each_question_to_its_plausible_answers_sentence():
    from assistant.models.reader.data import _adversarial as attach

    context = "Tea is old. Tea reached Europe in 1610. It was costly."
    spans = [(0, 11), (12, 38), (39, 54)]
    row = {
        "context": context,
        "question": "when did coffee reach europe?",
        "paired_question": "When did tea reach Europe?",
        "paired_answer": "1610",
    }
    (found,) = attach([row], context, spans)
    assert found.sentence == 1 and found.paired == "When did tea reach Europe?"
    assert attach([{**row, "context": "another revision"}], context, spans) == ()
