"""The shipped scorer: learned, calibrated, traceable to the data it was fitted on."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.asking.features import QUESTION_FEATURES, UNIT_FEATURES
from assistant.models.scorer.scorer import MODEL_FILE, Scorer, ScorerError, ScorerModel
from assistant.training.samples import data_hashes
from tests.support import ARTICLE, REPO, question_state

SHIPPED = REPO / "assistant" / "models" / "scorer" / "shipped" / MODEL_FILE


def test_the_shipped_scorer_records_the_hash_of_every_file_it_was_fitted_on():
    metadata = json.loads(SHIPPED.read_text())
    assert metadata["data"] == data_hashes()
    assert metadata["trained"]


def test_the_shipped_scorer_carries_one_scorer_per_held_out_document():
    metadata = json.loads(SHIPPED.read_text())
    assert set(metadata["folds"]) == {
        "article",
        "Normans",
        "Southern_California",
        "Sky_(United_Kingdom)",
        "Victoria_(Australia)",
    }


def test_the_models_read_the_features_this_code_computes():
    model = Scorer.load().model
    assert model.ranker.features == UNIT_FEATURES
    assert model.answerable.features == QUESTION_FEATURES
    assert 0.0 < model.threshold < 1.0


def test_a_scorer_for_other_features_is_refused_with_a_hint_to_retrain(tmp_path):
    data = json.loads(SHIPPED.read_text())
    data["answerable"]["features"] = ["something", "else"]
    path = tmp_path / "scorer.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ScorerError, match="assistant train"):
        Scorer.load(path)


def test_a_missing_scorer_file_is_a_clear_error(tmp_path):
    with pytest.raises(ScorerError, match="Cannot read the scorer"):
        Scorer.load(tmp_path / "nothing.json")


def test_probabilities_are_probabilities_and_the_ranking_is_by_them():
    state = question_state(ARTICLE.read_text(), "What are the key responsibilities of a COO?")
    assert state.verdict is not None
    ranked = [c.probability for c in state.verdict.ranked]
    assert all(0.0 <= p <= 1.0 for p in ranked)
    assert ranked == sorted(ranked, reverse=True)
    assert 0.0 <= state.verdict.probability <= 1.0


def test_the_model_round_trips_through_its_json_form():
    model = Scorer.load().model
    again = ScorerModel.from_dict(json.loads(json.dumps(model.to_dict())))
    rows = np.ones((2, len(UNIT_FEATURES)))
    assert np.allclose(model.ranker.logits(rows), again.ranker.logits(rows))
    assert again.threshold == pytest.approx(model.threshold)
