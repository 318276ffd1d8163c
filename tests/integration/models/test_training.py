"""Training the scorer for real, on a few questions of two documents."""

from __future__ import annotations

import json

import pytest

from assistant.asking.features import QUESTION_FEATURES, UNIT_FEATURES
from assistant.models.scorer.report import measure
from assistant.models.scorer.scorer import Scorer, fold_scorer
from assistant.models.scorer.training import fit, save
from assistant.training.samples import collect

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def samples(embeddings):
    return collect(
        embeddings,
        names=["article", "Normans"],
        limit=12,
        others=6,
        near_misses=6,
        progress=False,
    )


def test_every_document_is_asked_its_own_questions_and_questions_it_cannot_answer(samples):
    variants = {(s.document, s.variant) for s in samples}
    for document in ("article", "Normans"):
        assert {(document, "clean"), (document, "typo"), (document, "chat")} <= variants
        assert {(document, "other"), (document, "near-miss")} <= variants


def test_the_evidence_of_an_answerable_question_is_labelled_among_its_candidates(samples):
    clean = [s for s in samples if s.variant == "clean" and s.answerable]
    assert sum(s.labels.any() for s in clean) >= 0.8 * len(clean)


def test_a_fitted_scorer_has_its_models_its_operating_point_and_its_choices(samples):
    fitted = fit(samples, ["article", "Normans"])
    assert fitted.model.ranker.features == UNIT_FEATURES
    assert fitted.model.answerable.features == QUESTION_FEATURES
    assert 0.0 < fitted.model.threshold < 1.0
    assert set(fitted.choices) == {
        "ranker_penalty",
        "unit_strength",
        "answerable_strength",
        "right_strength",
    }
    assert fitted.model.right is not None
    assert fitted.model.threshold < fitted.model.sure_threshold <= 1.0


def test_a_scorer_fitted_without_a_document_is_measured_on_it(samples):
    fitted = fit(samples, ["Normans", "article"])
    figures = measure(Scorer(fitted.model), [s for s in samples if s.document == "article"])
    assert 0.0 <= figures["false_refusal_clean"] <= 1.0
    assert figures["auc"] is not None


def test_the_saved_scorer_loads_and_carries_its_fold_twins(samples, tmp_path):
    fitted = fit(samples, ["article", "Normans"])
    path = tmp_path / "scorer.json"
    save(fitted, {"article": fitted}, path, {"article": {"auc": 1.0}})
    saved = json.loads(path.read_text())
    assert saved["validation"] == {"article": {"auc": 1.0}}
    assert Scorer.load(path).model.threshold == pytest.approx(fitted.model.threshold, abs=1e-6)
    assert fold_scorer(path, "article").model.threshold == pytest.approx(
        fitted.model.threshold, abs=1e-6
    )


def test_the_articles_questions_are_read_by_the_reader_that_never_saw_their_fold(samples):
    import copy

    import numpy as np

    from assistant.models.reader.training_folds import FOLDS, add_reader_scores, fold_of

    def constant(value):
        return lambda question, candidates: np.full(len(candidates), value, dtype=np.float32)

    read = copy.deepcopy(samples)
    shipped = 100.0
    add_reader_scores(read, constant(shipped), {f: constant(float(f)) for f in range(FOLDS)}, 4)
    top = QUESTION_FEATURES.index("top_reader")
    for sample in read:
        if not sample.features.candidates:
            continue
        expected = float(fold_of(sample.base)) if sample.document == "article" else shipped
        assert sample.features.question_row[top] == expected


def test_a_questions_variants_and_near_misses_share_its_fold(samples):
    article = [s for s in samples if s.document == "article"]
    clean = {s.question for s in article if s.variant == "clean"}
    made = [s for s in article if s.variant in ("typo", "chat", "word-swap", "synonym")]
    assert made and all(s.base in clean and s.base != s.question for s in made)
