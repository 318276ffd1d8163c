"""Fitting the scorer: every choice made on documents held out from the fit.

The ranker is a conditional logit (each question's candidates compete in one
softmax, so it learns what sets the answering unit apart from its neighbours,
not what makes one document's units look alike); the unit calibration and the
answerable model are logistic regressions stacked on rankers that never saw the
document they score. Regularisation strengths and the operating point are chosen
by leaving one training document out at a time. ``training_report`` runs this
once per held-out document for validation, and once on everything for the
shipped scorer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from assistant.asking.features import QUESTION_FEATURES, UNIT_FEATURES
from assistant.models.scorer.scorer import (
    RANK_FEATURES,
    Calibration,
    LogisticModel,
    ScorerModel,
    question_row,
    rank_features,
)
from assistant.training.samples import Sample, data_hashes

MAX_FALSE_REFUSALS = 0.01
"""The lower operating point: refuse at most this share of every kind of answerable
question (clean, typed with typos, chatty, a word swapped for a synonym). Half the 2% a
user may meet: validation's synonyms are single swapped words, and users' paraphrases
("Whose choices ripple across the whole company?") were refused about three times as
often as validation's questions at the 2% point. Lower still (0.5%) halves those refusals
again but turns one off-topic question in five ("who won the 2018 world cup") from "not
in the article" into an unsure answer quoting passages that have nothing to do with it."""
MAX_SURE_UNANSWERABLE = 0.05
"""The upper operating point: give at most this share of the questions a document does
not answer (near misses, other documents', out of scope) a sure answer..."""
MAX_SURE_NEAR_MISSES = 0.10
"""...at most this share of its near misses alone (a key word swapped, another subject)..."""
MAX_SURE_ADVERSARIAL = 0.35
"""...at most this share of SQuAD 2.0's adversarial unanswerable questions, capped apart:
crowd workers wrote them to look answerable, and features that read words and passages
cannot tell most of them from real questions, so counted with the near misses they alone
set the point and left most real questions unsure..."""
MIN_SURE_PRECISION = 0.95
"""...and make at least this share of its sure answers to questions it answers right (the
evidence quoted first)."""
NEAR_MISSES = ("near-miss", "word-swap")
ADVERSARIAL = "unanswerable"
"""The variant of SQuAD 2.0's own unanswerable questions."""
_PENALTIES = (0.001, 0.003, 0.01, 0.03, 0.1)
_STRENGTHS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class Fitted:
    """A scorer model with the choices made while fitting it."""

    model: ScorerModel
    choices: dict[str, float]


