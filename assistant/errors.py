"""Errors meant for users: each message says what went wrong and what to do."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class of every error the assistant reports to a user."""


class QuestionError(AssistantError, ValueError):
    """The question cannot be answered as asked (empty, too long, ...)."""


class EmptyQuestionError(QuestionError):
    """The question is empty or only whitespace."""


class QuestionTooLongError(QuestionError):
    """The question is longer than ``Settings.max_question_chars``."""


class CorpusError(AssistantError):
    """The corpus folder is missing or holds no readable document."""


class DocumentError(AssistantError):
    """One document could not be read; ingestion skips it and carries on."""


class EmbeddingModelError(AssistantError):
    """The embedding model cannot be found or loaded offline."""


class IndexMismatchError(AssistantError):
    """The index was built with another embedding model than the one configured."""


class IndexLayoutError(IndexMismatchError):
    """The index was written by another version of the assistant (an older layout)."""


class IndexCorruptError(AssistantError):
    """The index on disk cannot be opened or read."""


class IndexChangedError(AssistantError):
    """The index was replaced while it was being read (a rebuild); asking again works."""


class IndexReadOnlyError(AssistantError):
    """The index folder cannot be written: it can answer, not be updated or rebuilt."""


class StoreUnavailableError(AssistantError):
    """The Chroma server cannot be reached."""


class QueueUnavailableError(StoreUnavailableError):
    """The indexing job queue (Redis) cannot be reached."""


class BackendError(AssistantError):
    """The answering backend (a language model) failed or is misconfigured."""


class BackendNotInstalledError(BackendError):
    """The backend's optional packages are not installed."""


class EndpointError(BackendError):
    """The OpenAI-compatible endpoint is unreachable, too slow or answered garbage."""


class AccountError(AssistantError):
    """The users file, or an account in it, cannot be used as it is."""
