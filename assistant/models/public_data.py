"""The public training data in the repository's ``data/`` folder (see ``data/README.md``).

Every file is copied byte for byte from the project's shared data, with its
source and licence in the README; only data whose licence allows shipping what
is trained on it lives here. Evaluation-only sets (research or non-commercial
licences) are not copied: commands that measure on them take their path.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterable

from assistant.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
SQUAD_TRAIN = DATA / "reader" / "squad-v1.1-train.json.gz"
"""SQuAD v1.1 train: 442 articles, 87,599 answerable questions (CC BY-SA 4.0)."""
SQUAD_V2_DEV = DATA / "reader" / "squad-v2.0-dev-half.json.gz"
"""19 SQuAD v2.0 dev articles with their unanswerable questions (CC BY-SA 4.0)."""
SQUAD_UNANSWERABLE = DATA / "reader" / "squad-v2.0-train-unanswerable.jsonl.gz"
"""17,357 of SQuAD v2.0 train's adversarial unanswerable questions, each beside the answerable
question of its paragraph whose answer it was written to look like (CC BY-SA 4.0)."""
QNLI_DEV = DATA / "reader" / "qnli-dev-filtered.tsv.gz"
"""GLUE QNLI dev, rows of the other SQuAD dev articles removed (CC BY-SA 4.0)."""
BOOLQ_VAL = DATA / "reader" / "boolq-val.jsonl.gz"
"""BoolQ validation: yes/no questions with a Wikipedia passage (CC BY-SA 3.0)."""
MNLI_DEV = DATA / "nli" / "mnli-dev-matched.csv.gz"
RTE_TRAIN = DATA / "nli" / "rte-train.tsv.gz"
RTE_DEV = DATA / "nli" / "rte-dev.tsv.gz"

EVALUATION_ARTICLES = frozenset(
    {"Normans", "Southern_California", "Sky_(United_Kingdom)", "Victoria_(Australia)"}
)
"""SQuAD articles of ``assistant eval``: never read in training."""
SPLIT_SEED = 20261202
"""The seed that shuffles article titles before a split (the reader's data seed)."""
V2_FIT_SHARE = 0.5
"""The share of the SQuAD v2 dev articles that lend their questions to training."""


def split_titles(
    titles: Iterable[str], held_share: float, seed: int = SPLIT_SEED
) -> tuple[list[str], list[str]]:
    """Article titles for fitting and held out, shuffled with the fixed seed."""
    shuffled = sorted(set(titles))
    random.Random(seed).shuffle(shuffled)
    cut = max(1, round(len(shuffled) * held_share))
    return sorted(shuffled[cut:]), sorted(shuffled[:cut])


def split_v2_titles() -> tuple[list[str], list[str]]:
    """The SQuAD v2 dev articles trained on, and those kept to measure (no model saw them)."""
    with gzip.open(SQUAD_V2_DEV, "rt", encoding="utf-8") as handle:
        titles = [str(article["title"]) for article in json.load(handle)["data"]]
    return split_titles((t for t in titles if t not in EVALUATION_ARTICLES), V2_FIT_SHARE)