def fit(samples: Sequence[Sample], documents: Sequence[str]) -> Fitted:
    """A scorer fitted on ``documents``' samples, every choice made by inner validation."""
    everything = [s for s in samples if s.document in documents]
    train = [s for s in everything if s.fitted]
    penalty = _choose(lambda held, p: _ranker_loss(train, held, p), documents, _PENALTIES)
    ranker = _fit_ranker(train, penalty)
    # Everything stacked on the ranker learns from scores it would see on a new
    # document: each document's scores come from a ranker fitted without it.
    held_out = {d: _fit_ranker([s for s in train if s.document != d], penalty) for d in documents}
    scores = {id(s): held_out[s.document].logits(s.features.units) for s in everything}
    unit_rows, unit_targets, unit_groups = _unit_data(train, scores)
    unit_weights = _per_document(unit_groups)
    unit_c = _choose(
        lambda held, c: _loss((unit_rows, unit_targets, unit_weights, unit_groups), held, c),
        documents,
        _STRENGTHS,
    )
    unit = _logistic(unit_rows, unit_targets, unit_weights, unit_c, RANK_FEATURES)
    questions = _question_data(everything, scores, unit)
    fitted = questions.variants != "unanswerable"
    rows, targets = questions.rows[fitted], questions.targets[fitted]
    groups = questions.groups[fitted]
    weights = _balanced(groups, targets)
    data = (rows, targets, weights, groups)
    answer_c = _choose(lambda held, c: _loss(data, held, c), documents, _STRENGTHS)
    answerable = _logistic(rows, targets, weights, answer_c, QUESTION_FEATURES)
    # Whether an answer would be right: the document answers, and the unit ranked first
    # holds the answer. What decides sure or unsure.
    right = questions.right[fitted]
    right_weights = _balanced(groups, right)
    right_data = (rows, right, right_weights, groups)
    right_c = _choose(lambda held, c: _loss(right_data, held, c), documents, _STRENGTHS)
    right_model = _logistic(rows, right, right_weights, right_c, QUESTION_FEATURES)
    # Each question's probabilities from models that never saw its document: what the
    # operating points and the calibration are chosen on.
    out_of_fold = np.zeros(len(questions.rows))
    right_out = np.zeros(len(questions.rows))
    for held in documents:
        inside = groups != held
        fold = _logistic(
            rows[inside], targets[inside], weights[inside], answer_c, QUESTION_FEATURES
        )
        fold_right = _logistic(
            rows[inside], right[inside], right_weights[inside], right_c, QUESTION_FEATURES
        )
        outside = questions.groups == held
        out_of_fold[outside] = fold.probabilities(questions.rows[outside])
        right_out[outside] = fold_right.probabilities(questions.rows[outside])
    threshold = _operating_point(out_of_fold[fitted], targets, groups, questions.variants[fitted])
    answered = out_of_fold >= threshold
    # Chosen on the decisions made: a question in words the corpus lacks is never sure.
    sure = _sure_point(right_out, questions, answered & ~questions.missing)
    calibration = _calibration(right_out, questions)
    choices = {
        "ranker_penalty": penalty,
        "unit_strength": unit_c,
        "answerable_strength": answer_c,
        "right_strength": right_c,
    }
    model = ScorerModel(ranker, unit, answerable, threshold, {}, right_model, sure, calibration)
    return Fitted(model, choices)


def _choose(
    loss: Callable[[str, float], float], documents: Sequence[str], grid: Sequence[float]
) -> float:
    """The grid value with the lowest mean loss, each document held out in turn."""
    scores = {value: float(np.mean([loss(held, value) for held in documents])) for value in grid}
    return min(scores, key=lambda value: scores[value])


def _per_document(groups: np.ndarray) -> np.ndarray:
    """Weights giving each document the same total weight (a long article is not worth more)."""
    weights = np.zeros(len(groups))
    for group in np.unique(groups):
        mask = groups == group
        weights[mask] = 1.0 / mask.sum()
    return weights * len(groups) / max(weights.sum(), 1e-12)


