"""The request classifier's model: its features, its operating point, its file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.models.requests.classifier import (
    KINDS,
    NGRAM_BUCKETS,
    CorpusWords,
    RequestModel,
    RequestModelError,
    load_model,
    text_features,
)


def _model(threshold: float = 0.6) -> RequestModel:
    width = 4
    return RequestModel(
        KINDS,
        np.zeros(width),
        np.ones(width),
        np.zeros((len(KINDS), width)),
        np.zeros(len(KINDS)),
        threshold,
    )


def test_a_kind_other_than_a_question_needs_the_threshold():
    probabilities = np.array([0.3, 0.5, 0.2, 0, 0, 0, 0])
    assert _model(0.6).decide(probabilities).kind == "ask"
    assert _model(0.4).decide(probabilities).kind == "summary"


def test_a_question_is_a_question_however_unsure():
    assert _model(0.9).decide(np.array([0.4, 0.3, 0.3, 0, 0, 0, 0])).kind == "ask"


def test_the_model_survives_its_json():
    model = _model()
    again = RequestModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.kinds == model.kinds and again.threshold == model.threshold


def test_a_model_for_other_kinds_is_refused_with_a_way_out():
    data = _model().to_dict()
    data["kinds"] = ["ask", "summary"]
    with pytest.raises(RequestModelError, match="train-requests"):
        RequestModel.from_dict(data)


def test_an_unreadable_model_file_says_how_to_rebuild_it(tmp_path):
    path = tmp_path / "requests.json"
    path.write_text("{not json")
    with pytest.raises(RequestModelError, match="train-requests"):
        load_model(str(path))


def test_the_shipped_model_loads_and_fits_the_features():
    model = load_model()
    assert model.mean.shape[0] == 384 + len(text_features("x"))
    assert 0.5 <= model.threshold < 1


def test_character_ngrams_see_through_punctuation_and_case():
    same = text_features("TL;DR")[:NGRAM_BUCKETS] @ text_features("tl;dr")[:NGRAM_BUCKETS]
    assert same == pytest.approx(1.0)


def test_words_the_corpus_discusses_are_counted_but_its_titles_are_not():
    corpus = CorpusWords(frozenset({"kpi", "coo"}), titles=frozenset({"coo"}))
    assert corpus.topical(["kpi", "coo", "pizza"]) == 1
