"""Ask questions about an article (or your own documents) and get cited answers.

>>> from assistant import answer
>>> reply = answer("What does a COO do?")     # doctest: +SKIP
>>> reply.text, reply.citations               # doctest: +SKIP

The names below load on first use, so importing one module of the package (a
parsing worker, the CLI's ``--help``) does not import the whole pipeline.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assistant.errors import (
    AssistantError,
    CorpusError,
    DocumentError,
    EmbeddingModelError,
    EmptyQuestionError,
    IndexCorruptError,
    IndexMismatchError,
    QuestionError,
    QuestionTooLongError,
    QueueUnavailableError,
    StoreUnavailableError,
)

if TYPE_CHECKING:
    from assistant.api import Assistant, answer, default_assistant
    from assistant.response import Answer, Citation
    from assistant.settings import Settings

_LAZY = {
    "Assistant": "assistant.api",
    "answer": "assistant.api",
    "default_assistant": "assistant.api",
    "Answer": "assistant.response",
    "Citation": "assistant.response",
    "Settings": "assistant.settings",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")


def evaluate(*args: Any, **kwargs: Any) -> Any:
    """Measure answer quality; see :func:`assistant.evaluation.evaluate`.

    Imported on first use: the evaluation pulls in the baseline's LangChain
    packages and matplotlib, which answering does not need.
    """
    from assistant.evaluation.evaluator import evaluate as run_evaluation

    return run_evaluation(*args, **kwargs)


__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "CorpusError",
    "DocumentError",
    "EmbeddingModelError",
    "EmptyQuestionError",
    "IndexCorruptError",
    "IndexMismatchError",
    "QuestionError",
    "QuestionTooLongError",
    "QueueUnavailableError",
    "Settings",
    "StoreUnavailableError",
    "answer",
    "default_assistant",
    "evaluate",
]
