"""The entailment model measured on data it never saw: yes/no on BoolQ, and the
evaluation-only NLI sets (ANLI, SICK) that ``assistant verify-bench`` reads."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

from assistant.models.entailment.entailment import EntailmentModel
from assistant.models.reader.text import unit_text
from assistant.settings import Settings

NLI_SETS = {
    "ANLI r1": "anli-r1-dev.csv.gz",
    "ANLI r2": "anli-r2-dev.csv.gz",
    "ANLI r3": "anli-r3-dev.csv.gz",
    "SICK test": "sick.txt.gz",
}
"""Evaluation-only NLI sets (non-commercial licences): measured, never fitted."""
POLAR_LIMIT = 1000
"""BoolQ questions asked for the yes/no figures."""


def polar_figures(nli: EntailmentModel, settings: Settings) -> dict[str, Any]:
    """Yes/no answers on BoolQ validation: read, answered, and wrong among the answered."""
    from assistant.answerers.polar import PolarAnswers, statements
    from assistant.common.text import terms
    from assistant.documents.blocks import split_sentences
    from assistant.models.public_data import BOOLQ_VAL

    polar = PolarAnswers(nli.probabilities, threshold=settings.polar_threshold)
    with gzip.open(BOOLQ_VAL, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle][:POLAR_LIMIT]
    read = answered = wrong = 0
    for row in rows:
        title, _, passage = row["passage"].partition(" -- ")
        wanted = set(terms(row["question"]))
        spans = split_sentences(passage, 0, len(passage))
        sentences = [passage[a:b] for a, b in spans] or [passage]
        best = max(sentences, key=lambda s: len(wanted & set(terms(s))))
        read += statements(row["question"]) is not None
        said = polar.verdict(row["question"], unit_text(best, title=title))
        if said is not None:
            answered += 1
            wrong += (said == "Yes") != bool(row["label"])
    return {
        "questions": len(rows),
        "read": read / len(rows),
        "answered": answered / len(rows),
        "wrong": wrong / answered if answered else 0.0,
        "wrong_share": wrong / len(rows),
        "yes": sum(bool(r["label"]) for r in rows) / len(rows),
        "threshold": settings.polar_threshold,
    }


def nli_pairs(path: Path) -> list[tuple[str, str, bool]]:
    """(premise, claim, entailed) from an ANLI csv or SICK's tab-separated file."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        if path.name.startswith("sick"):
            rows = csv.DictReader(handle, delimiter="\t")
            return [
                (r["sentence_A"], r["sentence_B"], r["entailment_label"] == "ENTAILMENT")
                for r in rows
                if r["SemEval_set"] == "TEST"
            ]
        return [
            (r["context"], r["statement"], r["gold_label"] == "e") for r in csv.DictReader(handle)
        ]
