"""The entailment model's training pairs: a claim that changes its sentence is a 0,
one the sentence still says is a 1; the sentences come from SQuAD, split by article."""

from __future__ import annotations

import random

import pytest

from assistant.answerers.claims import ClaimReader
from assistant.models.entailment import data
from assistant.models.reader.data import _Paragraph

SENTENCE = data._Sentence(
    "Tea",
    "Tea",
    "Tea reached Europe in 1610 because Dutch traders brought it from China.",
    "",
    ("Black tea is oxidised for several hours before it is dried.",),
)


def _tools(seed: int = 1) -> data._Tools:
    from assistant.training.wordnet import wordnet

    return data._Tools(random.Random(seed), {"GPE": ["Japan", "India"]}, wordnet(), SENTENCE)


def _doc(text: str = SENTENCE.text):
    return ClaimReader.parse(text)


@pytest.fixture(autouse=True)
def _needs_wordnet():
    from assistant.training.wordnet import FOLDER

    if not (FOLDER / "index.noun").exists():
        pytest.fail("WordNet is missing: `make wordnet` installs Debian's wordnet-base")


def test_a_negation_puts_a_negative_word_before_the_verb():
    changed = data._negation(_doc(), _tools())
    assert changed is not None and changed != SENTENCE.text
    assert any(w in changed for w in ("not", "never", "rarely", "seldom", "hardly", "no longer"))


def test_a_changed_number_is_another_number():
    changed = data._number(_doc(), _tools())
    assert changed is not None and "1610" not in changed
    assert changed.replace("1610", "") != SENTENCE.text.replace("1610", "")


def test_another_name_of_the_article_replaces_one_of_the_sentence():
    changed = data._entity(_doc(), _tools())
    assert changed is not None and ("Japan" in changed or "India" in changed)


def test_cause_and_effect_are_reversed():
    changed = data._cause(_doc(), _tools())
    assert changed == "Dutch traders brought it from China because tea reached Europe in 1610"


def test_a_fact_from_the_paragraph_is_added():
    changed = data._added(_doc(), _tools())
    assert changed is not None and changed.startswith(SENTENCE.text.rstrip("."))
    assert "oxidised" in changed


def test_a_list_keeps_its_last_item_when_one_is_left_out():
    doc = _doc("The museum shows paintings, sculptures, coins and maps.")
    changed = data._items(doc, _tools())
    assert changed is not None and changed.endswith("maps.")
    assert len(changed) < len(doc.text)


def test_antonyms_and_synonyms_come_from_wordnet():
    from assistant.training.wordnet import wordnet

    assert "small" in wordnet().antonyms("large", "a")
    assert "seldom" in wordnet().synonyms("rarely", "r")


def test_each_sentence_gives_one_changed_and_one_faithful_claim():
    pairs = data.squad_pairs([SENTENCE], per_article=None)
    assert sorted(p.label for p in pairs) == [0.0, 1.0]
    assert {p.kind for p in pairs if p.label == 0.0} <= set(data.MUTATIONS)
    assert {p.kind for p in pairs if p.label == 1.0} <= set(data.REWRITES)
    assert all(p.text.startswith(SENTENCE.text) for p in pairs)


def test_the_same_seed_gives_the_same_pairs():
    assert data.squad_pairs([SENTENCE]) == data.squad_pairs([SENTENCE])


def test_only_the_chosen_articles_give_sentences():
    paragraphs = [
        _Paragraph("Tea", "Tea", (SENTENCE.text,), ()),
        _Paragraph("Coffee", "Coffee", ("Coffee was first roasted in Yemen long ago.",), ()),
    ]
    assert [s.article for s in data.sentences(paragraphs, ["Coffee"])] == ["Coffee"]


def test_nli_rows_are_split_by_premise_and_labelled_entailed_or_not():
    fitted, held = data.read_nli(held=False), data.read_nli(held=True)
    premises = {p.text for p in fitted if p.kind == "mnli"}
    assert not premises & {p.text for p in held if p.kind == "mnli"}
    assert {p.label for p in fitted} == {0.0, 1.0}
