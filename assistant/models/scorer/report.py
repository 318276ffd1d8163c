"""Run the training end to end and report it: train and validation, side by side.

``train()`` collects the samples, fits one scorer per held-out document and the
shipped one on all documents, and writes the scorer file with a report
(``training.md`` and ``training.json``) whose validation columns are always
measured on a document the scorer in question never saw.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from assistant.asking.decision import Verdict, verdict_of
from assistant.asking.features import Read
from assistant.evaluation.calibration import expected_calibration_error, write_calibration
from assistant.models.scorer.scorer import MODEL_FILE, READER_MODEL_FILE, Scorer, Scores
from assistant.models.scorer.training import (
    MAX_FALSE_REFUSALS,
    MAX_SURE_ADVERSARIAL,
    MAX_SURE_NEAR_MISSES,
    MAX_SURE_UNANSWERABLE,
    MIN_SURE_PRECISION,
    Fitted,
    fit,
    save,
)
from assistant.training.samples import Sample, collect

OWN = ("clean", "typo", "chat")
NOT_OWN = ("other", "near-miss", "word-swap")
OWN_EXTRA = ("synonym",)


@dataclass(frozen=True)
class TrainingResult:
    """What ``assistant train`` did and measured."""

    model_path: Path
    report_paths: tuple[Path, ...]
    validation: dict[str, dict[str, float | None]]
    training: dict[str, dict[str, float | None]]
    seconds: float

    def table(self) -> str:
        """The report's main table, for the terminal."""
        return _table(self.training, self.validation)


def measure(scorer: Scorer, samples: Sequence[Sample]) -> dict[str, float | None]:
    """How a scorer does on samples: unit ranking, refusals, calibration."""
    scored = [(s, _verdict(scorer, s)) for s in samples]
    answerable = [(s, sc) for s, sc in scored if s.answerable]
    located = [(s, sc) for s, sc in answerable if s.labels.any()]

    def top_holds(sample: Sample, scores: Any) -> bool:
        if not scores.ranked:
            return False
        best = scores.ranked[0].candidate
        return any(
            c is best and label
            for c, label in zip(sample.features.candidates, sample.labels, strict=True)
        )

    figures: dict[str, float | None] = {
        "questions": float(len(samples)),
        "retrieval_recall": _mean([bool(s.labels.any()) for s, _ in answerable]),
        "unit_top1": _mean([top_holds(s, sc) for s, sc in located]),
        "answered_right": _mean([sc.answerable and top_holds(s, sc) for s, sc in answerable]),
        "sure_right": _mean([sc.sure and top_holds(s, sc) for s, sc in answerable]),
        "sure_or_unsure_right": _mean([sc.answerable and top_holds(s, sc) for s, sc in answerable]),
        "unsure": _mean([sc.hedged for _, sc in answerable]),
        "sure_precision": _mean([s.answerable and top_holds(s, sc) for s, sc in scored if sc.sure]),
    }
    sure = [sc.sure for s, sc in scored if not s.answerable]
    figures["sure_not_answered"] = _mean(sure)
    for variant in (*OWN, *OWN_EXTRA):
        rows = [sc for s, sc in answerable if s.variant == variant]
        figures[f"false_refusal_{variant}"] = _mean([not sc.answerable for sc in rows])
    own = [sc for s, sc in scored if not s.answerable and s.variant in OWN]
    figures["refusal_out_of_scope"] = _mean([not sc.answerable for sc in own])
    figures["sure_out_of_scope"] = _mean([sc.sure for sc in own])
    for variant in (*NOT_OWN, "unanswerable"):
        rows = [sc for s, sc in scored if not s.answerable and s.variant == variant]
        figures[f"refusal_{variant}"] = _mean([not sc.answerable for sc in rows])
        figures[f"sure_{variant}"] = _mean([sc.sure for sc in rows])
    told = confidences(scorer, samples)
    figures["confidence_ece"] = expected_calibration_error(told) if told else None
    fitted = [(s, sc) for s, sc in scored if s.fitted]
    probabilities = np.array([sc.probability for _, sc in fitted])
    targets = np.array([float(s.answerable) for s, _ in fitted])
    figures.update(_calibration(probabilities, targets))
    return figures


def confidences(scorer: Scorer, samples: Sequence[Sample]) -> list[tuple[float, float]]:
    """Each question's told confidence, and 1 where the answer is right (the corpus
    answers, and the unit quoted first holds the answer): what calibration is about."""
    pairs = []
    for sample in samples:
        scores = scorer.score(sample.features)
        verdict = _verdict(scorer, sample, scores)
        if verdict.confidence is None or not scores.ranked:
            continue
        best = scores.ranked[0].candidate
        holds = any(
            c is best and label
            for c, label in zip(sample.features.candidates, sample.labels, strict=True)
        )
        pairs.append((verdict.confidence, float(sample.answerable and holds)))
    return pairs


