"""The retrieval chain, composed from LangChain runnables.

``{"question", "history"}`` → standalone ``query`` → retrieved ``documents`` →
an optional ``coverage`` verdict → an answerer that streams
:class:`~assistant.response.Answer` snapshots. Each step is a parameter: any
retriever, rewriter, checker or answerer with the same input and output fits.
"""

from __future__ import annotations

from typing import Any

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.response import Answer

Rewriter = Runnable[dict[str, Any], str]
"""Takes ``{"question", "history"}`` and returns the standalone question."""


Checker = Runnable[dict[str, Any], Any]
"""Takes ``{"query", "documents"}`` and returns a :class:`~assistant.coverage.Coverage`."""


def build_chain(
    retriever: BaseRetriever,
    answerer: Runnable[dict[str, Any], Answer],
    rewriter: Rewriter,
    coverage: Checker | None = None,
) -> Runnable[dict[str, Any], Answer]:
    """Compose rewrite → retrieve → (coverage check) → answer."""

    def retrieve(inputs: dict[str, Any]) -> list[Document]:
        # A per-question passage count is passed on only when asked for, so any
        # retriever works; ours (like most) takes ``k``.
        extra = {"k": inputs["top_k"]} if inputs.get("top_k") else {}
        return retriever.invoke(inputs["query"], **extra)

    chain = RunnablePassthrough.assign(query=rewriter) | RunnablePassthrough.assign(
        documents=RunnableLambda(retrieve, name="Retrieve")
    )
    if coverage is not None:
        chain = chain | RunnablePassthrough.assign(coverage=coverage)
    return (chain | answerer).with_config(run_name="ArticleAssistant")
