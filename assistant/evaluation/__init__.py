"""Measure answer quality: question sets, metrics, the baseline, reports.

>>> from assistant.evaluation import evaluate
>>> report = evaluate(["article"])                  # doctest: +SKIP
>>> print(report.table())                           # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.evaluation.datasets import (
    DatasetError,
    EvalQuestion,
    QuestionSet,
    Span,
    article_set,
    squad_set,
)
from assistant.evaluation.report import EvaluationReport
from assistant.evaluation.runner import RunResult, default_embeddings, run
from assistant.evaluation.systems import AssistantSystem, LangChainRecipe, System
from assistant.settings import Settings

__all__ = [
    "DatasetError",
    "EvalQuestion",
    "EvaluationReport",
    "QuestionSet",
    "RunResult",
    "Span",
    "article_set",
    "evaluate",
    "squad_set",
]


def evaluate(
    sets: Sequence[str | QuestionSet] = ("article",),
    *,
    squad_path: Path | None = None,
    squad_title: str | None = None,
    baseline: bool = True,
    backends: Sequence[str] = ("extractive",),
    limit: int | None = None,
    settings: Settings | None = None,
    embeddings: SentenceTransformerEmbeddings | None = None,
    progress: bool = True,
    **overrides: Any,
) -> EvaluationReport:
    """Run question sets against the assistant (and the LangChain baseline).

    ``sets`` holds ``"article"`` (the gold set), ``"squad"`` (needs
    ``squad_path``) or ready :class:`QuestionSet` objects. ``backends`` lists the
    answering backends to compare (``extractive``, ``local``, ``openai``); each
    is a system of its own in the report. ``limit`` keeps the first N answerable
    and N unanswerable questions of each set. Extra keyword arguments are
    settings of the assistant under test.
    """
    _require_extra()
    embeddings = embeddings or default_embeddings()
    # Loaded up front, so no system's index time includes loading the model.
    embeddings.load()
    question_sets = [_resolve(s, squad_path, squad_title).limited(limit) for s in sets]
    runs: list[RunResult] = []
    for question_set in question_sets:
        systems: list[System] = [
            AssistantSystem(
                embeddings, name=backend, settings=settings, **{**overrides, "backend": backend}
            )
            for backend in backends
        ]
        if baseline:
            systems.append(LangChainRecipe(embeddings))
        runs.extend(run(question_set, systems, progress=progress))
    effective = Settings(**{**(settings.model_dump() if settings else {}), **overrides})
    snapshot = effective.model_dump(
        mode="json", exclude={"corpus_dir", "index_dir", "backend", "openai_api_key"}
    )
    snapshot["backends"] = list(backends)
    return EvaluationReport(runs=runs, settings=snapshot)


def _resolve(item: str | QuestionSet, squad_path: Path | None, title: str | None) -> QuestionSet:
    if isinstance(item, QuestionSet):
        return item
    if item == "article":
        return article_set()
    if item == "squad":
        if squad_path is None:
            raise DatasetError("The squad set needs a SQuAD-format file: pass squad_path.")
        return squad_set(squad_path, title=title)
    raise DatasetError(f"Unknown question set {item!r}: use 'article' or 'squad'.")


def _require_extra() -> None:
    """The evaluation's own packages (the baseline recipe, charts) come with ``[eval]``."""
    import importlib.util

    missing = [
        name
        for name in ("langchain_chroma", "langchain_text_splitters", "matplotlib")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise DatasetError(
            f"The evaluation needs {', '.join(missing)}: install them with "
            "`pip install -e '.[eval]'` (make eval does)."
        )
