"""Fitting the request classifier (:mod:`assistant.models.requests.classifier`) and measuring it.

Fitting data: phrasings (:data:`TRAINING_FILES`) with seeded typo and chat
variants and, as specific questions, those of the files, the article gold set's
(the project's training data) with their noisy variants, and a seeded sample
of SQuAD v1.1 train questions. The regularisation and the
operating point are chosen by cross-validation on that data alone. Measured on
what was never fitted: ``requests_unseen.json`` (phrasings written separately,
by someone who saw only the article), and the questions of the unseen article
set (with noisy variants) and of the SQuAD evaluation sets, which must stay
questions.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.common.text import terms
from assistant.evaluation.noise import chat_variant, typo_variant
from assistant.models.public_data import SQUAD_TRAIN
from assistant.models.requests.classifier import (
    KINDS,
    CorpusWords,
    RequestKind,
    RequestModel,
    features,
)

SEED = 20261204
TRAINING_FILES = ("requests_train.json", "requests_train_more.json")
"""Phrasings to fit on: the developers', and more by a session that saw only the article."""
SQUAD_QUESTIONS = 2500
"""Specific questions drawn from SQuAD train to stand for "ask"."""
MAX_ASK_FALSE = 0.01
"""The operating point: at most this share of the specific questions about the article (in
cross-validation) may be taken for another kind of request."""
FLOOR = 0.5
"""Whatever cross-validation allows, a message is read as something other than a question
only when that is more likely than not."""
UNSURE_SHARE = 0.1
"""A reading less sure than nine in ten of its kind's requests (in cross-validation) is unsure."""
_C_GRID = (0.1, 0.3, 1.0, 3.0)
NOT_GREETING = "anything but a greeting"
"""The kind of a validation message that opens socially and then asks ("thanks! and who
does the COO work with?"): read right as any kind but a greeting."""


@dataclass
class RequestTraining:
    """The fitted model and what was measured on data it never saw."""

    model: RequestModel
    seconds: float
    rows: dict[str, int]
    validation: dict[str, Any] = field(default_factory=dict)

    def table(self) -> str:
        """The validation figures, one line each."""
        lines = [f"{'set':<34} {'n':>5} {'right':>7}"]
        for name, figures in self.validation.items():
            lines.append(f"{name:<34} {figures['n']:>5} {figures['accuracy']:>7.3f}")
        return "\n".join(lines)


def _data_file(name: str) -> Any:
    return json.loads(
        resources.files("assistant.evaluation").joinpath(f"data/{name}").read_text("utf-8")
    )


@dataclass(frozen=True)
class Example:
    """One message to fit on, what it asks for, and the corpus it is asked of."""

    text: str
    kind: RequestKind
    corpus: str
    """``article``, or the SQuAD article a question is about."""
    group: str = ""
    """The message it was written from: a phrasing and its typo and chat variants share
    one, so cross-validation never fits on a variant of what it measures."""


def corpus_words(title: str, text: str) -> CorpusWords:
    """The :class:`CorpusWords` of a one-document corpus."""
    return CorpusWords(frozenset(terms(text)), frozenset(terms(title.replace("_", " "))))


def training_examples(seed: int = SEED) -> tuple[list[Example], dict[str, CorpusWords]]:
    """Messages to fit on (phrasings, their noisy variants, specific questions: the
    article's, then SQuAD's) and the words of each corpus they are asked of."""
    from assistant.evaluation.datasets import article_noisy_set, article_set

    rng = random.Random(seed)
    files = [_data_file(name) for name in TRAINING_FILES]
    gold = article_set()
    source, text = next(iter(gold.documents.items()))
    corpora = {"article": corpus_words(f"{source} {text.splitlines()[0]}", text)}
    examples: list[Example] = []
    for kind in KINDS:
        for phrasing in (p for raw in files for p in raw.get(kind, ())):
            examples.append(Example(phrasing, kind, "article", phrasing))
            examples.append(Example(typo_variant(phrasing, rng), kind, "article", phrasing))
            examples.append(Example(chat_variant(phrasing, rng), kind, "article", phrasing))
    # The gold set is the project's training data: its questions are specific ones.
    for question_set in (gold, article_noisy_set()):
        examples.extend(
            Example(q.question, "ask", "article", q.id.split("-")[0])
            for q in question_set.questions
        )
    with gzip.open(SQUAD_TRAIN, "rt", encoding="utf-8") as handle:
        articles = json.load(handle)["data"]
    squad = []
    for article in articles:
        title = article["title"]
        contexts = " ".join(p["context"] for p in article["paragraphs"])
        corpora[title] = corpus_words(title, contexts)
        squad += [(qa["question"].strip(), title) for p in article["paragraphs"] for qa in p["qas"]]
    for question, title in rng.sample(squad, SQUAD_QUESTIONS):
        examples.append(Example(question, "ask", title, question))
        if rng.random() < 0.3:
            examples.append(Example(chat_variant(question, rng), "ask", title, question))
    unique = {(e.text, e.kind): e for e in examples}
    return list(unique.values()), corpora


