"""The generative answerer keeps only what the passages support (fake chat models)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.generative import UNSUPPORTED_FLAG, GroundedGenerator
from assistant.errors import BackendError, EndpointError
from assistant.scope import Verdict
from tests.support import WordHashEmbeddings, question_state

TEXT = (
    "# Roles\n\n## The COO\n\nThe COO oversees the overall operations of the company.\n\n"
    "Duties of a COO include:\n\n- Monitoring key performance indicators\n- Setting strategy\n"
)


@pytest.fixture
def documents():
    return question_state(TEXT, "What does the COO do?", answerable=True)


def _generator(reply: str | Exception, **options: Any) -> GroundedGenerator:
    embeddings = WordHashEmbeddings()
    if isinstance(reply, Exception):
        model = _Failing(error=reply)
    else:
        model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    return GroundedGenerator(
        model,
        embeddings,
        ExtractiveAnswerer(),
        name="fake",
        min_similarity=0.4,
        min_overlap=0.6,
        **options,
    )


class _Failing(GenericFakeChatModel):
    """A chat model whose every call fails with ``error``."""

    error: Exception
    messages: Any = iter(())

    def _stream(self, *args: Any, **kwargs: Any):
        raise self.error

    def _generate(self, *args: Any, **kwargs: Any):
        raise self.error


def _answer(generator: GroundedGenerator, state, verdict: Verdict | None = None):
    if verdict is not None:
        state = replace(state, verdict=verdict)
    snapshots = list(generator.stream(state))
    return snapshots, snapshots[-1]


def test_supported_sentences_are_kept_with_markers_for_their_exact_spans(documents):
    _, answer = _answer(
        _generator("The COO oversees the overall operations of the company [7]."), documents
    )
    assert answer.text == "The COO oversees the overall operations of the company. [1]"
    (citation,) = answer.citations
    assert TEXT[citation.start : citation.end] == citation.quote
    assert citation.quote.startswith("The COO oversees")
    assert not answer.fallback


def test_a_sentence_the_passages_do_not_support_is_removed(documents):
    _, answer = _answer(
        _generator(
            "The COO oversees the overall operations of the company. "
            "The COO also earns a large bonus every year in Paris."
        ),
        documents,
    )
    assert "bonus" not in answer.text
    assert answer.text.endswith("[1]")


def test_in_debug_mode_unsupported_sentences_are_flagged_not_removed(documents):
    _, answer = _answer(
        _generator(
            "The COO oversees the overall operations of the company. "
            "The COO also earns a large bonus every year in Paris.",
            show_unsupported=True,
        ),
        documents,
    )
    assert (
        f"The COO also earns a large bonus every year in Paris. [{UNSUPPORTED_FLAG}]" in answer.text
    )


def test_when_nothing_is_supported_the_extractive_answer_stands_in(documents):
    _, answer = _answer(_generator("Bananas are yellow and grow in warm places."), documents)
    assert answer.fallback
    assert answer.citations
    assert "Bananas" not in answer.text


def test_no_passages_means_a_refusal_without_calling_the_model(documents):
    generator = _generator(AssertionError("the model must not be called"))
    empty = replace(documents, retrieval=replace(documents.retrieval, passages=()))
    _, answer = _answer(generator, empty)
    assert answer.refused
    assert answer.text.startswith("The article does not say")


def test_an_uncovered_question_is_refused_without_calling_the_model(documents):
    generator = _generator(AssertionError("the model must not be called"))
    verdict = Verdict(answerable=False, probability=0.1, missing=("salary",))
    _, answer = _answer(generator, documents, verdict)
    assert answer.refused
    assert answer.text.endswith("It does not mention “salary”.")


def test_tokens_stream_as_pending_text_before_they_are_checked(documents):
    snapshots, answer = _answer(
        _generator("The COO oversees the overall operations of the company."), documents
    )
    assert any(s.pending and not s.text for s in snapshots)
    assert answer.complete
    assert answer.pending == ""


def test_a_lead_in_is_kept_only_with_a_supported_item(documents):
    _, answer = _answer(
        _generator("Duties of a COO include:\n- Monitoring key performance indicators"), documents
    )
    assert answer.text.startswith("Duties of a COO include:")
    assert "- Monitoring key performance indicators" in answer.text
    _, dangling = _answer(
        _generator("Duties of a COO include:\n- Juggling flaming torches on weekends"), documents
    )
    assert "Duties of a COO include:" not in dangling.text or dangling.fallback


def test_an_unreachable_endpoint_is_an_endpoint_error(documents):
    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    generator = _generator(httpx.ConnectError("refused", request=request))
    with pytest.raises(EndpointError, match="Cannot reach the fake endpoint"):
        _answer(generator, documents)


def test_a_timeout_is_an_endpoint_error_that_says_so(documents):
    generator = _generator(httpx.ReadTimeout("slow"))
    with pytest.raises(EndpointError, match="did not answer in time"):
        _answer(generator, documents)


def test_any_other_model_failure_is_a_backend_error(documents):
    generator = _generator(RuntimeError("boom"))
    with pytest.raises(BackendError, match="The fake model failed: RuntimeError: boom"):
        _answer(generator, documents)


def test_a_model_that_returns_nothing_is_an_endpoint_error(documents):
    with pytest.raises(EndpointError, match="returned no text"):
        _answer(_generator(""), documents)
