"""The public front door: :class:`Assistant` and the :func:`answer` shortcut."""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda

from assistant import timing
from assistant.answering import ExtractiveAnswerer
from assistant.chain import build_chain
from assistant.conversation import (
    History,
    clean_rewrite,
    condense_question,
    is_follow_up,
    keeps_subject,
    rewrite_messages,
)
from assistant.coverage import Coverage, CoverageCheck
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.errors import (
    CorpusError,
    DocumentError,
    EmptyQuestionError,
    IndexLayoutError,
    QuestionTooLongError,
)
from assistant.generation import GroundedGenerator
from assistant.index import ChunkStore, Progress, SyncReport
from assistant.ingest import Corpus, load_corpus, load_document
from assistant.llm import build_chat_model
from assistant.response import Answer
from assistant.retrieval import HybridRetriever
from assistant.settings import Settings
from assistant.uploads import UploadResult, store_uploads

log = logging.getLogger("assistant")

HistoryInput = Sequence[tuple[str, str]] | Sequence[dict[str, Any]] | None
"""Earlier turns: ``(question, answer)`` pairs, or chat messages with ``role``/``content``."""


class Assistant:
    """Answers questions about a corpus, citing the passages it used.

    >>> bot = Assistant(corpus_dir="corpus", index_dir="index")   # doctest: +SKIP
    >>> reply = bot.answer("What does a COO do?")                  # doctest: +SKIP
    >>> reply.text, reply.citations[0].quote                       # doctest: +SKIP

    The index is built (or brought up to date) on first use, with a progress
    bar; later changes to the corpus are picked up by :meth:`index`.
    """

    def __init__(
        self,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
        *,
        settings: Settings | None = None,
        embeddings: SentenceTransformerEmbeddings | None = None,
        chat_model: BaseChatModel | None = None,
        **overrides: Any,
    ) -> None:
        if corpus_dir is not None:
            overrides["corpus_dir"] = Path(corpus_dir)
        if index_dir is not None:
            overrides["index_dir"] = Path(index_dir)
        if settings is None:
            self.settings = Settings(**overrides)
        else:
            self.settings = Settings(**{**settings.model_dump(), **overrides})
        if embeddings is not None:
            self.__dict__["embeddings"] = embeddings
        if chat_model is not None:
            # A model handed in answers generatively, whatever ASSISTANT_BACKEND says.
            self.__dict__["chat_model"] = chat_model
        self._ready = False
        self._ready_lock = threading.RLock()
        self._documents = 0
        self._siblings: dict[str, Assistant] = {}

    # --- components (built on first use, so construction is instant) ---------------

    @cached_property
    def embeddings(self) -> SentenceTransformerEmbeddings:
        """The embedding model (loaded lazily on the first text it embeds)."""
        return SentenceTransformerEmbeddings(
            self.settings.embedding_model,
            device=self.settings.embedding_device,
            batch_size=self.settings.embedding_batch_size,
            fast=self.settings.embedding_fast,
            cache_dir=self.settings.cache_dir,
        )

    @cached_property
    def store(self) -> ChunkStore:
        """The Chroma-backed chunk store."""
        return ChunkStore(self.settings, self.embeddings)

    @cached_property
    def retriever(self) -> HybridRetriever:
        """The LangChain retriever (dense + BM25, fused)."""
        return HybridRetriever.from_settings(self.store, self.settings)

    @cached_property
    def extractive(self) -> ExtractiveAnswerer:
        """The model-free answerer (also the generative backends' fallback)."""
        return ExtractiveAnswerer(
            self.embeddings,
            max_units=self.settings.answer_max_units,
            unit_ratio=self.settings.answer_unit_ratio,
            min_gain=self.settings.answer_min_gain,
            dense_share=self.settings.answer_dense_share,
            idf=lambda term: self.retriever.keyword_index().idf(term),
            refusal=self._refusal_text(),
        )

    @cached_property
    def chat_model(self) -> BaseChatModel | None:
        """The language model of a generative backend; ``None`` for ``extractive``."""
        if self.settings.backend == "extractive":
            return None
        return build_chat_model(self.settings)

    @property
    def backend(self) -> str:
        """The name of what answers: ``extractive``, ``local``, ``openai`` or ``custom``."""
        if "chat_model" in self.__dict__ and self.settings.backend == "extractive":
            return "custom" if self.__dict__["chat_model"] is not None else "extractive"
        return self.settings.backend

    @cached_property
    def answerer(self) -> ExtractiveAnswerer | GroundedGenerator:
        """The component that turns passages into a cited answer."""
        if self.chat_model is None:
            return self.extractive
        return GroundedGenerator(
            self.chat_model,
            self.embeddings,
            self.extractive,
            name=self.backend,
            unit_vectors=self._unit_vectors,
            idf=lambda term: self.retriever.keyword_index().idf(term),
            min_similarity=self.settings.grounding_min_similarity,
            min_overlap=self.settings.grounding_min_overlap,
            passages=self.settings.llm_passages,
            show_unsupported=self.settings.show_unsupported,
            refusal=self._refusal_text(),
        )

    @cached_property
    def coverage(self) -> CoverageCheck:
        """The near-miss check: does the corpus speak about the question's topic?"""
        return CoverageCheck(
            self.embeddings,
            self.retriever.keyword_index,
            word_similarity=self.settings.coverage_word_similarity,
            min_share=self.settings.coverage_min_share,
        )

    @cached_property
    def chain(self) -> Runnable[dict[str, Any], Answer]:
        """The whole pipeline as one LangChain runnable."""
        checker = None
        if self.settings.coverage_check:
            checker = RunnableLambda(self._check_coverage, name="CoverageCheck")
        return build_chain(
            self.retriever,
            self.answerer.as_runnable(),
            RunnableLambda(self._rewrite, name="CondenseQuestion"),
            checker,
        )

    # --- the index ----------------------------------------------------------------------

    def corpus(self) -> Corpus:
        """Read the corpus folder (unreadable files are listed in ``skipped``)."""
        return load_corpus(self.settings.corpus_dir, max_bytes=self.settings.max_document_bytes)

    def index(self, *, rebuild: bool = False, progress: Progress | None = None) -> SyncReport:
        """Bring the index up to date with the corpus folder; ``rebuild`` re-embeds all."""
        corpus = self.corpus()
        for skipped in corpus.skipped:
            log.warning("Skipped %s: %s", skipped.source, skipped.reason)
        if not corpus.documents and not self.store.count():
            reasons = "; ".join(f"{s.source}: {s.reason}" for s in corpus.skipped)
            raise CorpusError(
                f"No readable document in {self.settings.corpus_dir}"
                + (f" ({reasons})" if reasons else "")
                + ". Add .md, .txt or .html files there."
            )
        sync = self.store.rebuild if rebuild else self.store.sync
        report = sync(corpus, progress=progress)
        self._documents = len(corpus.documents)
        self._ready = True
        for stale in ("extractive", "answerer", "chain"):  # they quote the document count
            self.__dict__.pop(stale, None)
        return report

    def ensure_index(self) -> None:
        """Build or update the index once per assistant, showing a progress bar."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            if self.settings.auto_index:
                with tqdm_progress("Indexing corpus") as progress:
                    try:
                        report = self.index(progress=progress)
                    except IndexLayoutError as exc:
                        # Our own older layout: rebuilding is what the user would do anyway.
                        log.warning("%s Rebuilding it now.", exc)
                        report = self.index(rebuild=True, progress=progress)
                if report.changed:
                    log.info("Index updated: %s", report.summary())
            else:
                self._documents = len(self.store.sources())
                if not self._documents:
                    raise CorpusError(
                        f"The index at {self.store.location} is empty. Build it with "
                        "`assistant index`."
                    )
                self._ready = True
            # Load the model now, so a question's timings measure answering, not start-up.
            self.embeddings.load()

    # --- asking -------------------------------------------------------------------------

    def answer(
        self, question: str, history: HistoryInput = None, *, top_k: int | None = None
    ) -> Answer:
        """Answer one question; ``history`` holds earlier turns for follow-ups."""
        final: Answer | None = None
        for final in self.stream(question, history, top_k=top_k):  # noqa: B007 - the last one
            pass
        assert final is not None
        return final

    def stream(
        self, question: str, history: HistoryInput = None, *, top_k: int | None = None
    ) -> Iterator[Answer]:
        """Yield growing :class:`Answer` snapshots; the last has ``complete=True``.

        Each snapshot is a whole answer so far (text and the citations its
        markers refer to), not a delta, so a UI can simply redraw it. ``top_k``
        overrides how many passages are retrieved for this question.
        """
        cleaned = self.validate_question(question)
        turns = _normalise_history(history, self.settings.max_history_turns)
        self.ensure_index()
        started = time.perf_counter()
        timings: dict[str, float] = {}
        first_text: float | None = None
        inputs: dict[str, Any] = {"question": cleaned, "history": turns}
        if top_k is not None:
            inputs["top_k"] = top_k
        for snapshot in timing.timed_iteration(self.chain.stream(inputs), timings):
            now = time.perf_counter() - started
            if first_text is None and (snapshot.text or snapshot.pending):
                first_text = now
            stamp = {**timings, "total": now}
            if first_text is not None:
                stamp["ttft"] = first_text
            yield replace(snapshot, timings=stamp)

    def validate_question(self, question: str) -> str:
        """The question without control characters, or a :class:`QuestionError`."""
        if not isinstance(question, str):
            raise EmptyQuestionError("The question must be text.")
        cleaned = "".join(
            ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in question
        ).strip()
        if not cleaned:
            raise EmptyQuestionError("Please type a question: it is empty.")
        if len(cleaned) > self.settings.max_question_chars:
            raise QuestionTooLongError(
                f"The question is {len(cleaned):,} characters long; the limit is "
                f"{self.settings.max_question_chars:,}. Please shorten it."
            )
        return cleaned

    def _rewrite(self, inputs: dict[str, Any]) -> str:
        question, history = inputs["question"], inputs.get("history") or []
        with timing.stage("rewrite"):
            use_model = self.chat_model is not None and self.settings.llm_rewrite
            if use_model and is_follow_up(question, history):
                rewritten = self._rewrite_with_model(question, history)
                if rewritten:
                    return rewritten
            return condense_question(
                question, history, phrase_count=self.retriever.keyword_index().phrase_count
            )

    def _rewrite_with_model(self, question: str, history: History) -> str | None:
        """The model's standalone version of a follow-up, or ``None`` to fall back to rules."""
        assert self.chat_model is not None
        try:
            reply = self.chat_model.invoke(rewrite_messages(question, history))
        except Exception as exc:  # a failed rewrite must not stop the answer
            log.warning(
                "Follow-up rewrite by the model failed (%s); using rules.", type(exc).__name__
            )
            return None
        rewritten = clean_rewrite(reply.text, question)
        if rewritten and keeps_subject(rewritten, question):
            return rewritten
        return None

    def _unit_vectors(self, candidates: list[Any]) -> np.ndarray | None:
        """Stored vectors of the candidates' units, so checking sentences embeds nothing twice."""
        rows = self.store.unit_vectors(list({c.chunk.id: c.chunk for c in candidates}.values()))
        try:
            index = {c.chunk.id: [u.start for u in c.chunk.units] for c in candidates}
            return np.stack(
                [rows[c.chunk.id][index[c.chunk.id].index(c.unit.start)] for c in candidates]
            )
        except (KeyError, ValueError, IndexError):
            return None

    def _check_coverage(self, inputs: dict[str, Any]) -> Coverage:
        with timing.stage("coverage"):
            return self.coverage.check(inputs["query"], inputs["documents"])

    def _refusal_text(self) -> str:
        if self._documents > 1:
            return (
                f"The documents do not say: nothing in the {self._documents} indexed documents "
                "answers this question."
            )
        return "The article does not say: nothing in it answers this question."

    def with_backend(self, backend: str) -> Assistant:
        """An assistant answering with another backend over the same index and models.

        Siblings share the embedding model, the store, the retriever and the
        coverage check, so switching backends in the app loads nothing twice.
        """
        if backend == self.backend:
            return self
        with self._ready_lock:
            sibling = self._siblings.get(backend)
            if sibling is None:
                sibling = Assistant(settings=self.settings, backend=backend)
                for shared in ("embeddings", "store", "retriever", "coverage"):
                    sibling.__dict__[shared] = getattr(self, shared)
                sibling._siblings = self._siblings
                sibling._siblings[self.backend] = self
                self._siblings[backend] = sibling
        sibling._documents = self._documents
        sibling._ready = self._ready
        return sibling

    def add_documents(
        self, files: list[tuple[str, Path]], *, progress: Progress | None = None
    ) -> tuple[UploadResult, SyncReport | None]:
        """Copy user files into the corpus (checked, under safe names) and index them.

        ``files`` holds ``(original name, path)`` pairs. Rejected files are
        reported in the result and never reach the corpus or the index.
        """
        result = store_uploads(
            files, self.settings.corpus_dir, max_bytes=self.settings.max_upload_bytes
        )
        report = self.index(progress=progress) if result.stored else None
        for sibling in self._siblings.values():
            sibling._documents = self._documents
            for stale in ("extractive", "answerer", "chain"):
                sibling.__dict__.pop(stale, None)
        return result, report

    # --- sources ------------------------------------------------------------------------

    def document_text(self, source: str) -> str:
        """The text a citation's ``start``/``end`` offsets index, for ``source``."""
        root = self.settings.corpus_dir.resolve()
        path = (root / source).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise DocumentError(f"{source} is not a document of the corpus in {root}.")
        return load_document(path, root=root, max_bytes=self.settings.max_document_bytes).text

    def status(self) -> dict[str, Any]:
        """What is answering and what it knows: for status lines and health checks."""
        sources = self.store.sources()
        model = getattr(self.chat_model, "model_name", None) if self.chat_model else None
        return {
            "backend": self.backend,
            "model": model,
            "embedding_model": self.embeddings.name,
            "index": self.store.location,
            "documents": len(sources),
            "chunks": sum(sources.values()),
        }


