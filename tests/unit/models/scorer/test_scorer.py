"""The shipped scorer: learned, calibrated, traceable to the data it was fitted on."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.asking.features import QUESTION_FEATURES, UNIT_FEATURES, FeatureExtractor
from assistant.models.scorer.scorer import (
    ADDED_FEATURES,
    MODEL_FILE,
    Scorer,
    ScorerError,
    ScorerModel,
    question_row,
    rank_features,
)
from assistant.training.samples import data_hashes
from tests.support import ARTICLE, REPO, WordHashEmbeddings, question_state

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


def test_a_scorer_fitted_before_a_feature_was_added_gives_it_no_weight(tmp_path):
    data = json.loads(SHIPPED.read_text())
    model = Scorer.load().model
    for part in ("answerable", "right"):
        old = data[part]
        keep = [i for i, f in enumerate(old["features"]) if f not in ADDED_FEATURES]
        for key in ("features", "mean", "scale", "coef"):
            old[key] = [old[key][i] for i in keep]
    path = tmp_path / "scorer.json"
    path.write_text(json.dumps(data))
    earlier = Scorer.load(path).model
    assert earlier.answerable.features == QUESTION_FEATURES
    added = [QUESTION_FEATURES.index(f) for f in ADDED_FEATURES]
    assert not earlier.answerable.coef[added].any()
    assert model.answerable.coef[added].any()  # the shipped one was fitted with them


def test_a_list_lead_in_counts_its_items_share_as_its_own():
    state = question_state(ARTICLE.read_text(), "What are the key responsibilities of a COO?")
    assert state.retrieval is not None and state.normalized is not None
    features = FeatureExtractor(WordHashEmbeddings().encode).extract(
        state.normalized, state.retrieval
    )
    scores = Scorer.load().model.ranker.logits(features.units)
    ranking = rank_features(scores)
    best = int(np.argmax(scores))
    row = question_row(features, scores, ranking, np.zeros(len(scores)))
    share = row[QUESTION_FEATURES.index("top_share")]
    list_share = row[QUESTION_FEATURES.index("top_list_share")]
    assert features.candidates[best].unit.kind == "leadin"
    lead_in = features.candidates[best]
    items = [c for c in features.candidates if c.unit.kind == "item" and c.leadin == lead_in.unit]
    assert len(items) == 5  # the COO's five duties
    assert share < list_share <= 1.0