def _verdict(scorer: Scorer, sample: Sample, scores: Scores | None = None) -> Verdict:
    """The verdict on a sample, as the assistant's decision reads its question: the words
    the corpus never uses, and whether it denies what its best unit says."""
    question = sample.features.question
    return verdict_of(
        scorer.score(sample.features) if scores is None else scores,
        scorer.model,
        question.normalized.lacking,
        question=question.text,
    )


def _mean(values: Sequence[bool | float]) -> float | None:
    return float(np.mean(values)) if len(values) else None


def _calibration(probabilities: np.ndarray, targets: np.ndarray) -> dict[str, float | None]:
    if not len(targets) or targets.min() == targets.max():
        return {"auc": None, "brier": None, "ece": None}
    order = np.argsort(probabilities)
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    positives = targets == 1
    auc = (ranks[positives].sum() - positives.sum() * (positives.sum() + 1) / 2) / (
        positives.sum() * (~positives).sum()
    )
    bins = np.minimum((probabilities * 10).astype(int), 9)
    ece = sum(
        abs(probabilities[bins == b].mean() - targets[bins == b].mean()) * (bins == b).mean()
        for b in range(10)
        if (bins == b).any()
    )
    brier = float(np.mean((probabilities - targets) ** 2))
    return {"auc": float(auc), "brier": brier, "ece": float(ece)}


def train(
    model_path: Path,
    report_dir: Path | None,
    *,
    embeddings: Any = None,
    progress: bool = True,
    reader: bool = True,
    reader_work: Path = Path(".reader-work"),
) -> TrainingResult:
    """Collect, fit per fold and on everything, save the scorer and the report.

    ``reader=False`` fits a scorer without the reader's features (they stay zero);
    with them, the article's questions are read by the fold readers
    ``assistant train-reader`` left in ``reader_work`` (cross-fitted), the others by
    the configured reader.
    """
    from assistant.evaluation.runner import default_embeddings

    started = time.perf_counter()
    readers = _fold_readers(reader_work) if reader else None  # missing: said before any work
    embeddings = embeddings or default_embeddings()
    samples = collect(embeddings, progress=progress, reader=False)
    if readers is not None:
        from assistant.models.reader.training_folds import add_reader_scores

        shipped, by_fold, best = readers
        add_reader_scores(samples, shipped, by_fold, best)
    names = list(dict.fromkeys(s.document for s in samples))
    folds: dict[str, Fitted] = {}
    validation: dict[str, dict[str, float | None]] = {}
    training: dict[str, dict[str, float | None]] = {}
    reliability: list[tuple[float, float]] = []
    for held in names:
        others = [n for n in names if n != held]
        folds[held] = fit(samples, others)
        scorer = Scorer(folds[held].model)
        validation[held] = measure(scorer, [s for s in samples if s.document == held])
        training[held] = measure(scorer, [s for s in samples if s.document != held])
        reliability += confidences(scorer, [s for s in samples if s.document == held])
    final = fit(samples, names)
    summary = {
        name: {k: _round(v) for k, v in figures.items()} for name, figures in validation.items()
    }
    save(final, folds, model_path, summary)
    seconds = time.perf_counter() - started
    paths: tuple[Path, ...] = ()
    if report_dir is not None:
        paths = _write_report(
            report_dir, (training, validation), final, seconds, len(samples), reader=reader
        )
        paths += write_calibration(report_dir, reliability, reader=reader)
    return TrainingResult(model_path, paths, validation, training, seconds)


def _fold_readers(work: Path) -> tuple[Read, dict[int, Read], int]:
    """The configured reader, each fold reader under ``work``, and how many units they read."""
    from assistant.models.reader.reader import Reader
    from assistant.models.reader.training_folds import fold_folders
    from assistant.settings import Settings

    settings = Settings()

    def reader(folder: Path | None) -> Read:
        return Reader(settings.cache_dir, folder=folder, int8=settings.reader_int8).score

    folds = {fold: reader(folder) for fold, folder in enumerate(fold_folders(work))}
    return reader(settings.reader_path), folds, settings.reader_candidates


def _sure(fitted: Fitted) -> str:
    point = fitted.model.sure_threshold
    return "never (no point keeps the bounds)" if point is None or point >= 1.0 else f"{point:.3f}"


def _choices(fitted: Fitted) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in fitted.choices.items())


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


