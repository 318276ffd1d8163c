"""Ask questions about an article (or your own documents) and get cited answers.

>>> from assistant import answer
>>> reply = answer("What does a COO do?")     # doctest: +SKIP
>>> reply.text, reply.citations               # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from assistant.api import Assistant, answer, default_assistant
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
    StoreUnavailableError,
)
from assistant.response import Answer, Citation
from assistant.settings import Settings


def evaluate(*args: Any, **kwargs: Any) -> Any:
    """Measure answer quality; see :func:`assistant.evaluation.evaluate`.

    Imported on first use: the evaluation pulls in the baseline's LangChain
    packages and matplotlib, which answering does not need.
    """
    from assistant.evaluation import evaluate as run_evaluation

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
    "Settings",
    "StoreUnavailableError",
    "answer",
    "default_assistant",
    "evaluate",
]
