"""The reader cross-fitted on the article's gold set, so the scorer learns from honest scores.

The scorer is fitted on the reader's scores for the gold set's questions. A reader
trained on those very questions scores them with a confidence it never has on a new
question, and a scorer fitted on such scores trusts it too much: the second reader,
trained on the whole gold set, refused 0.15 of the held-out article questions it
should answer, against 0.09 without it. So the gold set is split into :data:`FOLDS`
folds by the written question each question comes from (its typo and chat variants,
near misses and paraphrases go with it); one reader per fold is fine-tuned without
that fold and scores it for the scorer, and the shipped reader is fine-tuned on all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from assistant.asking.features import QUESTION_FEATURES, UNIT_FEATURES, Read, read_units
from assistant.errors import AssistantError
from assistant.training.samples import Sample

FOLDS = 2
DOCUMENT = "article"
"""The one document whose questions the reader is trained on."""
_TOP_READER = QUESTION_FEATURES.index("top_reader")
_READER = UNIT_FEATURES.index("reader")


class ReaderFoldsError(AssistantError):
    """The fold readers a scorer with the reader's features needs are not there."""


def fold_of(base: str) -> int:
    """The fold of a written question (stable across runs and machines)."""
    return hashlib.sha256(base.encode("utf-8")).digest()[0] % FOLDS


def fold_folder(work: Path, fold: int) -> Path:
    """Where ``assistant train-reader`` writes the reader trained without ``fold``."""
    return work / "folds" / f"fold-{fold}"


def fold_folders(work: Path) -> list[Path]:
    """Every fold reader's folder under ``work``, checked to be there."""
    folders = [fold_folder(work, fold) for fold in range(FOLDS)]
    missing = [str(f) for f in folders if not (f / "reader.safetensors").is_file()]
    if missing:
        raise ReaderFoldsError(
            f"The fold readers are missing ({', '.join(missing)}): a scorer with the reader's "
            "features is fitted on their scores. Run `assistant train-reader --work "
            f"{work}` first (it writes them), or fit without the reader (`--no-reader`)."
        )
    return folders


def add_reader_scores(
    samples: Sequence[Sample], shipped: Read, by_fold: Mapping[int, Read], best: int
) -> None:
    """Fill in each sample's reader features in place: the article's questions read by
    the reader that never saw their fold, every other document's by the shipped one."""
    for sample in samples:
        read = by_fold[fold_of(sample.base)] if sample.document == DOCUMENT else shipped
        features = sample.features
        read_units(read, features.question.text, features.candidates, features.units, best)
        units = features.units
        features.question_row[_TOP_READER] = float(units[:, _READER].max()) if len(units) else -10