def validation_sets() -> dict[str, list[tuple[str, str]]]:
    """Named ``(text, kind)`` sets the classifier is never fitted on."""
    from assistant.evaluation.datasets import bundled_squad_sets, unseen_set
    from assistant.evaluation.noise import noisy_variants

    unseen = _data_file("requests_unseen.json")
    sets: dict[str, list[tuple[str, str]]] = {}
    for kind in KINDS:
        key = "specific" if kind == "ask" else kind
        sets[f"unseen phrasings: {kind}"] = [(t, kind) for t in unseen[key]]
    sets["unseen phrasings: greet, then ask"] = [
        (t, NOT_GREETING) for t in unseen["greets_then_asks"]
    ]
    sets["unseen phrasings: a document's title"] = [(t, "documents") for t in unseen["titles"]]
    sets["unseen phrasings: questions that speak of titles"] = [
        (t, "ask") for t in unseen["title_words"]
    ]
    sets["unseen conversations: moves"] = [(c["move"], c["kind"]) for c in unseen["conversations"]]
    sets["unseen conversations: first questions"] = [
        (c["first"], "ask") for c in unseen["conversations"]
    ]
    article = unseen_set()
    # "What is the title of the article?" is answered by the document list, which cites it.
    labelled = [
        (q.question, "documents" if article.asks_title(q) else "ask") for q in article.questions
    ]
    sets["article-unseen questions"] = labelled
    sets["article-unseen questions, noisy"] = [
        (text, kind) for q, kind in labelled for _, text in noisy_variants(q, SEED)
    ]
    sets["SQuAD evaluation questions"] = [
        (q.question, "ask") for s in bundled_squad_sets() for q in s.questions
    ]
    return sets


