"""``evaluate``: question sets run against the assistant and the LangChain baseline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.datasets import (
    DatasetError,
    QuestionSet,
    article_noisy_set,
    article_set,
    bundled_squad_sets,
    distractor_set,
    squad_set,
    unseen_set,
)
from assistant.evaluation.report import EvaluationReport
from assistant.evaluation.runner import RunResult, default_embeddings, run
from assistant.evaluation.sets import LARGE_SETS, SETS
from assistant.evaluation.systems import AssistantSystem, LangChainRecipe, System
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.settings import Settings


def evaluate(
    sets: Sequence[str | QuestionSet] = SETS,
    *,
    squad_path: Path | None = None,
    squad_title: str | None = None,
    baseline: bool = True,
    backends: Sequence[str] = ("extractive",),
    limit: int | None = None,
    generative_limit: int | None = None,
    settings: Settings | None = None,
    embeddings: SentenceTransformerEmbeddings | None = None,
    progress: bool = True,
    ablation: Path | None = None,
    eval_only: Path | None = None,
    **overrides: Any,
) -> EvaluationReport:
    """Run question sets against the assistant (and the LangChain baseline).

    ``sets`` holds names from :data:`SETS` (``squad`` means the bundled SQuAD
    articles, or ``squad_path``) or ready :class:`QuestionSet` objects. Each set
    about a document the scorer was trained on is answered with the scorer
    fitted *without* that document, so its figures are validation figures.
    ``backends`` lists the answering backends to compare, each a system of its
    own; generative ones answer at most ``generative_limit`` answerable and as
    many unanswerable questions per set. ``limit`` does the same for every
    system. ``ablation`` is a scorer fitted without the reader (``assistant train
    --no-reader``): it answers in a column of its own, ``no-reader``, with the
    reader off. ``eval_only`` is the folder of the evaluation-only data (PolicyQA).
    Extra keyword arguments are settings of the assistant under test.
    """
    from assistant.models.scorer.scorer import configured_path, fold_scorer

    require_extra()
    embeddings = embeddings or default_embeddings()
    # Loaded up front, so no system's index time includes loading the model.
    embeddings.load()
    question_sets = [
        s.limited(limit)
        for item in sets
        for s in _resolve(item, squad_path, squad_title, eval_only)
    ]
    runs: list[RunResult] = []
    # The scorer under test (ASSISTANT_SCORER_PATH, or the shipped one), fitted without
    # the set's own document where it was fitted on it.
    chosen = Settings(**{**(settings.model_dump() if settings else {}), **overrides})
    scorer_path = configured_path(chosen.scorer_path, reader=chosen.reader)
    for question_set in question_sets:
        document = question_set.scorer_document
        scorer = fold_scorer(scorer_path, document) if document else None
        quick: list[System] = []
        slow: list[System] = []
        for backend in backends:
            system = AssistantSystem(
                embeddings,
                name=backend,
                settings=settings,
                scorer=scorer,
                **{**overrides, "backend": backend},
            )
            (slow if backend != "extractive" else quick).append(system)
        if ablation is not None:
            quick.append(
                AssistantSystem(
                    embeddings,
                    name="no-reader",
                    settings=settings,
                    scorer=fold_scorer(ablation, document or ""),
                    **{**overrides, "backend": "extractive", "reader": False},
                )
            )
        if baseline:
            quick.append(LangChainRecipe(embeddings))
        if quick:
            runs.extend(run(question_set, quick, progress=progress))
        if slow:
            runs.extend(run(question_set.limited(generative_limit), slow, progress=progress))
    effective = Settings(**{**(settings.model_dump() if settings else {}), **overrides})
    snapshot = effective.model_dump(
        mode="json", exclude={"corpus_dir", "index_dir", "backend", "openai_api_key"}
    )
    snapshot["backends"] = list(backends)
    notes = {s.name: _note(s) for s in question_sets}
    return EvaluationReport(runs=runs, settings=snapshot, notes=notes)


def _note(question_set: QuestionSet) -> str:
    document = question_set.scorer_document
    if document:
        scorer = f"Answered with the scorer fitted without {document!r} (validation)."
    else:
        scorer = (
            "Answered with the shipped scorer; no question of this set was ever used to fit it."
        )
    return f"{question_set.description} {scorer}".strip()


def _resolve(
    item: str | QuestionSet, squad_path: Path | None, title: str | None, eval_only: Path | None
) -> list[QuestionSet]:
    if isinstance(item, QuestionSet):
        return [item]
    from assistant.evaluation import heldout_sets

    named: dict[str, Callable[[], QuestionSet]] = {
        "article": article_set,
        "article-noisy": article_noisy_set,
        "article-unseen": unseen_set,
        "article-heldout": heldout_sets.heldout_set,
        "article-fresh": heldout_sets.fresh_set,
        "article-trust": heldout_sets.trust_set,
        "article-mixed": heldout_sets.mixed_set,
        "article-distractors": distractor_set,
    }
    if item in named:
        return [named[item]()]
    if item == "squad-v2-heldout":
        return heldout_sets.squad_v2_heldout_sets()
    if item == "policyqa":
        return heldout_sets.policyqa_sets(eval_only or heldout_sets.EVAL_ONLY)
    if item == "squad":
        if squad_path is not None:
            return [squad_set(squad_path, title=title)]
        return bundled_squad_sets()
    raise DatasetError(f"Unknown question set {item!r}: use one of {', '.join(SETS + LARGE_SETS)}.")


def require_extra() -> None:
    """The evaluation's own packages (the baseline recipe, charts) come with ``[eval]``."""
    import importlib.util

    missing = [
        name
        for name in ("langchain_chroma", "langchain_text_splitters", "matplotlib", "sklearn")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise DatasetError(
            f"The evaluation needs {', '.join(missing)}: install them with "
            "`pip install -e '.[eval]'` (make eval does)."
        )
