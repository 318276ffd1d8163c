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
    """Settings for the assistant: each field's docstring says what it does
    (``docs/configuration.md`` lists them all, written by ``assistant settings``)."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        extra="ignore",
        validate_default=True,
        use_attribute_docstrings=True,  # each field's docstring is its documentation
    )

    # Where things live.
    corpus_dir: Path = Field(default_factory=lambda: _default_home() / "corpus")
    """Folder of `.md`, `.txt`, `.html`, `.pdf` documents."""
    index_dir: Path = Field(default_factory=lambda: _default_home() / "index")
    """Where the embedded Chroma index lives."""
    collection: str = Field(default="corpus", min_length=3, max_length=63)
    """Chroma collection name."""

    # Embedding model: a bundled model name or a local sentence-transformers folder.
    embedding_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    """A bundled model name or a local sentence-transformers folder."""
    embedding_device: str = "cpu"
    """Torch device for the embedding model."""
    embedding_batch_size: int = Field(default=32, ge=1)
    """Chunks embedded per batch while indexing."""
    embedding_fast: bool = True
    """After its first load, run the model from an ONNX export of the same weights (a cold
    start skips importing sentence-transformers; vectors differ by ~1e-7)."""
    cache_dir: Path = Field(
        default_factory=lambda: (
            Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")) / "article-assistant"
        )
    )
    """Where that export is kept."""

    # Chroma: embedded under index_dir unless a server host is given.
    queue_url: str | None = None
    """Redis URL of the indexing job queue (`redis://host:6379/0`): this process then never
    writes to the index and hands uploads to `assistant worker`, the one writer; failed
    sign-ins are counted there too, shared by every replica (see docs/deploy.md
    (docs/deploy.md))."""
    chroma_host: str | None = None
    """Use a `chroma run` server at this host instead of the embedded index."""
    chroma_port: int = Field(default=8000, ge=1, le=65535)
    """Port of that server."""
    chroma_ssl: bool = False
    """Talk to the server over HTTPS."""
    chroma_retry_seconds: float = Field(default=5.0, ge=0.0)
    """How long a question waits for a Chroma server that cannot be reached (a restart)
    before it fails with a message."""
    exact_search_max_units: int = Field(default=100_000, ge=0)
    """Up to this many sentence vectors (about 150 MB), dense search scores every one exactly;
    above it, Chroma's approximate HNSW search; `0` always approximate."""

    # Ingestion and chunking.
    max_document_bytes: int = Field(default=20_000_000, ge=1)
    """Larger corpus files are skipped with a message."""
    max_document_chars: int = Field(default=10_000_000, ge=1)
    """A file whose text is longer is skipped with a message (a small PDF can inflate to far
    more text than its size)."""
    max_corpus_bytes: int = Field(default=200_000_000, ge=1)
    """An upload that would take the corpus folder past this size is refused with a message."""
    uploads_per_hour: int = Field(default=30, ge=1)
    """Files one visitor of the chat app (by sign-in name, else address) may upload in an hour;
    also the most files one request to Gradio's `/gradio_api/upload` may carry."""
    upload_bytes_per_hour: int = Field(default=200_000_000, ge=1)
    """Bytes one visitor (by sign-in name, else address) may send to the upload routes in an
    hour, Gradio's own `/gradio_api/upload` included; beyond it 429, before anything is
    stored (counted by each replica)."""
    max_document_chunks: int = Field(default=5_000, ge=1)
    """A file cut into more passages is skipped with a message (its earlier passages stay): one
    document's indexing cost is bounded."""
    parse_timeout: float = Field(default=30.0, gt=0)
    """Seconds a PDF or HTML file may take to read (in a worker process) before it is skipped."""
    parse_memory_mb: int = Field(default=1500, ge=64)
    """Memory that worker may use."""
    max_upload_bytes: int = Field(default=10_000_000, ge=1)
    """Largest file the chat accepts (enforced by the server)."""
    chunk_max_tokens: int = Field(default=200, ge=16)
    """Upper bound of a chunk in wordpieces (the model reads 256)."""
    auto_index: bool = True
    """Build or update the index on first use."""

    # Retrieval.
    top_k: int = Field(default=4, ge=1, le=MAX_TOP_K)
    """Passages handed to the answerer."""
    fetch_k: int = Field(default=20, ge=1, le=500)
    """Candidates from each of dense and keyword search before fusion."""
    fusion: Literal["relative", "rrf"] = "relative"
    """How dense and keyword scores combine: `relative` (each rescaled to 0..1, then weighted
    and added) or `rrf` (reciprocal-rank fusion)."""
    rrf_k: int = Field(default=60, ge=1)
    """Reciprocal-rank-fusion constant (with `fusion=rrf`)."""
    dense_weight: float = Field(default=1.0, ge=0.0)
    """Weight of dense search in the fusion."""
    keyword_weight: float = Field(default=1.0, ge=0.0)
    """Weight of BM25 keyword search in the fusion."""

    # Answering: the learned scorer decides, these only bound the answer.
    scorer_path: Path | None = None
    """Another scorer file written by `assistant train --out`."""
    sure_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    """Probability of being right from which an answer is given as sure (default: the
    scorer's own, chosen on validation documents); higher gives more unsure answers."""
    requests_path: Path | None = None
    """Another request classifier written by `assistant train-requests --out`."""
    summary_max_sentences: int = Field(default=6, ge=3, le=12)
    """Most sentences a summary quotes (3 to 12; it covers the sections up to this)."""
    reader: bool = False
    """Read each question beside its best units with the shipped reader, and decide with the
    scorer fitted on its scores (`assistant train-reader`, then `assistant train --reader`,
    rebuild both)."""
    reader_path: Path | None = None
    """Another reader folder written by `assistant train-reader --out`."""
    reader_candidates: int = Field(default=8, ge=1, le=64)
    """Units the reader reads per question (retrieval's best, one batch)."""
    reader_int8: bool = True
    """Run the reader int8-quantised; `false` for float32."""
    answer_max_units: int = Field(default=3, ge=1, le=12)
    """Most sentences or lists an answer (or a "tell me more") quotes."""
    max_question_chars: int = Field(default=2000, ge=1)
    """Longer questions are refused with a message."""
    max_history_turns: int = Field(default=6, ge=0)
    """Earlier turns considered for follow-up questions."""

    # Answering backend: extractive (no model), local (llama.cpp) or openai (any endpoint).
    backend: BackendName = "extractive"
    """What writes answers: `extractive` (quotes, no model), `local` (llama.cpp in-process) or
    `openai` (any OpenAI-compatible endpoint)."""
    backends: Annotated[list[BackendName] | None, NoDecode] = None
    """The backends visitors may choose, comma-separated; any other is refused before a
    connection is made (so `openai` is offered only when listed or chosen as the default)."""
    llm_model_path: Path | None = None
    """GGUF file for the `local` backend."""
    llm_model_name: str | None = None
    """Name shown for the local model."""
    llm_context_size: int = Field(default=2048, ge=256)
    """llama.cpp context window (tokens)."""
    llm_threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1), ge=1)
    """llama.cpp threads."""
    llm_temperature: float = Field(default=0.1, ge=0.0, le=2.0)
    """Sampling temperature (both generative backends)."""
    llm_max_tokens: int = Field(default=200, ge=1)
    """Longest generated answer (tokens)."""
    llm_passages: int = Field(default=3, ge=1, le=50)
    """Passages the model reads (prompt length sets the time to first token)."""
    llm_rewrite: bool = True
    """Let the model rewrite follow-up questions (rules otherwise, and as fallback)."""
    openai_base_url: str | None = None
    """Endpoint, e.g. `http://127.0.0.1:11434/v1` (Ollama) or `http://127.0.0.1:8000/v1` (vLLM,
    llama.cpp server)."""
    openai_model: str = "gpt-4o-mini"
    """Model name the endpoint serves."""
    openai_api_key: SecretStr | None = None
    """API key; never logged or shown."""
    openai_timeout: float = Field(default=30.0, gt=0)
    """Seconds before a silent endpoint is reported as down."""
    openai_max_retries: int = Field(default=1, ge=0)
    """Retries of a failed request."""

    # Grounding of generated answers.
    grounding_min_similarity: float = Field(default=0.35, ge=-1.0, le=1.0)
    """A generated sentence needs a passage unit at least this close (cosine) ..."""
    grounding_min_overlap: float = Field(default=0.05, ge=0.0, le=1.0)
    """... holding at least this share of its content words (idf-weighted), and agreeing with
    it on who does what (see Generated answers)."""
    show_unsupported: bool = False
    """Debug: keep unsupported generated sentences, flagged, instead of dropping them."""
    entailment: bool = False
    """Keep a generated sentence only when the entailment model (trained with `assistant train-
    entailment`; see Generated answers) says one of its nearest units, or those units read
    together, entails it; also turns on Yes/No answers."""
    entailment_path: Path | None = None
    """The entailment model's weights folder, as `assistant train-entailment --out` writes it."""
    entailment_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """The least probability of entailment a kept sentence needs."""
    polar_threshold: float = Field(default=0.9, ge=0.5, le=1.0)
    """With the entailment model on, a yes/no question's answer opens with "Yes." or "No." when
    its first quote entails the question's statement (or its negation) with at least this
    probability, and the other with less than one minus it."""

    # The chat app.
    host: str = "127.0.0.1"
    """Interface the chat app binds."""
    allowed_hosts: Annotated[list[str] | None, NoDecode] = None
    """Host names the app answers, comma-separated (`chat.example.com,10.0.0.5`); a request
    naming any other gets 400, so a page elsewhere that resolves to this machine cannot use
    it (DNS rebinding). Set it when sharing the app."""
    max_request_bytes: int = Field(default=25_000_000, ge=1024)
    """The largest request body, counted while it streams in: a larger one gets 413 before
    anything parses it."""
    port: int = Field(default=7860, ge=0, le=65535)
    """Port of the chat app."""
    concurrency_limit: int = Field(default=4, ge=1)
    """Questions the app answers at the same time."""
    queue_max_size: int = Field(default=32, ge=1)
    """Questions that may wait at once; beyond it a visitor is told at once that the queue is
    full, instead of waiting behind a flood."""
    client_queue_share: int = Field(default=10, ge=1)
    """Questions (and other page events) one client address may queue in 10 seconds; beyond it
    they get 429 "busy, try again", so one client cannot fill the queue others share (behind
    a proxy on loopback, the forwarded address counts; loopback itself, this machine's own
    user, is not counted)."""
    auth_username: str | None = None
    """With the password: the app asks visitors to sign in."""
    auth_password: SecretStr | None = None
    """Never logged or shown."""
    users_file: Path | None = None
    """Accounts with roles and Argon2id-hashed passwords, written by `assistant users add NAME
    [--admin]`; instead of the one shared account above. A user's uploads are private to
    them (see Accounts)."""
    auth_free_attempts: int = Field(default=5, ge=1)
    """Failed sign-ins for a name before it is locked out."""
    auth_address_failures: int = Field(default=30, ge=1)
    """Refused sign-ins from one client address within ten minutes before that address is
    answered 429 at the login (whatever names it tries)."""
    auth_attempts_per_minute: int = Field(default=20, ge=1)
    """Sign-ins, right or wrong, one client address may try in a minute (429 beyond): each
    costs a third of a second of a core."""
    auth_lockout_seconds: float = Field(default=1.0, gt=0)
    """The first lock-out; it doubles with each further failure, up to 5 minutes."""

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


