"""The systems an evaluation compares: our assistant and the plain LangChain recipe."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from assistant.evaluation.datasets import Span
from assistant.indexing.embeddings import SentenceTransformerEmbeddings
from assistant.settings import Settings


@dataclass(frozen=True)
class SystemAnswer:
    """What a system returned for one question, reduced to what the metrics need."""

    text: str
    refused: bool
    citations: list[tuple[Span, str]] = field(default_factory=list)
    """Cited spans with their quoted text."""
    retrieved: list[Span] = field(default_factory=list)
    """Retrieved passages, best first."""
    seconds: float = 0.0
    first_token: float | None = None
    """Seconds to the first text the user saw, when the system streams."""
    fallback: bool = False
    hedged: bool = False
    """Answered as unsure: the closest passages, said to be no more than that."""


class System(Protocol):
    """Something that indexes a corpus folder and answers questions about it."""

    name: str

    def build(self, corpus_dir: Path, work_dir: Path) -> float:
        """Index ``corpus_dir``; return the seconds it took."""
        ...

    def ask(self, question: str) -> SystemAnswer:
        """Answer one question."""
        ...


class AssistantSystem:
    """Our assistant, with any settings (the backend among them)."""

    def __init__(
        self,
        embeddings: SentenceTransformerEmbeddings,
        *,
        name: str = "extractive",
        settings: Settings | None = None,
        scorer: Any = None,
        **overrides: Any,
    ) -> None:
        self.name = name
        self.embeddings = embeddings
        self.scorer = scorer
        self.settings = settings
        self.overrides = overrides
        self.bot: Any = None

    def build(self, corpus_dir: Path, work_dir: Path) -> float:
        from assistant.api import Assistant

        self.bot = Assistant(
            corpus_dir,
            work_dir / f"index-{self.name}",
            settings=self.settings,
            embeddings=self.embeddings,
            scorer=self.scorer,
            **self.overrides,
        )
        started = time.perf_counter()
        self.bot.index()
        return time.perf_counter() - started

    def ask(self, question: str) -> SystemAnswer:
        reply = self.bot.answer(question)
        return SystemAnswer(
            text=reply.text,
            # A greeting's reply answers nothing from the corpus: it declines, as a refusal does.
            refused=reply.refused or reply.request == "greeting",
            citations=[(Span(c.source, c.start, c.end), c.quote) for c in reply.citations],
            retrieved=[Span(p.source, p.start, p.end) for p in reply.retrieved],
            seconds=reply.timings.get("total", 0.0),
            first_token=reply.timings.get("ttft"),
            fallback=reply.fallback,
            hedged=reply.hedged,
        )


class LangChainRecipe:
    """The plain recipe of the LangChain RAG tutorial, as the baseline.

    ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``, the
    same embedding model, Chroma similarity search top-4. It has no answerer:
    its answer is the top passage, its citations are the four whole chunks, and
    it never refuses.
    """

    def __init__(self, embeddings: SentenceTransformerEmbeddings, *, k: int = 4) -> None:
        self.name = "baseline"
        self.embeddings = embeddings
        self.k = k
        self.retriever: Any = None

    def build(self, corpus_dir: Path, work_dir: Path) -> float:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        started = time.perf_counter()
        documents = [
            Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": path.name})
            for path in sorted(corpus_dir.iterdir())
            if path.is_file()
        ]
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=1000, chunk_overlap=200, add_start_index=True
        )
        splits = splitter.split_documents(documents)
        store = Chroma(
            collection_name=f"baseline-{uuid.uuid4().hex[:8]}",
            embedding_function=self.embeddings,
            client=chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False)),
        )
        store.add_documents(splits)
        self.retriever = store.as_retriever(search_kwargs={"k": self.k})
        return time.perf_counter() - started

    def ask(self, question: str) -> SystemAnswer:
        started = time.perf_counter()
        documents = self.retriever.invoke(question)
        seconds = time.perf_counter() - started
        spans = [
            Span(
                d.metadata["source"],
                d.metadata["start_index"],
                d.metadata["start_index"] + len(d.page_content),
            )
            for d in documents
        ]
        return SystemAnswer(
            text=documents[0].page_content if documents else "",
            refused=not documents,
            citations=[(s, d.page_content) for s, d in zip(spans, documents, strict=True)],
            retrieved=spans,
            seconds=seconds,
        )
