"""All configuration in one place: environment variables prefixed ``ASSISTANT_``.

Every field can be overridden in code (``Settings(top_k=6)``) or from the
environment (``ASSISTANT_TOP_K=6``). Nothing else in the package hard-codes a
tunable number.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_home() -> Path:
    """The repository when run from a checkout; the working directory otherwise."""
    if (PROJECT_ROOT / "corpus").is_dir():
        return PROJECT_ROOT
    return Path.cwd()


BackendName = Literal["extractive", "local", "openai"]
"""What writes an answer (see :mod:`assistant.answerers.backends`)."""


@dataclass(frozen=True)
class Limits:
    """What parsing one file may cost."""

    seconds: float = 30.0
    memory_bytes: int = 1_500_000_000
    max_chars: int = 10_000_000


MAX_TOP_K = 50
"""The most passages one question may retrieve (the cost of a question is bounded)."""


class Settings(BaseSettings):
    """Settings for the assistant; see the README for what each one does."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", extra="ignore", validate_default=True
    )

    # Where things live.
    corpus_dir: Path = Field(default_factory=lambda: _default_home() / "corpus")
    index_dir: Path = Field(default_factory=lambda: _default_home() / "index")
    collection: str = Field(default="corpus", min_length=3, max_length=63)

    # Embedding model: a bundled model name or a local sentence-transformers folder.
    embedding_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    embedding_device: str = "cpu"
    embedding_batch_size: int = Field(default=32, ge=1)
    embedding_fast: bool = True
    cache_dir: Path = Field(
        default_factory=lambda: (
            Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")) / "article-assistant"
        )
    )

    # Chroma: embedded under index_dir unless a server host is given.
    queue_url: str | None = None
    """Redis URL of the indexing job queue (``redis://host:6379/0``): set, this process
    never writes to the index; it hands uploads to ``assistant worker``."""
    chroma_host: str | None = None
    chroma_port: int = Field(default=8000, ge=1, le=65535)
    chroma_ssl: bool = False
    exact_search_max_units: int = Field(default=100_000, ge=0)

    # Ingestion and chunking.
    max_document_bytes: int = Field(default=20_000_000, ge=1)
    max_document_chars: int = Field(default=10_000_000, ge=1)
    max_corpus_bytes: int = Field(default=200_000_000, ge=1)
    """Uploads that would take the corpus folder past this size are refused."""
    uploads_per_hour: int = Field(default=30, ge=1)
    """Files one visitor of the chat app may upload in an hour."""
    max_document_chunks: int = Field(default=5_000, ge=1)
    """A document cut into more passages than this is skipped with a message."""
    parse_timeout: float = Field(default=30.0, gt=0)
    parse_memory_mb: int = Field(default=1500, ge=64)
    max_upload_bytes: int = Field(default=10_000_000, ge=1)
    chunk_max_tokens: int = Field(default=200, ge=16)
    auto_index: bool = True

    # Retrieval.
    top_k: int = Field(default=4, ge=1, le=MAX_TOP_K)
    fetch_k: int = Field(default=20, ge=1, le=500)
    fusion: Literal["relative", "rrf"] = "relative"
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.0, ge=0.0)
    keyword_weight: float = Field(default=1.0, ge=0.0)

    # Answering: the learned scorer decides, these only bound the answer.
    scorer_path: Path | None = None
    sure_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    """The probability that an answer is right from which it is given as sure (default:
    the scorer's own upper operating point, chosen on validation documents). Higher means
    more answers given as unsure: the closest passages, said to be so."""
    requests_path: Path | None = None
    """The request classifier's parameters (default: the shipped ones)."""
    summary_max_sentences: int = Field(default=6, ge=3, le=12)
    """The most sentences a summary quotes (it covers the sections up to this)."""
    reader: bool = False
    """Read each question beside its best units with the reader model (its weights and a
    scorer fitted with it, ``assistant train``, must be in place)."""
    reader_path: Path | None = None
    """The reader's weights folder (default: the shipped ``assistant/models/reader/shipped``)."""
    reader_candidates: int = Field(default=8, ge=1, le=64)
    """The units the reader reads per question: retrieval's best, in one batch."""
    reader_int8: bool = True
    """Run the reader int8-quantised (ONNX Runtime dynamic quantisation)."""
    answer_max_units: int = Field(default=3, ge=1, le=12)
    max_question_chars: int = Field(default=2000, ge=1)
    max_history_turns: int = Field(default=6, ge=0)

    # Answering backend: extractive (no model), local (llama.cpp) or openai (any endpoint).
    backend: BackendName = "extractive"
    backends: Annotated[list[BackendName] | None, NoDecode] = None
    """The backends visitors may choose (default: extractive, local and ``backend``): a
    backend that sends questions elsewhere is offered only when the operator lists it."""
    llm_model_path: Path | None = None
    llm_model_name: str | None = None
    llm_context_size: int = Field(default=2048, ge=256)
    llm_threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1), ge=1)
    llm_temperature: float = Field(default=0.1, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(default=200, ge=1)
    llm_passages: int = Field(default=3, ge=1, le=50)
    llm_rewrite: bool = True
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_api_key: SecretStr | None = None
    openai_timeout: float = Field(default=30.0, gt=0)
    openai_max_retries: int = Field(default=1, ge=0)

    # Grounding of generated answers.
    grounding_min_similarity: float = Field(default=0.35, ge=-1.0, le=1.0)
    grounding_min_overlap: float = Field(default=0.05, ge=0.0, le=1.0)
    show_unsupported: bool = False
    entailment: bool = False
    """Keep a generated sentence only when the entailment model says a unit entails it."""
    entailment_path: Path | None = None
    """The entailment model's weights (default: ``assistant/models/entailment/shipped``)."""
    entailment_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """The least probability of entailment a kept sentence needs."""
    polar_threshold: float = Field(default=0.9, ge=0.5, le=1.0)
    """With the entailment model on: "Yes."/"No." opens the answer to a yes/no question when
    its first quote entails the statement (or its negation) this surely, and not the other."""

    # The chat app.
    host: str = "127.0.0.1"
    allowed_hosts: Annotated[list[str] | None, NoDecode] = None
    """Host names the app answers (default: loopback and ``host``); others get 400."""
    max_request_bytes: int = Field(default=25_000_000, ge=1024)
    """The largest request body, counted while it streams in (a larger one gets 413)."""
    port: int = Field(default=7860, ge=0, le=65535)
    concurrency_limit: int = Field(default=4, ge=1)
    queue_max_size: int = Field(default=32, ge=1)
    """Questions waiting at once; beyond it a visitor is told the server is busy."""
    client_queue_share: int = Field(default=10, ge=1)
    """Questions (and other page events) one client address may queue in 10 seconds;
    beyond it they get 429, "busy, try again", so no client fills the queue alone."""
    auth_username: str | None = None
    auth_password: SecretStr | None = None
    users_file: Path | None = None
    """Accounts with roles and hashed passwords (``assistant users add``); instead of
    ``auth_username``, whose one account is an admin."""
    auth_free_attempts: int = Field(default=5, ge=1)
    auth_address_failures: int = Field(default=30, ge=1)
    """Refused sign-ins from one address in ten minutes before it gets 429 at the login."""
    auth_lockout_seconds: float = Field(default=1.0, gt=0)
    """The first lock-out after the free attempts; it doubles with each further failure."""

    @field_validator(
        "corpus_dir",
        "index_dir",
        "cache_dir",
        "scorer_path",
        "requests_path",
        "reader_path",
        "entailment_path",
        "users_file",
    )
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("backends", "allowed_hosts", mode="before")
    @classmethod
    def _listed(cls, value: object) -> object:
        # "extractive,openai" from the environment, as people write lists there.
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()] or None
        return value

    @property
    def enabled_backends(self) -> list[str]:
        """The backends offered, in the registry's order."""
        chosen = set(self.backends) if self.backends else {"extractive", "local", self.backend}
        return [name for name in get_args(BackendName) if name in chosen | {self.backend}]

    @property
    def auth(self) -> tuple[str, str] | None:
        """The chat app's username and password, when both are set."""
        if self.auth_username and self.auth_password:
            return self.auth_username, self.auth_password.get_secret_value()
        return None

    @property
    def parse_limits(self) -> Limits:
        """What reading one document may cost."""
        return Limits(
            seconds=self.parse_timeout,
            memory_bytes=self.parse_memory_mb * 1_000_000,
            max_chars=self.max_document_chars,
        )

    @property
    def server_mode(self) -> bool:
        """True when the index lives in a ``chroma run`` server rather than on disk."""
        return bool(self.chroma_host)