_SHOWN_DEFAULTS = {
    "corpus_dir": "`corpus/` of the checkout",
    "index_dir": "`index/` of the checkout",
    "cache_dir": "`~/.cache/article-assistant`",
    "scorer_path": "the shipped `assistant/models/scorer/shipped/scorer.json` "
    "(`scorer-reader.json` with the reader on)",
    "requests_path": "the shipped `assistant/models/requests/shipped/requests.json`",
    "reader_path": "the shipped `assistant/models/reader/shipped/`",
    "backends": "`extractive,local` and `ASSISTANT_BACKEND`",
    "llm_model_path": "the bundled SmolLM2 GGUF",
    "llm_model_name": "`SmolLM2-135M-Instruct (Q4_1 GGUF)`",
    "llm_threads": "CPU count",
    "openai_base_url": "OpenAI",
    "openai_api_key": "`OPENAI_API_KEY`",
    "entailment_path": "`assistant/models/entailment/shipped` (no weights ship)",
    "allowed_hosts": "loopback names and `ASSISTANT_HOST`",
}
"""Defaults computed at run time, or whose meaning is in what ``None`` stands for."""


def configuration_reference() -> str:
    """Every setting as a Markdown table: its variable, default and what it does (the
    fields' own docstrings): ``docs/configuration.md``."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        if name in _SHOWN_DEFAULTS:
            shown = _SHOWN_DEFAULTS[name]
        elif default is None:
            shown = "unset"
        elif isinstance(default, bool):
            shown = f"`{str(default).lower()}`"
        else:
            shown = f"`{default}`"
        description = " ".join((field.description or "").split()).replace("|", "\\|")
        rows.append(f"| `ASSISTANT_{name.upper()}` | {shown} | {description} |")
    return (
        "# Configuration\n\n"
        "Every setting is a field of `assistant.Settings`, read from an environment variable\n"
        "with the `ASSISTANT_` prefix, and can be overridden in code (`Assistant(top_k=6)` or\n"
        "`Settings(top_k=6)`). This page is written by `assistant settings`; a test keeps it in\n"
        "step with the code.\n\n"
        "| Variable | Default | What it does |\n| --- | --- | --- |\n" + "\n".join(rows) + "\n"
    )
