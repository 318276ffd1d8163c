"""The learned, calibrated scorer: which unit answers, and is the question answerable here.

Three small models, fitted by ``assistant train`` on public data (SQuAD
articles and the article's gold set) and shipped as ``assistant/models/scorer/shipped/scorer.json``
with the hash of the data they were fitted on:

- the *ranker*, a conditional logit: a score per candidate unit, fitted so that
  within each question the units holding the answer come first;
- the *unit* calibration, a logistic regression on a unit's place in that
  ranking (its score's gap to the best, its share of the softmax): the
  probability that the unit holds the answer, so a further unit is quoted only
  when it is more likely than not to answer too;
- the *answerable* model, a logistic regression giving the question the
  probability that the corpus answers it, from the best unit's scores and what
  the corpus knows of the question's words.

The operating points are chosen on validation data (documents the model was not
fitted on), from the shares of questions refused and answered sure that
:mod:`assistant.models.scorer.training` allows. Inference is numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.asking.candidates import Candidate
from assistant.asking.features import QUESTION_FEATURES, SCORED, UNIT_FEATURES, Features
from assistant.errors import AssistantError
from assistant.models.files import load_model_file, shipped_file

MODEL_FILE = "scorer.json"
READER_MODEL_FILE = "scorer-reader.json"
"""The scorer fitted on the reader's scores: the default when the reader is on."""
RANK_FEATURES = ("gap", "share", "top")
"""What the unit calibration reads: score minus the best score, softmax share, is best."""


ADDED_FEATURES = frozenset({"top_list_share"})
"""Question features added after the reader's scorer was last fitted (that needs the fold
readers of ``train-reader``): a model file without one gives it no weight, which is
what it computed before."""


class ScorerError(AssistantError):
    """The scorer's parameter file is missing, unreadable or for other features."""


