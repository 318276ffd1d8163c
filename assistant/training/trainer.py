"""One way to fine-tune a cross-encoder from the bundled MiniLM: sentence-transformers' trainer.

The reader (question, unit) and the entailment model (claim, cited units) are
both trained here: the model keeps the first ``layers`` transformer layers of
the bundled all-MiniLM-L6-v2 and gets a fresh one-logit head; the word
embeddings stay frozen, so what training changes is all that ships
(:func:`assistant.models.reader.weights.save_difference`). Checkpoints go to
``<work>/checkpoints``; a run started again resumes from the last one.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.models.reader import weights as reader_model

log = logging.getLogger("assistant")

POOL_BATCHES = 64
"""Batches of similar length are cut from pools of this many batches."""


@dataclass(frozen=True)
class Pair:
    """One training example: a question, a unit with its setting, whether it answers."""

    question: str
    text: str
    label: float
    kind: str
    """``answer``, ``paragraph``, ``article``, ``near-miss``, ``transplant``, ``unanswerable``,
    or one with ``-noisy``; ``document-*`` for pairs from the article's own training set."""
    article: str


@dataclass(frozen=True)
class Schedule:
    """How a cross-encoder is fitted: its size and the trainer's settings."""

    layers: int
    max_length: int
    epochs: float
    batch_size: int
    learning_rate: float
    warmup_ratio: float
    weight_decay: float
    seed: int
    save_steps: int

    @classmethod
    def of(cls, recipe: Any) -> Schedule:
        """The schedule part of a training recipe (a dataclass with these fields)."""
        return cls(**{f.name: getattr(recipe, f.name) for f in fields(cls)})


def length_grouped_batches(dataset: Any, **kwargs: Any) -> Any:
    """The trainer's batch sampler: batches of pairs of similar length, in a seeded order.

    Padding to the longest pair of a random batch nearly doubles the work on a
    CPU (a median pair is 74 wordpieces, a batch's longest about 128). The
    shuffled pairs are cut into pools of :data:`POOL_BATCHES` batches, each pool
    sorted by length and cut into batches, and the batches shuffled again: each
    batch is still a random sample of the data, of one length. Passed to
    sentence-transformers as a callable ``batch_sampler``.
    """
    from sentence_transformers.base.sampler import DefaultBatchSampler

    class LengthGroupedBatchSampler(DefaultBatchSampler):
        def __iter__(self) -> Any:
            lengths = [
                len(q) + len(u) for q, u in zip(dataset["question"], dataset["unit"], strict=True)
            ]
            rng = random.Random(self.seed + self.epoch)
            order = list(range(len(lengths)))
            rng.shuffle(order)
            size, pool = self.batch_size, self.batch_size * POOL_BATCHES
            batches = []
            for start in range(0, len(order), pool):
                chunk = sorted(order[start : start + pool], key=lengths.__getitem__)
                batches += [chunk[i : i + size] for i in range(0, len(chunk), size)]
            if self.drop_last:
                batches = [b for b in batches if len(b) == size]
            rng.shuffle(batches)
            yield from batches

    return LengthGroupedBatchSampler(dataset, **kwargs)


def fit_cross_encoder(
    train: list[Pair],
    held: list[Pair],
    schedule: Schedule,
    work: Path,
    out: Path,
    *,
    name: str,
    start: Path | None = None,
    progress: bool = True,
) -> dict[str, float]:
    """Fit on ``train``, write the shipped difference to ``out``, return ``held``'s figures.

    The first text of each pair is read first (the question, or the claim), the
    second after the separator (the unit with its setting). ``start`` is a trained
    difference to go on from (default: the bundled layers and a fresh head).
    """
    from datasets import Dataset
    from sentence_transformers.cross_encoder import (
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.evaluation import (
        CrossEncoderClassificationEvaluator,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss
    from transformers import set_seed

    set_seed(schedule.seed)
    model = reader_model.fresh_model(schedule.layers, schedule.max_length)
    if start is not None:
        reader_model.load_difference(model, start)
    model[0].auto_model.embeddings.requires_grad_(False)  # shipped by the package, never changed
    dataset = Dataset.from_dict(
        {
            "question": [p.question for p in train],
            "unit": [p.text for p in train],
            "label": [p.label for p in train],
        }
    )
    checkpoints = work / "checkpoints"
    arguments = CrossEncoderTrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=schedule.epochs,
        per_device_train_batch_size=schedule.batch_size,
        learning_rate=schedule.learning_rate,
        warmup_steps=schedule.warmup_ratio,  # a float: a share of the steps
        weight_decay=schedule.weight_decay,
        seed=schedule.seed,
        data_seed=schedule.seed,
        save_strategy="steps",
        save_steps=schedule.save_steps,
        save_total_limit=2,
        logging_steps=50,
        report_to=[],
        use_cpu=True,
        dataloader_num_workers=0,
        disable_tqdm=not progress,
        batch_sampler=length_grouped_batches,
    )
    evaluator = CrossEncoderClassificationEvaluator(
        sentence_pairs=[[p.question, p.text] for p in held],
        labels=[int(p.label) for p in held],
        name=name,
    )
    trainer = CrossEncoderTrainer(
        model=model,
        args=arguments,
        train_dataset=dataset,
        loss=BinaryCrossEntropyLoss(model),
        evaluator=evaluator,
    )
    resume = any(checkpoints.glob("checkpoint-*"))
    if resume:
        log.info("Resuming from the last checkpoint in %s", checkpoints)
    import torch

    with torch.enable_grad():  # whatever ran before in this process
        trainer.train(resume_from_checkpoint=True if resume else None)
    figures = {k: float(v) for k, v in evaluator(model).items() if isinstance(v, int | float)}
    reader_model.save_difference(model, out, schedule.layers, schedule.max_length)
    return figures


class TrainingError(AssistantError):
    """Training cannot start: a package it needs is missing."""


def require_training() -> None:
    """Training the reader needs sentence-transformers' trainer packages (``[train]``)."""
    import importlib.util

    missing = [
        name for name in ("datasets", "accelerate") if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise TrainingError(
            f"Training the reader needs {', '.join(missing)}: install them with "
            "`pip install -e '.[train]'` (make test's setup does)."
        )