def fit(
    examples: list[Example],
    vectors: np.ndarray,
    corpora: dict[str, CorpusWords],
    *,
    seed: int = SEED,
) -> tuple[RequestModel, dict[str, Any]]:
    """The model, with C and the operating point chosen by cross-validation on ``examples``
    (grouped: a message and its variants are always in the same fold)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    rows = np.stack(
        [features(e.text, v, corpora[e.corpus]) for e, v in zip(examples, vectors, strict=True)]
    )
    labels = np.array([KINDS.index(e.kind) for e in examples])
    article = np.array([e.corpus == "article" for e in examples])
    mean, scale = rows.mean(axis=0), rows.std(axis=0) + 1e-6
    scaled = (rows - mean) / scale
    groups = np.array([e.group or e.text for e in examples])
    folds = StratifiedGroupKFold(5, shuffle=True, random_state=seed)

    def out_of_fold(c: float) -> np.ndarray:
        predicted = np.zeros((len(rows), len(KINDS)))
        for train, test in folds.split(scaled, labels, groups):
            model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
            model.fit(scaled[train], labels[train])
            predicted[test] = model.predict_proba(scaled[test])
        return predicted

    results = {c: out_of_fold(c) for c in _C_GRID}
    best_c = max(results, key=lambda c: float(np.mean(results[c].argmax(1) == labels)))
    predicted = results[best_c]
    threshold = max(FLOOR, _operating_point(predicted[article], labels[article]))
    sure: dict[str, float] = {
        kind: float(np.quantile(predicted[labels == k, k], UNSURE_SHARE))
        for k, kind in enumerate(KINDS)
        if kind != "ask"
    }
    model = LogisticRegression(C=best_c, class_weight="balanced", max_iter=3000)
    model.fit(scaled, labels)
    fitted = RequestModel(
        KINDS,
        mean.astype(np.float64),
        scale.astype(np.float64),
        model.coef_.astype(np.float64),
        model.intercept_.astype(np.float64),
        threshold,
        sure,
    )
    decided = [fitted.decide(p).kind for p in predicted]
    cv = {
        "C": best_c,
        "threshold": round(threshold, 4),
        "cross-validated accuracy": round(
            float(np.mean([d == KINDS[y] for d, y in zip(decided, labels, strict=True)])), 4
        ),
    }
    return fitted, cv


def _operating_point(predicted: np.ndarray, labels: np.ndarray) -> float:
    """The lowest probability at which at most :data:`MAX_ASK_FALSE` of the questions are
    taken for another request, in cross-validation (SQuAD's are easy: the article's count)."""
    ask = KINDS.index("ask")
    questions = predicted[labels == ask]
    others = np.delete(questions, ask, axis=1)
    wins = others.max(axis=1)[others.max(axis=1) > questions[:, ask]]
    allowed = int(MAX_ASK_FALSE * len(questions))
    if len(wins) <= allowed:
        return 0.0
    return float(np.sort(wins)[::-1][allowed]) + 1e-6


def measure(
    model: RequestModel,
    sets: dict[str, list[tuple[str, str]]],
    encode: Any,
    corpus: CorpusWords,
) -> dict[str, Any]:
    """Per set: how many, the share read right, and what the misreadings were taken for.

    Every set is asked of the article: SQuAD questions too, as a user asking the
    assistant about something its corpus does not hold.
    """
    figures: dict[str, Any] = {}
    for name, rows in sets.items():
        vectors = encode([t for t, _ in rows])
        decided = [
            model.decide(model.probabilities(features(t, v, corpus))[0]).kind
            for (t, _), v in zip(rows, vectors, strict=True)
        ]
        right = [
            d != "greeting" if k == NOT_GREETING else d == k
            for d, (_, k) in zip(decided, rows, strict=True)
        ]
        wrong = Counter(d for d, r in zip(decided, right, strict=True) if not r)
        figures[name] = {
            "n": len(rows),
            "accuracy": round(float(np.mean(right)), 4) if rows else 0.0,
            "read as": dict(wrong.most_common()),
        }
    return figures


def train_requests(out: Path, report: Path | None = None) -> RequestTraining:
    """Fit the classifier, write it to ``out`` and its report to ``report``."""
    from assistant.indexing.embeddings import SentenceTransformerEmbeddings
    from assistant.settings import Settings

    started = time.perf_counter()
    settings = Settings()
    embeddings = SentenceTransformerEmbeddings(
        settings.embedding_model, cache_dir=settings.cache_dir
    )
    examples, corpora = training_examples()
    vectors = embeddings.encode([e.text for e in examples])
    model, cv = fit(examples, vectors, corpora)
    source = json.dumps([(e.text, e.kind, e.corpus) for e in examples], ensure_ascii=False)
    model = RequestModel(
        model.kinds,
        model.mean,
        model.scale,
        model.coef,
        model.intercept,
        model.threshold,
        model.sure,
        {
            "trained": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "assistant train-requests",
            "seed": SEED,
            "training_rows_sha256": hashlib.sha256(source.encode()).hexdigest(),
            "cross_validation": cv,
        },
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model.to_dict()) + "\n", encoding="utf-8")
    run = RequestTraining(
        model,
        time.perf_counter() - started,
        dict(Counter(e.kind for e in examples)),
        measure(model, validation_sets(), embeddings.encode, corpora["article"]),
    )
    if report is not None:
        write_report(run, report)
    return run


def write_report(run: RequestTraining, folder: Path) -> list[Path]:
    """``requests.md`` and ``requests.json`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    cv = run.model.metadata.get("cross_validation", {})
    lines = [
        "# Request classifier: what a message asks for",
        "",
        "Written by `assistant train-requests`. Fitted on the phrasings of "
        + " and ".join(f"`assistant/evaluation/data/{name}`" for name in TRAINING_FILES)
        + " (with seeded typo and chat variants), the article gold set's questions and "
        f"{SQUAD_QUESTIONS:,} SQuAD v1.1 train questions as specific questions; C and the "
        "operating point chosen by 5-fold cross-validation on that data, a phrasing and "
        "its variants always in one fold "
        f"(C {cv.get('C')}, threshold {cv.get('threshold')}, cross-validated accuracy "
        f"{cv.get('cross-validated accuracy')}).",
        "",
        "Every figure below is on data the classifier was never fitted on: phrasings "
        "written separately by a session that saw only the article "
        "(`requests_unseen.json`), and the questions of the evaluation sets, which must all "
        "stay questions (`ask`).",
        "",
        "| set | n | read right | misread as |",
        "| --- | --- | --- | --- |",
    ]
    for name, f in run.validation.items():
        wrong = ", ".join(f"{k} {v}" for k, v in f["read as"].items()) or "-"
        lines.append(f"| {name} | {f['n']} | {f['accuracy']:.3f} | {wrong} |")
    lines += ["", f"Training rows per kind: {run.rows}. Fitted in {run.seconds:.0f} s.", ""]
    md = folder / "requests.md"
    md.write_text("\n".join(lines), encoding="utf-8")
    js = folder / "requests.json"
    js.write_text(json.dumps(run.validation, indent=1) + "\n", encoding="utf-8")
    return [md, js]