def _balanced(groups: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Weights giving each document, and each class within it, the same total weight."""
    weights = np.zeros(len(targets))
    for group in np.unique(groups):
        for label in (0.0, 1.0):
            mask = (groups == group) & (targets == label)
            if mask.any():
                weights[mask] = 1.0 / mask.sum()
    return weights * len(targets) / max(weights.sum(), 1e-12)


def _ranked(samples: Sequence[Sample]) -> list[Sample]:
    """Answerable questions whose evidence is among their candidates: what the ranker learns."""
    return [s for s in samples if s.answerable and s.labels.any()]


def _fit_ranker(samples: Sequence[Sample], penalty: float) -> LogisticModel:
    """A conditional logit: per question, a softmax over its candidates' scores."""
    from scipy.optimize import minimize

    questions = _ranked(samples)
    rows = np.concatenate([s.features.units for s in questions]).astype(np.float64)
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    groups = np.array([s.document for s in questions], dtype=object)
    weights = _per_document(groups)
    data = [
        ((s.features.units - mean) / scale, s.labels > 0, weight)
        for s, weight in zip(questions, weights, strict=True)
    ]

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad = 0.0, np.zeros_like(w)
        for x, positive, weight in data:
            logits = x @ w
            shares = np.exp(logits - logits.max())
            shares /= shares.sum()
            mass = shares[positive].sum()
            loss -= weight * np.log(mass + 1e-12)
            grad += weight * (shares @ x - (shares[positive] @ x[positive]) / mass)
        return loss / len(data) + penalty * w @ w, grad / len(data) + 2 * penalty * w

    result = minimize(objective, np.zeros(rows.shape[1]), jac=True, method="L-BFGS-B")
    return LogisticModel(UNIT_FEATURES, mean, scale, result.x, 0.0)


def _ranker_loss(samples: Sequence[Sample], held: str, penalty: float) -> float:
    """Mean negative log share of the evidence on the held-out document's questions."""
    model = _fit_ranker([s for s in samples if s.document != held], penalty)
    losses = []
    for sample in _ranked([s for s in samples if s.document == held]):
        logits = model.logits(sample.features.units)
        shares = np.exp(logits - logits.max())
        shares /= shares.sum()
        losses.append(-np.log(shares[sample.labels > 0].sum() + 1e-12))
    return float(np.mean(losses)) if losses else 0.0


def _unit_data(
    samples: Sequence[Sample], scores: dict[int, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    answerable = [s for s in samples if s.answerable and len(s.labels)]
    rows = np.concatenate([rank_features(scores[id(s)]) for s in answerable])
    targets = np.concatenate([s.labels for s in answerable]).astype(np.float64)
    groups = np.concatenate([[s.document] * len(s.labels) for s in answerable]).astype(object)
    return rows, targets, groups


@dataclass(frozen=True)
class _Questions:
    """The answerable model's rows, one per question, with what each question was."""

    rows: np.ndarray
    targets: np.ndarray
    """1 where the document answers the question."""
    groups: np.ndarray
    """The document asked."""
    right: np.ndarray
    """1 where it answers, and the unit ranked first holds the answer."""
    variants: np.ndarray
    missing: np.ndarray
    """True where the question has a word the corpus never uses: never answered sure."""


def _question_data(
    samples: Sequence[Sample], scores: dict[int, np.ndarray], unit: LogisticModel
) -> _Questions:
    rows, targets, groups, right, variants, missing = [], [], [], [], [], []
    for sample in samples:
        if not len(sample.labels):
            continue
        ranking = rank_features(scores[id(sample)])
        probabilities = unit.probabilities(ranking)
        rows.append(question_row(sample.features, scores[id(sample)], ranking, probabilities))
        targets.append(float(sample.answerable))
        groups.append(sample.document)
        top = int(np.argmax(scores[id(sample)]))
        right.append(float(sample.answerable and sample.labels[top] > 0))
        variants.append(sample.variant)
        missing.append(bool(sample.features.question.normalized.lacking))
    return _Questions(
        np.array(rows),
        np.array(targets),
        np.array(groups, dtype=object),
        np.array(right),
        np.array(variants, dtype=object),
        np.array(missing, dtype=bool),
    )


def _loss(
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], held: str, strength: float
) -> float:
    rows, targets, weights, groups = data
    inside = groups != held
    features = RANK_FEATURES if rows.shape[1] == len(RANK_FEATURES) else QUESTION_FEATURES
    model = _logistic(rows[inside], targets[inside], weights[inside], strength, features)
    return _log_loss(model.probabilities(rows[~inside]), targets[~inside], weights[~inside])


def _logistic(
    rows: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray,
    strength: float,
    features: tuple[str, ...],
) -> LogisticModel:
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    classifier = LogisticRegression(C=strength, max_iter=2000)
    classifier.fit((rows - mean) / scale, targets, sample_weight=weights)
    coef = classifier.coef_[0].astype(np.float64)
    return LogisticModel(features, mean, scale, coef, float(classifier.intercept_[0]))


def _log_loss(probabilities: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> float:
    p = np.clip(probabilities, 1e-7, 1 - 1e-7)
    losses = -(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    return float(np.average(losses, weights=weights))


def _operating_point(
    probabilities: np.ndarray, targets: np.ndarray, groups: np.ndarray, kinds: np.ndarray
) -> float:
    """The highest threshold that refuses at most :data:`MAX_FALSE_REFUSALS` of every kind
    of answerable question.

    Each kind's share is averaged over documents, so a long article does not set it alone;
    the worst kind sets the point, so paraphrases are not hidden by clean questions.
    """
    positives = targets == 1
    candidates = np.unique(probabilities[positives])
    best = float(candidates.min()) if len(candidates) else 0.5
    # Per kind, the answerable questions of each document that has some.
    by_kind = [
        [
            cell
            for g in np.unique(groups)
            if (cell := positives & (groups == g) & (kinds == k)).any()
        ]
        for k in np.unique(kinds[positives])
    ]
    for threshold in candidates:  # ascending; refusals only grow with the threshold
        worst = max(
            float(np.mean([np.mean(probabilities[cell] < threshold) for cell in kind]))
            for kind in by_kind
        )
        if worst > MAX_FALSE_REFUSALS:
            break
        best = float(threshold)
    return best


def _sure_point(right: np.ndarray, questions: _Questions, answered: np.ndarray) -> float:
    """The lowest P(right) from which an answer is sure: of the questions a document does
    not answer at most :data:`MAX_SURE_UNANSWERABLE`, of its near misses at most
    :data:`MAX_SURE_NEAR_MISSES`, and of SQuAD 2.0's adversarial questions at most
    :data:`MAX_SURE_ADVERSARIAL`, are answered sure; at least :data:`MIN_SURE_PRECISION`
    of the sure answers to questions it answers quote the answer first. Shares are
    averaged over documents; when no point keeps all four, nothing is sure (1.0)."""
    documents = np.unique(questions.groups)
    adversarial = questions.variants == ADVERSARIAL
    unanswerable = (questions.targets == 0) & ~adversarial
    answerable = questions.targets == 1
    near = np.isin(questions.variants, NEAR_MISSES)
    is_right = questions.right == 1

    def share(mask: np.ndarray, hit: np.ndarray) -> float:
        rates = [
            float(np.mean(hit[mask & (questions.groups == d)]))
            for d in documents
            if (mask & (questions.groups == d)).any()
        ]
        return float(np.mean(rates)) if rates else 0.0

    for point in np.unique(right[answered]):
        sure = answered & (right >= point)
        if (
            share(unanswerable, sure) <= MAX_SURE_UNANSWERABLE
            and share(near, sure) <= MAX_SURE_NEAR_MISSES
            and share(adversarial, sure) <= MAX_SURE_ADVERSARIAL
            and share(sure & answerable, is_right) >= MIN_SURE_PRECISION
        ):
            return float(point)
    return 1.0


def _calibration(probabilities: np.ndarray, questions: _Questions) -> Calibration:
    """Isotonic regression of "the answer is right" on P(right), each document weighing
    the same: how often answers told this probability were right."""
    from sklearn.isotonic import IsotonicRegression

    weights = _per_document(questions.groups)
    isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    isotonic.fit(probabilities, questions.right, sample_weight=weights)
    return Calibration(
        tuple(float(v) for v in isotonic.X_thresholds_),
        tuple(float(v) for v in isotonic.y_thresholds_),
    )


def save(fitted: Fitted, folds: dict[str, Fitted], path: Path, summary: dict[str, Any]) -> None:
    """Write the shipped scorer, its per-fold twins and where they came from."""
    model = fitted.model
    metadata = {
        "description": "The models of assistant.models.scorer.scorer, fitted by `assistant train`.",
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"),
        "data": data_hashes(),
        "choices": fitted.choices,
        "validation": summary,
        "folds": {name: f.model.to_dict() for name, f in folds.items()},
    }
    shipped = replace(model, metadata=metadata)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(shipped.to_dict(), indent=1) + "\n", encoding="utf-8")
