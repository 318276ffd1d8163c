"""Question sets held out from every fit: by document, by writer, by domain.

- ``article-heldout``: questions about the article written for this purpose by
  a session that saw only the article, by kind (plain, paraphrase, noisy, near
  miss, unrelated); never used to fit or choose anything.
- ``article-fresh``: 45 more, written by another such session after the third
  reader was fitted.
- ``article-mixed``: the unseen and held-out article questions asked of a
  corpus where the four SQuAD articles sit beside the article.
- ``squad-v2-heldout``: the SQuAD v2.0 dev articles the reader's training left
  out (half of those in ``data/``), with their unanswerable questions.
- ``policyqa``: website privacy policies (another domain, evaluation-only
  licence: read from a path, never copied into the repository).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.evaluation.datasets import (
    DatasetError,
    QuestionSet,
    bundled_squad_sets,
    squad_set,
    squad_titles,
    unseen_set,
    written_set,
)
from assistant.models.public_data import SQUAD_V2_DEV, split_v2_titles
from assistant.settings import PROJECT_ROOT

EVAL_ONLY = PROJECT_ROOT.parent / "shared" / "data" / "eval-only"
"""Where the evaluation-only sets are on the project's machines (not in the repository)."""


def heldout_set() -> QuestionSet:
    """The held-out article questions, each with its kind."""
    return written_set("article_heldout.json", "article-heldout", kind="kind")


def fresh_set() -> QuestionSet:
    """The 45 questions another helper wrote after the third reader was fitted."""
    return written_set("article_fresh.json", "article-fresh", kind="kind")


def trust_set() -> QuestionSet:
    """The 135 questions a helper wrote before the three-way decision was fitted."""
    return written_set("article_trust.json", "article-trust", kind="kind")


def mixed_set() -> QuestionSet:
    """The unseen and held-out article questions, asked of the article among four others."""
    unseen, heldout = unseen_set(), heldout_set()
    documents = dict(unseen.documents)
    for squad in bundled_squad_sets():
        documents.update(squad.documents)
    return QuestionSet(
        name="article-mixed",
        documents=documents,
        questions=unseen.questions + heldout.questions,
        description=(
            "The article-unseen and article-heldout questions, asked of a corpus that also "
            "holds the four bundled SQuAD articles."
        ),
    )


def squad_v2_heldout_sets() -> list[QuestionSet]:
    """The SQuAD v2 dev articles of ``data/`` that no model here was fitted on."""
    return [
        replace(squad_set(SQUAD_V2_DEV, title=title), name=f"squad-v2:{title}")
        for title in split_v2_titles()[1]
    ]


def policyqa_sets(folder: Path = EVAL_ONLY, *, articles: int = 5) -> list[QuestionSet]:
    """The first ``articles`` privacy policies of PolicyQA dev (evaluation-only data)."""
    path = folder / "policyqa-dev.json.gz"
    if not path.is_file():
        raise DatasetError(
            f"PolicyQA is not at {path}: it is evaluation-only data, not in the repository. "
            "Pass the folder that holds policyqa-dev.json.gz."
        )
    return [
        replace(squad_set(path, title=title), name=f"policyqa:{title}")
        for title in squad_titles(path)[:articles]
    ]
