"""The public training data in the repository's ``data/`` folder (see ``data/README.md``).

Every file is copied byte for byte from the project's shared data, with its
source and licence in the README; only data whose licence allows shipping what
is trained on it lives here. Evaluation-only sets (research or non-commercial
licences) are not copied: commands that measure on them take their path.
"""

from __future__ import annotations

from assistant.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
SQUAD_TRAIN = DATA / "reader" / "squad-v1.1-train.json.gz"
"""SQuAD v1.1 train: 442 articles, 87,599 answerable questions (CC BY-SA 4.0)."""
SQUAD_V2_DEV = DATA / "reader" / "squad-v2.0-dev-half.json.gz"
"""19 SQuAD v2.0 dev articles with their unanswerable questions (CC BY-SA 4.0)."""
QNLI_DEV = DATA / "reader" / "qnli-dev-filtered.tsv.gz"
"""GLUE QNLI dev, rows of the other SQuAD dev articles removed (CC BY-SA 4.0)."""
BOOLQ_VAL = DATA / "reader" / "boolq-val.jsonl.gz"
"""BoolQ validation: yes/no questions with a Wikipedia passage (CC BY-SA 3.0)."""
MNLI_DEV = DATA / "nli" / "mnli-dev-matched.csv.gz"
RTE_TRAIN = DATA / "nli" / "rte-train.tsv.gz"
RTE_DEV = DATA / "nli" / "rte-dev.tsv.gz"
