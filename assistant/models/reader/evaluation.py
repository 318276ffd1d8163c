"""The reader on its own, on data it never saw: does it tell an answer from a near miss?

- SQuAD articles held out of its training (pairs built as in training: the
  answer sentence, the paragraph's others, the article's nearest, near misses);
- QNLI dev (question/sentence pairs from SQuAD dev articles it never read);
- WikiQA dev (real search queries, most with no answering sentence): mean
  reciprocal rank of the right sentence, and the share of questions without
  one that the reader refuses (no sentence at probability 0.5), each against
  the bi-encoder alone (MiniLM cosine; its refusal threshold is set to refuse
  as many answerable questions as the reader does). WikiQA's licence allows
  research use only: it is read from a path, never copied or fitted on.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.models.public_data import QNLI_DEV
from assistant.models.reader import data as reader_data
from assistant.models.reader.text import unit_text

Logits = Callable[[str, list[str]], np.ndarray]
"""The reader: log-odds that each text answers the question."""
Encode = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class PairFigures:
    """How well scores separate answering pairs from the others."""

    pairs: int
    auc: float
    accuracy: float
    """At probability 0.5."""
    precision: float
    recall: float


def pair_figures(scores: np.ndarray, labels: np.ndarray) -> PairFigures:
    """ROC AUC, and accuracy, precision and recall at probability 0.5, of log-odds."""
    from sklearn.metrics import roc_auc_score

    said = scores >= 0.0
    truth = labels.astype(bool)
    hits = int((said & truth).sum())
    return PairFigures(
        len(labels),
        float(roc_auc_score(truth, scores)) if 0 < truth.sum() < len(truth) else float("nan"),
        float((said == truth).mean()),
        hits / max(1, int(said.sum())),
        hits / max(1, int(truth.sum())),
    )


def _grouped(pairs: list[tuple[str, str, int]], logits: Logits) -> tuple[np.ndarray, np.ndarray]:
    """Score pairs a question at a time (one batch each)."""
    by_question: dict[str, list[int]] = defaultdict(list)
    for i, (question, _, _) in enumerate(pairs):
        by_question[question].append(i)
    scores = np.zeros(len(pairs), dtype=np.float32)
    for question, rows in by_question.items():
        scores[rows] = logits(question, [pairs[i][1] for i in rows])
    return scores, np.array([label for _, _, label in pairs])


def squad_heldout(logits: Logits, *, questions_per_article: int = 40) -> PairFigures:
    """Pairs from the SQuAD articles the reader's training held out."""
    paragraphs = reader_data.read_training_paragraphs()
    _, held = reader_data.split_articles(paragraphs)
    built = reader_data.build_pairs(
        paragraphs, held, questions_per_article=questions_per_article, seed=1
    )
    return pair_figures(*_grouped([(p.question, p.text, int(p.label)) for p in built], logits))


