"""The evaluation's scoring functions."""

from __future__ import annotations

import pytest

from assistant.evaluation.datasets import Span
from assistant.evaluation.metrics import (
    claim_support,
    contains_answer,
    fact_stated,
    normalize_answer,
    percentile,
    strip_markers,
    token_f1,
)


def test_squad_normalisation_drops_case_punctuation_and_articles():
    assert normalize_answer("The  Normans, in France!") == "normans in france"


def test_an_answer_is_contained_only_as_whole_words():
    assert contains_answer("They lived in France [1].", ["France"])
    assert not contains_answer("They lived in Francesca.", ["France"])


def test_token_f1_is_squads_overlap_score():
    assert token_f1("the 10th century", ["10th century"]) == 1.0
    assert token_f1("in the 10th and 11th centuries", ["10th century"]) == pytest.approx(2 / 7)
    assert token_f1("nothing alike", ["10th century"]) == 0.0


def test_a_fact_counts_when_a_phrasing_or_all_its_content_words_appear():
    assert fact_stated("It is a higher-ranking position.", ("higher-ranking position",))
    assert fact_stated("The position ranks higher.", ("higher ranking position",))
    assert not fact_stated("The position is senior.", ("higher-ranking",))


def test_markers_are_stripped_before_scoring():
    assert strip_markers("Yes [1] and no [12].").split() == ["Yes", "and", "no", "."]


def test_percentiles_use_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([], 0.5) == 0.0


def test_spans_contain_and_cover():
    outer, inner = Span("a", 0, 100), Span("a", 10, 20)
    assert outer.contains(inner)
    assert not inner.contains(outer)
    assert Span("a", 15, 40).covers(inner, 0.5)
    assert not Span("b", 0, 100).covers(inner, 0.5)


def test_faithfulness_counts_sentences_supported_by_the_spans_they_cite():
    text = (
        "Key responsibilities include: [1]\n- Setting strategy\n- Hiring staff\n\n"
        "The COO leads the company. [2] The COO also earns a fortune."
    )
    quotes = {
        1: "Key responsibilities include:\n- Setting strategy\n- Hiring staff",
        2: "The COO leads the company.",
    }
    assert claim_support(text, quotes) == (4, 5)


def test_a_sentence_citing_the_wrong_span_is_unsupported():
    assert claim_support("The COO leads the company. [1]", {1: "Bananas are yellow."}) == (0, 1)