def _normalise_history(history: HistoryInput, limit: int) -> History:
    if not history:
        return []
    turns: list[tuple[str, str]] = []
    pending: str | None = None
    for item in history:
        if isinstance(item, dict):
            text = _message_text(item.get("content"))
            if item.get("role") == "user":
                pending = text
            elif item.get("role") == "assistant" and pending is not None:
                turns.append((pending, text))
                pending = None
        else:
            question, reply = item
            turns.append((str(question), str(reply)))
    return turns[-limit:] if limit else []


def _message_text(content: Any) -> str:
    """Text of a chat message's content: a string, or a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in content
        ).strip()
    return ""


class tqdm_progress:
    """A :data:`Progress` callback drawing a tqdm bar, shown only if there is work."""

    def __init__(self, description: str) -> None:
        self.description = description
        self._bar: Any = None

    def __enter__(self) -> Progress:
        return self._update

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def _update(self, done: int, total: int) -> None:
        if total <= 0:
            return
        if self._bar is None:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=self.description, unit="chunk")
        self._bar.n = done
        self._bar.refresh()


_default: Assistant | None = None
_default_lock = threading.Lock()


def default_assistant() -> Assistant:
    """The shared assistant over the repository's ``corpus/`` and ``index/``."""
    global _default  # noqa: PLW0603 - one lazily created instance per process
    with _default_lock:
        if _default is None:
            _default = Assistant()
        return _default


def answer(question: str, history: HistoryInput = None) -> Answer:
    """Answer a question about the corpus, reusing one loaded :class:`Assistant`.

    >>> reply = answer("What does a COO do?")   # doctest: +SKIP
    >>> print(reply.text)                        # doctest: +SKIP
    """
    return default_assistant().answer(question, history)