def qnli(logits: Logits) -> PairFigures:
    """QNLI dev: does the sentence answer the question?

    QNLI's rows come from SQuAD dev articles; those of the articles whose
    unanswerable questions the reader trained on are left out.
    """
    with gzip.open(QNLI_DEV, "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    fitted = reader_data.fitted_v2_text()
    pairs = [
        (r["question"], unit_text(r["sentence"]), int(r["label"] == "entailment"))
        for r in rows
        if r["sentence"].strip()[:80] not in fitted
    ]
    return pair_figures(*_grouped(pairs, logits))


@dataclass(frozen=True)
class WikiQAFigures:
    """Ranking and refusing on real search queries."""

    questions: int
    answerable: int
    reader_mrr: float
    encoder_mrr: float
    reader_refused: float
    """Share of questions without an answering sentence that the reader refuses."""
    encoder_refused: float
    """The same for the bi-encoder, at the threshold refusing as many answerable ones."""
    reader_false_refusals: float


def wikiqa(path: Path, logits: Logits, encode: Encode) -> WikiQAFigures:
    """WikiQA (dev): each question's candidate sentences from one Wikipedia page."""
    questions: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    titles: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    for row in csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
        questions[row["Question"]].append(
            (row["Sentence"], row["DocumentTitle"], int(row["Label"]))
        )
        titles[row["Question"]] = row["DocumentTitle"]
    reader_best, encoder_best, has_answer = [], [], []
    reader_rr, encoder_rr = [], []
    for question, rows in questions.items():
        labels = np.array([label for _, _, label in rows])
        read = logits(question, [unit_text(s, title=t) for s, t, _ in rows])
        vectors = encode([question] + [s for s, _, _ in rows])
        cosine = vectors[1:] @ vectors[0]
        reader_best.append(float(read.max()))
        encoder_best.append(float(cosine.max()))
        has_answer.append(bool(labels.any()))
        if labels.any():
            reader_rr.append(_reciprocal_rank(read, labels))
            encoder_rr.append(_reciprocal_rank(cosine, labels))
    answerable = np.array(has_answer)
    reader_top, encoder_top = np.array(reader_best), np.array(encoder_best)
    false_refusals = float((reader_top[answerable] < 0.0).mean())
    # The bi-encoder refusing the same share of answerable questions as the reader.
    threshold = float(np.quantile(encoder_top[answerable], false_refusals))
    return WikiQAFigures(
        len(questions),
        int(answerable.sum()),
        float(np.mean(reader_rr)),
        float(np.mean(encoder_rr)),
        float((reader_top[~answerable] < 0.0).mean()),
        float((encoder_top[~answerable] < threshold).mean()),
        false_refusals,
    )


def _reciprocal_rank(scores: np.ndarray, labels: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    first = int(np.flatnonzero(labels[order])[0])
    return 1.0 / (first + 1)


def reader_markdown(
    squad: PairFigures, qnli_figures: PairFigures, wiki: WikiQAFigures | None
) -> str:
    """The reader's own figures as Markdown."""
    lines = [
        "| pairs (never fitted on) | n | AUC | accuracy at 0.5 | precision | recall |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, f in (("SQuAD held-out articles", squad), ("QNLI dev", qnli_figures)):
        lines.append(
            f"| {name} | {f.pairs} | {f.auc:.3f} | {f.accuracy:.3f} | {f.precision:.3f} | "
            f"{f.recall:.3f} |"
        )
    if wiki is not None:
        lines += [
            "",
            f"WikiQA dev ({wiki.questions} real search queries, {wiki.answerable} with an "
            "answering sentence; evaluation-only data):",
            "",
            "| | MRR (answerable) | no-answer questions refused | answerable refused |",
            "| --- | --- | --- | --- |",
            f"| reader | {wiki.reader_mrr:.3f} | {wiki.reader_refused:.3f} | "
            f"{wiki.reader_false_refusals:.3f} |",
            f"| bi-encoder alone | {wiki.encoder_mrr:.3f} | {wiki.encoder_refused:.3f} | "
            f"{wiki.reader_false_refusals:.3f} (threshold set to match) |",
        ]
    return "\n".join(lines)


def figures_dict(*parts: Any) -> dict[str, Any]:
    """The figures as JSON-ready dicts."""
    from dataclasses import asdict

    return {type(p).__name__ + str(i): asdict(p) for i, p in enumerate(parts) if p is not None}


def write_reader_report(folder: Path, eval_only: Path | None = None) -> tuple[str, list[Path]]:
    """Measure the shipped reader and write ``reader.md`` and ``reader.json``."""
    import json
    import time
    from datetime import UTC, datetime

    from assistant.evaluation.heldout_sets import EVAL_ONLY
    from assistant.evaluation.runner import default_embeddings
    from assistant.models.reader.reader import Reader
    from assistant.settings import Settings

    settings = Settings()
    reader = Reader(settings.cache_dir, folder=settings.reader_path, int8=settings.reader_int8)
    started = time.perf_counter()
    squad = squad_heldout(reader.logits)
    pairs = qnli(reader.logits)
    wiki_path = (eval_only or EVAL_ONLY) / "WikiQA-dev.tsv.gz"
    wiki = (
        wikiqa(wiki_path, reader.logits, default_embeddings().encode)
        if wiki_path.is_file()
        else None
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    markdown = (
        "# The reader on its own\n\n"
        f"Written by `assistant eval-reader` on {stamp} in {time.perf_counter() - started:.0f} s, "
        f"with the shipped reader ({'int8' if settings.reader_int8 else 'float32'} ONNX). "
        "Every pair and question is from documents the reader was never trained on. The "
        "whole assistant with and without the reader, by question set, is in "
        "[evaluation.md](evaluation.md).\n\n" + reader_markdown(squad, pairs, wiki) + "\n"
    )
    if wiki is None:
        markdown += f"\nWikiQA was not measured: {wiki_path} is not there.\n"
    folder.mkdir(parents=True, exist_ok=True)
    md, js = folder / "reader.md", folder / "reader.json"
    md.write_text(markdown, encoding="utf-8")
    js.write_text(json.dumps(figures_dict(squad, pairs, wiki), indent=1) + "\n", encoding="utf-8")
    return markdown, [md, js]
