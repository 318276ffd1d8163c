"""The public front door: :class:`Assistant` and the :func:`answer` shortcut."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable

from assistant.answerers.base import Answerer
from assistant.answerers.continuation import ContinuationAnswerer
from assistant.answerers.overview import OverviewAnswerer
from assistant.answerers.registry import Answerers
from assistant.asking.decision import Decision
from assistant.asking.retrieval import HybridRetriever
from assistant.asking.rewrite import HistoryInput, turns_of
from assistant.asking.state import QuestionState, checked_question, checked_top_k
from assistant.chain import build_chain, build_search
from assistant.chain.steps import Boilerplate, Classify, Judge, Read, Retrieve, Rewrite
from assistant.common import timing
from assistant.common.progress import Progress, progress_bar
from assistant.documents.access import EVERYONE, Viewer
from assistant.documents.corpus import SUPPORTED, Corpus, load_corpus
from assistant.documents.uploads import UploadResult
from assistant.errors import (
    CorpusError,
    IndexChangedError,
    IndexCorruptError,
    IndexLayoutError,
    IndexReadOnlyError,
    QueueUnavailableError,
)
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.indexing.library import Library
from assistant.indexing.statistics import CorpusStatistics
from assistant.indexing.store import REBUILD_HINT, ChunkStore
from assistant.indexing.sync import Indexer, SyncReport
from assistant.models.requests.classifier import RequestClassifier
from assistant.models.scorer.scorer import Scorer
from assistant.response import Answer
from assistant.serving.jobs import JobQueue
from assistant.settings import Settings

log = logging.getLogger("assistant")


class Assistant:
    """Answers questions about a corpus, citing the passages it used.

    >>> bot = Assistant(corpus_dir="corpus", index_dir="index")   # doctest: +SKIP
    >>> reply = bot.answer("What does a COO do?")                  # doctest: +SKIP
    >>> reply.text, reply.citations[0].quote                       # doctest: +SKIP

    Every component is built here, once; nothing heavy loads until it is used.
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
        scorer: Scorer | None = None,
        **overrides: Any,
    ) -> None:
        if corpus_dir is not None:
            overrides["corpus_dir"] = Path(corpus_dir)
        if index_dir is not None:
            overrides["index_dir"] = Path(index_dir)
        base = settings.model_dump() if settings is not None else {}
        self.settings = Settings(**{**base, **overrides})
        s = self.settings
        self.embeddings = embeddings or SentenceTransformerEmbeddings(
            s.embedding_model,
            device=s.embedding_device,
            batch_size=s.embedding_batch_size,
            fast=s.embedding_fast,
            cache_dir=s.cache_dir,
        )
        self.store = ChunkStore(s, self.embeddings)
        self.indexer = Indexer(self.store)
        # With a job queue, only the ingestion worker writes to the index: uploads are
        # stored in the shared corpus folder and handed to it.
        self.jobs = JobQueue(s.queue_url) if s.queue_url else None
        self.library = Library(
            s,
            self.store,
            self.index if self.jobs is None else self._submit,
            refused=lambda: self.indexer.refusals.by_source(),  # noqa: PLW0108 - read when asked
        )
        self.statistics = CorpusStatistics(self.store)
        self.retriever = HybridRetriever.from_settings(self.store, s, self.statistics)
        self.decision = Decision.from_settings(self.embeddings, s, scorer)
        self.answerers = Answerers(s, self.embeddings, chat_model)
        self.extractive = self.answerers.extractive
        self.backend = self.answerers.default
        self.requests = RequestClassifier(self.embeddings.encode_query, model_path=s.requests_path)
        self.chain = self._build_chain()
        self._ready = False
        self._lock = threading.RLock()

    # --- backends -------------------------------------------------------------------

    def chat_model(self, backend: str | None = None) -> BaseChatModel | None:
        """The language model of ``backend`` (default: this assistant's); ``None`` if none."""
        return self.answerers.chat_model(backend)

    def answerer(self, backend: str | None = None) -> Answerer:
        """The component that writes ``backend``'s answers, built on first use."""
        return self.answerers.answerer(backend)

    # --- the index ----------------------------------------------------------------------

    def corpus(self, only: list[str] | None = None) -> Corpus:
        """The corpus folder's files (``only`` these sources, if given), not parsed yet."""
        return load_corpus(
            self.settings.corpus_dir, max_bytes=self.settings.max_document_bytes, only=only
        )

    def index(
        self,
        *,
        rebuild: bool = False,
        progress: Progress | None = None,
        only: list[str] | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the corpus folder; ``rebuild`` re-embeds all.

        ``only`` indexes just these files (new uploads) and leaves the rest as it is.
        Files that cannot be read are skipped and listed in the report.
        """
        corpus = self.corpus(only)
        if not corpus.files and not corpus.partial and not self.store.count():
            reasons = "; ".join(f"{s.source}: {s.reason}" for s in corpus.skipped)
            raise CorpusError(
                f"No readable document in {self.settings.corpus_dir}"
                + (f" ({reasons})" if reasons else "")
                + f". Add {SUPPORTED} files there."
            )
        sync = self.indexer.rebuild if rebuild else self.indexer.sync
        report = sync(corpus, progress=progress)
        self._ready = True
        return report

    def ensure_index(self) -> None:
        """Build or update the index once per assistant, showing a progress bar."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            # Load the model meanwhile (its ONNX session is native code and runs beside
            # the index check), so a question's timings measure answering, not start-up.
            loading = threading.Thread(target=self._load_quietly, daemon=True)
            loading.start()
            try:
                if self.jobs is not None:
                    pass  # the worker keeps the index up to date; it may still be building
                elif self.settings.auto_index:
                    self._bring_up_to_date()
                elif not self.store.sources():
                    raise CorpusError(
                        f"The index at {self.store.location} is empty. "
                        "Build it with `assistant index`."
                    )
            finally:
                loading.join()
            self.embeddings.load()  # raises here, in this thread, if it failed there
            self.decision.load()
            self._ready = True

    def _submit(self, *, progress: Progress | None = None, only: list[str] | None = None) -> None:
        assert self.jobs is not None
        try:
            job = self.jobs.submit(only)
        except QueueUnavailableError as exc:
            # The file is stored: the worker syncs the corpus folder when the queue is back.
            log.warning("%s The worker indexes %s when the queue is back.", exc, only or "it")
            return
        log.info("Indexing job %s handed to the worker (%s).", job.id, only or "everything")

    def _load_quietly(self) -> None:
        with contextlib.suppress(Exception):  # raised again below, in the caller's thread
            self.embeddings.load()
            self.decision.load()

    def _bring_up_to_date(self) -> None:
        with progress_bar("Indexing corpus") as progress:
            try:
                report = self.index(progress=progress)
            except (IndexLayoutError, IndexCorruptError) as exc:
                # An older layout or a damaged database: a rebuild from the corpus is
                # what the user would do anyway, and it never touches the old one.
                log.warning(
                    "%s Rebuilding it from the corpus now.",
                    str(exc).removesuffix(REBUILD_HINT).strip(),
                )
                report = self.index(rebuild=True, progress=progress)
            except IndexReadOnlyError as exc:
                log.warning("%s Answering from it as it is.", exc)
                if not self.store.sources():
                    raise
                return
        # Whoever calls index() gets the report; here nobody else would say it.
        for skipped in report.skipped:
            log.warning("Skipped %s", skipped.reason)
        if report.changed:
            log.info("Index updated: %s", report.summary())

    # --- asking -------------------------------------------------------------------------

    def answer(
        self,
        question: str,
        history: HistoryInput = None,
        *,
        top_k: int | None = None,
        backend: str | None = None,
        viewer: Viewer = EVERYONE,
    ) -> Answer:
        """Answer one question; ``history`` holds earlier turns for follow-ups."""
        final: Answer | None = None
        for final in self.stream(  # noqa: B007
            question, history, top_k=top_k, backend=backend, viewer=viewer
        ):
            pass
        assert final is not None
        return final

    def stream(
        self,
        question: str,
        history: HistoryInput = None,
        *,
        top_k: int | None = None,
        backend: str | None = None,
        viewer: Viewer = EVERYONE,
    ) -> Iterator[Answer]:
        """Yield growing :class:`Answer` snapshots; the last has ``complete=True``.

        Each snapshot is a whole answer so far (text and the citations its
        markers refer to), not a delta, so a UI can simply redraw it. ``top_k``
        overrides how many passages are retrieved for this question, ``backend``
        which backend writes the answer, ``viewer`` whose documents it may quote.
        """
        state = QuestionState(
            question=self.validate_question(question),
            history=turns_of(history, self.settings.max_history_turns),
            top_k=checked_top_k(top_k),
            backend=backend or self.backend,
            viewer=viewer,
        )
        self.answerer(state.backend)  # an unknown or uninstalled backend fails before any work
        self.ensure_index()
        started = time.perf_counter()
        timings: dict[str, float] = {}
        first_text: float | None = None
        for snapshot in timing.timed_iteration(self._answers(state), timings):
            now = time.perf_counter() - started
            if first_text is None and (snapshot.text or snapshot.pending):
                first_text = now
            stamp = {**timings, "total": now}
            if first_text is not None:
                stamp["ttft"] = first_text
            yield replace(snapshot, timings=stamp)

    def _answers(self, state: QuestionState) -> Iterator[Answer]:
        """The chain's snapshots; asked once more if the index was replaced before any came."""
        try:
            yield from self.chain.stream(state)
        except IndexChangedError:
            yield from self.chain.stream(state)

    def validate_question(self, question: str) -> str:
        """The question without control characters, or a :class:`QuestionError`."""
        return checked_question(question, self.settings.max_question_chars)

    def _build_chain(self) -> Runnable[QuestionState, Answer]:
        """The chain, from components built with what they need (no step calls back here)."""
        s = self.settings
        answerers = self.answerers
        classify = Classify(self.requests, self.statistics)
        vectors = self.store.unit_vectors
        judge = Judge(self.decision, Boilerplate(vectors))
        search = build_search(
            Rewrite(self.statistics, answerers.chat_model if s.llm_rewrite else None),
            Read(self.statistics),
            Retrieve(self.retriever),
        )
        return build_chain(
            classify,
            search | judge,
            lambda state: answerers.answerer(state.backend),
            overview=OverviewAnswerer(vectors, max_sentences=s.summary_max_sentences),
            continuation=ContinuationAnswerer(
                search, judge, classify.request_of, vectors, self.extractive
            ),
        )

    # --- documents ----------------------------------------------------------------------

    def add_documents(
        self,
        files: Sequence[tuple[str, str | Path]],
        *,
        progress: Progress | None = None,
        viewer: Viewer = EVERYONE,
    ) -> tuple[UploadResult, SyncReport | None]:
        """Copy user files into the corpus (checked, under safe names) and index them.

        ``files`` holds ``(original name, path)`` pairs. Rejected files are
        reported in the result and never reach the corpus or the index. A
        signed-in user's files stay theirs (see :class:`Viewer`). The report is
        None when nothing was stored, or when the ingestion worker indexes them.
        """
        return self.library.add(files, viewer=viewer, progress=progress)

    def remove_document(
        self, source: str, *, progress: Progress | None = None, viewer: Viewer = EVERYONE
    ) -> SyncReport | None:
        """Remove an upload ``viewer`` may remove, from the corpus and the index."""
        return self.library.remove(source, viewer=viewer, progress=progress)

    def document_text(self, source: str, viewer: Viewer = EVERYONE) -> str:
        """The text a citation's ``start``/``end`` offsets index, for ``source``."""
        return self.library.text(source, viewer)

    def status(self, backend: str | None = None, viewer: Viewer = EVERYONE) -> dict[str, Any]:
        """What is answering and what ``viewer`` may ask about: for status lines and checks."""
        name = backend or self.backend
        sources = self.library.sources(viewer)
        model = self.chat_model(name)
        return {
            "backend": name,
            "model": getattr(model, "model_name", None) if model is not None else None,
            "embedding_model": self.embeddings.name,
            "index": self.store.location,
            "documents": len(sources),
            "chunks": sum(sources.values()),
        }


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
