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
from assistant.asking.decision import Verdict
from assistant.response import Answer
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
        check_claims=False,  # the claim checks need spaCy: integration/answerers/test_claims.py
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


def _failed(generator: GroundedGenerator, documents) -> Answer:
    """The final answer of a generation that failed: quotes, with a notice saying why."""
    _, answer = _answer(generator, documents)
    assert answer.fallback and answer.citations
    assert answer.notice
    return answer


def test_an_unreachable_endpoint_gives_quotes_and_says_so(documents):
    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    generator = _generator(httpx.ConnectError("refused", request=request))
    assert "Cannot reach the fake endpoint" in _failed(generator, documents).notice


def test_a_timeout_gives_quotes_and_says_so(documents):
    generator = _generator(httpx.ReadTimeout("slow"))
    assert "did not answer in time" in _failed(generator, documents).notice


def test_any_other_model_failure_gives_quotes_and_names_it(documents):
    generator = _generator(RuntimeError("boom"))
    assert _failed(generator, documents).notice == "The fake model failed: RuntimeError: boom"


def _status_error(status: int, body: str):
    import openai

    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    response = httpx.Response(status, request=request, text=body)
    return openai.APIStatusError(body, response=response, body=None)


def test_a_rejected_key_is_reported_as_such_without_the_key(documents):
    error = _status_error(401, "Incorrect API key provided: sk-live-0123456789abcdef")
    notice = _failed(_generator(error), documents).notice
    assert "rejected the API key (HTTP 401)" in notice
    assert "0123456789abcdef" not in notice


def test_any_other_refusal_names_its_status_without_the_body(documents):
    error = _status_error(429, "Rate limit for key sk-live-0123456789abcdef")
    notice = _failed(_generator(error), documents).notice
    assert "HTTP 429" in notice
    assert "0123456789abcdef" not in notice


def test_a_failure_that_quotes_a_key_is_reported_without_it(documents):
    generator = _generator(RuntimeError("proxy said: bad key sk-live-0123456789abcdef"))
    notice = _failed(generator, documents).notice
    assert "0123456789abcdef" not in notice
    assert "RuntimeError" in notice


def test_a_model_that_returns_nothing_gives_quotes_and_says_so(documents):
    assert "returned no text" in _failed(_generator(""), documents).notice