ROWS = (
    ("questions", "questions asked of the document"),
    ("retrieval_recall", "answerable: the evidence is among the candidates"),
    ("unit_top1", "answerable, evidence retrieved: the top unit holds it"),
    ("answered_right", "answerable: answered, with the evidence as the top unit"),
    ("sure_right", "answerable: answered sure, with the evidence as the top unit"),
    ("unsure", "answerable: answered unsure"),
    ("sure_precision", "sure answers with the evidence as the top unit"),
    ("false_refusal_clean", "false refusals, questions as written"),
    ("false_refusal_typo", "false refusals, with typos"),
    ("false_refusal_chat", "false refusals, typed as in chat"),
    ("false_refusal_synonym", "false refusals, its key word said in another word"),
    ("refusal_out_of_scope", "refused: the document's own out-of-scope questions"),
    ("refusal_other", "refused: other documents' questions"),
    ("refusal_near-miss", "refused: near misses (its subject, another's question)"),
    ("refusal_word-swap", "refused: its own question with one key word swapped out"),
    ("refusal_unanswerable", "refused: SQuAD 2.0 unanswerable (not fitted; for information)"),
    ("sure_not_answered", "answered sure: any question it does not answer"),
    ("sure_out_of_scope", "answered sure: its own out-of-scope questions"),
    ("sure_near-miss", "answered sure: near misses (its subject, another's question)"),
    ("sure_word-swap", "answered sure: its own question with one key word swapped out"),
    ("sure_unanswerable", "answered sure: SQuAD 2.0 unanswerable"),
    ("auc", "answerable or not: AUC"),
    ("brier", "answerable or not: Brier score"),
    ("ece", "answerable or not: expected calibration error"),
    ("confidence_ece", "the confidence told (P(answer right)): expected calibration error"),
)


def _table(
    training: dict[str, dict[str, float | None]], validation: dict[str, dict[str, float | None]]
) -> str:
    names = list(validation)
    header = ["figure"]
    for name in names:
        header += [f"{name} (train)", f"{name} (validation)"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for key, label in ROWS:
        cells = [label]
        for name in names:
            for figures in (training[name], validation[name]):
                value = figures.get(key)
                cells.append(
                    "n/a"
                    if value is None
                    else (f"{value:.0f}" if key == "questions" else f"{value:.3f}")
                )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _write_report(
    folder: Path,
    figures: tuple[dict[str, dict[str, float | None]], dict[str, dict[str, float | None]]],
    final: Fitted,
    seconds: float,
    samples: int,
    *,
    reader: bool = True,
) -> tuple[Path, ...]:
    training, validation = figures
    without = " (with the reader's scores)" if reader else " (without the reader)"
    scored = (
        "\nThe reader's scores are cross-fitted: the article's questions are read by the"
        "\nfold reader that `assistant train-reader` trained without their half of the"
        "\ngold set, the other documents' (never trained on) by the shipped reader.\n"
        if reader
        else ""
    )
    shipped = READER_MODEL_FILE if reader else MODEL_FILE
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = f"""# Training the scorer{without}

Measured {stamp} on {machine}; `assistant train` took {seconds:.0f} s for {samples} questions.

Leave one document out. Each pair of columns is one scorer, fitted on the
other four documents: *train* is how it does on those four, *validation* how it
does on the document it never saw. Every choice inside a fold (regularisation,
the operating points) was made by a further leave-one-document-out split of its
four training documents. The lower operating point refuses at most
{MAX_FALSE_REFUSALS:.1%} of each kind of answerable question (clean, typos, chatty, synonyms)
on the training documents; the upper one
(on the probability that the answer is right) is the lowest at which at most
{MAX_SURE_UNANSWERABLE:.0%} of the other questions a document does not answer,
{MAX_SURE_NEAR_MISSES:.0%} of its near misses, and {MAX_SURE_ADVERSARIAL:.0%} of SQuAD 2.0's
adversarial unanswerable questions (capped apart), are answered sure, and at least
{MIN_SURE_PRECISION:.0%} of the sure answers to questions it answers quote the answer first.
Between the two, answers are given as unsure. The calibration of the confidence
told is in `{"calibration-reader" if reader else "calibration"}.md`.
{scored}
{_table(training, validation)}

The shipped scorer (`assistant/models/scorer/shipped/{shipped}`) is fitted the same way on
all five documents; its choices: {_choices(final)}; operating points:
answer when P(answerable) ≥ {final.model.threshold:.3f}, sure when P(right) ≥ {_sure(final)}.
"""
    stem = "training-reader" if reader else "training"
    markdown = folder / f"{stem}.md"
    markdown.write_text(text, encoding="utf-8")
    data = folder / f"{stem}.json"
    data.write_text(
        json.dumps({"training": training, "validation": validation, "seconds": seconds}, indent=1)
        + "\n",
        encoding="utf-8",
    )
    return markdown, data
