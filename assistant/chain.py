"""The retrieval chain, composed from LangChain runnables.

``{"question", "history"}`` → standalone ``query`` → retrieved ``documents`` →
an answerer that streams :class:`~assistant.response.Answer` snapshots. Each
step is a parameter: any retriever, rewriter or answerer with the same input
and output fits.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnablePassthrough

from assistant.response import Answer

Rewriter = Runnable[dict[str, Any], str]
"""Takes ``{"question", "history"}`` and returns the standalone question."""


def build_chain(
    retriever: BaseRetriever,
    answerer: Runnable[dict[str, Any], Answer],
    rewriter: Rewriter,
) -> Runnable[dict[str, Any], Answer]:
    """Compose rewrite → retrieve → answer."""
    return (
        RunnablePassthrough.assign(query=rewriter)
        | RunnablePassthrough.assign(documents=itemgetter("query") | retriever)
        | answerer
    ).with_config(run_name="ArticleAssistant")
