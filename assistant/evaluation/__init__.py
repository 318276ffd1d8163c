"""Evaluation: the whole assistant measured on question sets, beside the LangChain baseline.

Question sets (``datasets``, ``heldout_sets``, ``noise``, ``near_misses``), the
systems under test (``systems``), the runner and metrics (calibration among them),
reports; the check of generated sentences on its adversarial benchmark
(``verifier_bench``). Fitting the models is each model's own (``assistant/models/``).

>>> from assistant.evaluation import evaluate
>>> report = evaluate(["article"])                  # doctest: +SKIP
>>> print(report.table())                           # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

# A module may not share a name it exports: importing it would replace the lazy name.
_WHERE = {
    "evaluate": "evaluator",
    "require_extra": "evaluator",
    "SETS": "sets",
    "LARGE_SETS": "sets",
    "EvaluationReport": "report",
    "RunResult": "runner",
    "AssistantSystem": "systems",
    "LangChainRecipe": "systems",
    "System": "systems",
    **dict.fromkeys(
        (
            "DatasetError",
            "EvalQuestion",
            "QuestionSet",
            "Span",
            "article_noisy_set",
            "article_set",
            "bundled_squad_sets",
            "distractor_set",
            "squad_set",
            "unseen_set",
        ),
        "datasets",
    ),
}
"""Where each public name lives: imported on first use, so the command line (which only
needs the sets' names) does not load the evaluation."""

__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
