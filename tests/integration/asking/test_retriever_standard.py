"""Our retriever passes LangChain's standard retriever conformance suite."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.asking.retrieval import HybridRetriever


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _store(self, bot) -> None:
        self._chunk_store = bot.store

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"store": self._chunk_store}

    @property
    def retriever_query_example(self) -> str:
        return "What are the key responsibilities of a COO?"