@dataclass(frozen=True)
class LogisticModel:
    """Standardised inputs, a weight per feature, a bias: a calibrated probability."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logits(self, rows: np.ndarray) -> np.ndarray:
        """Log-odds for each row of features."""
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        return ((rows - self.mean) / self.scale) @ self.coef + self.intercept

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Probabilities for each row of features."""
        return 1.0 / (1.0 + np.exp(-self.logits(rows)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        return {
            "features": list(self.features),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(float(self.intercept), 8),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], expected: tuple[str, ...]) -> LogisticModel:
        """Parameters read back; the feature list must be the one this code computes, but
        for features added since (:data:`ADDED_FEATURES`), which get no weight."""
        features = tuple(data["features"])
        if features != expected and features != tuple(
            f for f in expected if f not in ADDED_FEATURES
        ):
            raise ScorerError(
                "The scorer was fitted on other features than this version computes. "
                "Retrain it with `assistant train`."
            )
        given = {
            name: (mean, scale, coef)
            for name, mean, scale, coef in zip(
                features, data["mean"], data["scale"], data["coef"], strict=True
            )
        }
        mean, scale, coef = zip(*(given.get(f, (0.0, 1.0, 0.0)) for f in expected), strict=True)
        return cls(
            expected,
            np.asarray(mean, dtype=np.float64),
            np.asarray(scale, dtype=np.float64),
            np.asarray(coef, dtype=np.float64),
            float(data["intercept"]),
        )


@dataclass(frozen=True)
class Calibration:
    """A monotone map from P(answerable) to the probability that an answer is right (the
    corpus answers, and the unit quoted first holds the answer), fitted on validation
    documents by isotonic regression: the confidence a user is told."""

    points: tuple[float, ...]
    values: tuple[float, ...]

    def __call__(self, probability: float) -> float:
        """The calibrated confidence of ``probability``."""
        return float(np.interp(probability, self.points, self.values))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready breakpoints."""
        return {
            "points": [round(float(v), 6) for v in self.points],
            "values": [round(float(v), 6) for v in self.values],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        """Breakpoints read back; they must rise together."""
        points = tuple(float(v) for v in data["points"])
        values = tuple(float(v) for v in data["values"])
        if not points or len(points) != len(values) or list(points) != sorted(points):
            raise ValueError("the calibration's points must be sorted, one value each")
        return cls(points, values)


_PARTS = ("ranker", "unit", "answerable", "threshold", "right", "sure_threshold", "calibration")


@dataclass(frozen=True)
class ScorerModel:
    """The three models, the operating point and where they came from."""

    ranker: LogisticModel
    """Scores units within a question (its intercept is unused: only differences count)."""
    unit: LogisticModel
    answerable: LogisticModel
    threshold: float
    """The lower operating point on P(answerable), chosen on validation: below it the
    decision (:mod:`assistant.asking.decision`) says the corpus does not answer."""
    metadata: dict[str, Any] = field(default_factory=dict)
    right: LogisticModel | None = None
    """P(the answer quoting the best unit first is right), from the same question row: what
    decides whether an answer is sure. ``None`` in a scorer fitted before there were three
    outcomes: every answer is sure."""
    sure_threshold: float | None = None
    """The upper operating point, on P(right): at or above it an answer is sure; below it
    (but answered) unsure."""
    calibration: Calibration | None = None
    """P(right) mapped to how often such answers were right on validation documents: the
    confidence told."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters and metadata."""
        data = {
            **self.metadata,
            "ranker": self.ranker.to_dict(),
            "unit": self.unit.to_dict(),
            "answerable": self.answerable.to_dict(),
            "threshold": round(float(self.threshold), 6),
        }
        if self.right is not None:
            data["right"] = self.right.to_dict()
        if self.sure_threshold is not None:
            data["sure_threshold"] = round(float(self.sure_threshold), 6)
        if self.calibration is not None:
            data["calibration"] = self.calibration.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScorerModel:
        """A model from :meth:`to_dict`'s output."""
        metadata = {k: v for k, v in data.items() if k not in _PARTS}
        return cls(
            LogisticModel.from_dict(data["ranker"], UNIT_FEATURES),
            LogisticModel.from_dict(data["unit"], RANK_FEATURES),
            LogisticModel.from_dict(data["answerable"], QUESTION_FEATURES),
            float(data["threshold"]),
            metadata,
            LogisticModel.from_dict(data["right"], QUESTION_FEATURES) if "right" in data else None,
            float(data["sure_threshold"]) if "sure_threshold" in data else None,
            Calibration.from_dict(data["calibration"]) if "calibration" in data else None,
        )


@dataclass(frozen=True)
class ScoredCandidate:
    """A candidate unit and the probability that it answers the question."""

    candidate: Candidate
    probability: float
    vector: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class Scores:
    """The scorer's reading of one question."""

    ranked: tuple[ScoredCandidate, ...]
    """Candidates, most likely to answer first."""
    probability: float
    """Probability that the corpus answers the question (whether that is enough to answer
    is :mod:`assistant.asking.decision`'s to say)."""
    right: float | None = None
    """Probability that an answer quoting the best unit first would be right (the corpus
    answers, and that unit holds the answer); ``None`` for a scorer without that model."""


class Scorer:
    """Applies a :class:`ScorerModel` to :class:`Features`."""

    def __init__(self, model: ScorerModel) -> None:
        self.model = model

    @classmethod
    def load(cls, path: Path | None = None) -> Scorer:
        """The scorer in ``path``, or the one shipped with the package."""
        return cls(_load(str(path) if path else None))

    def score(self, features: Features) -> Scores:
        """Probabilities for every candidate and for the question."""
        if not features.candidates:
            return Scores((), 0.0)
        scores = self.model.ranker.logits(features.units)
        ranking = rank_features(scores)
        probabilities = self.model.unit.probabilities(ranking)
        order = np.argsort(-scores, kind="stable")
        row = question_row(features, scores, ranking, probabilities)
        probability = float(self.model.answerable.probabilities(row)[0])
        right = self.model.right.probabilities(row)[0] if self.model.right is not None else None
        ranked = tuple(
            ScoredCandidate(features.candidates[i], float(probabilities[i]), features.vectors[i])
            for i in order
        )
        return Scores(ranked, probability, None if right is None else float(right))


def shipped_path(*, reader: bool) -> Path:
    """The package's scorer file fitted with (or without) the reader's scores."""
    name = READER_MODEL_FILE if reader else MODEL_FILE
    return shipped_file(__package__ or "", name)


def configured_path(path: Path | None, *, reader: bool) -> Path | None:
    """The scorer to load: ``path`` when one is set; else, with the reader on, the shipped
    scorer fitted on its scores (the default scorer has never seen them, so it would
    ignore them); else ``None``, the shipped default."""
    return path if path is not None or not reader else shipped_path(reader=True)


def fold_scorer(path: Path | None, document: str) -> Scorer:
    """The scorer that was fitted without ``document`` (for honest evaluation)."""
    base = Scorer.load(path).model
    folds = base.metadata.get("folds", {})
    if document not in folds:
        return Scorer(base)
    return Scorer(ScorerModel.from_dict(folds[document]))


def rank_features(scores: np.ndarray) -> np.ndarray:
    """Each unit's place among its question's units: gap to the best, softmax share, is best."""
    best = scores.max()
    shares = np.exp(scores - best)
    shares /= shares.sum()
    top = (scores >= best).astype(np.float64)
    return np.column_stack([scores - best, shares, top])


def question_row(
    features: Features, scores: np.ndarray, ranking: np.ndarray, probabilities: np.ndarray
) -> np.ndarray:
    """The answerable model's input: the question's features with its units' scores."""
    row = features.question_row.astype(np.float64)
    best = int(np.argmax(scores))
    row[:SCORED] = (
        scores[best],
        ranking[best, 1],
        probabilities[best],
        _list_share(features, ranking, best),
    )
    return row


def _list_share(features: Features, ranking: np.ndarray, best: int) -> float:
    """The best unit's share with its list's items, when it is a list's lead-in: the answer
    then quotes the whole list ("What are the key responsibilities of a COO?"), whose
    items would otherwise count as rivals that split the probability with it."""
    top = features.candidates[best]
    share = float(ranking[best, 1])
    if top.unit.kind != "leadin":
        return share
    return share + sum(
        float(ranking[i, 1])
        for i, candidate in enumerate(features.candidates)
        if candidate.item_of(top)
    )


@cache
def _load(path: str | None) -> ScorerModel:
    return load_model_file(
        __package__ or "",
        MODEL_FILE,
        path,
        ScorerModel.from_dict,
        what="scorer",
        error=ScorerError,
        command="assistant train",
    )
