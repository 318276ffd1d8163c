"""The chain is classify → rewrite → read → retrieve → scope → answer (or the overview, or
the continuation), and each step can be swapped for any callable from state to state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.asking.decision import Verdict
from assistant.asking.state import QuestionState
from assistant.chain import build_chain, build_steps
from assistant.models.requests.classifier import Request
from assistant.response import Answer
from tests.support import question_state

TEXT = (
    "# Roles\n\n## The COO\n\nThe COO runs operations at a strategic level. "
    "The COO reports to the CEO.\n\nDuties of a COO include:\n\n- Setting strategy\n"
    "- Monitoring indicators\n"
)


@pytest.fixture
def prepared() -> QuestionState:
    return question_state(TEXT, "What are the duties of a COO?", answerable=True)


class _Says:
    """An answerer that says its name: which branch the chain took."""

    def __init__(self, name: str) -> None:
        self.name = name

    def stream(self, state: QuestionState):
        yield Answer(question=state.question, text=self.name, refused=False)


def _chain(
    prepared: QuestionState,
    *,
    answerer=None,
    judge=None,
    rewrite=None,
    seen=None,
    request: Request | None = None,
):
    answerer = answerer or ExtractiveAnswerer(max_units=2)

    def read(state: QuestionState) -> QuestionState:
        return replace(state, normalized=prepared.normalized, statistics=prepared.statistics)

    def retrieve(state: QuestionState) -> QuestionState:
        if seen is not None:
            seen.append(state.query)
        return replace(state, retrieval=prepared.retrieval)

    def rewritten(state: QuestionState) -> QuestionState:
        return replace(state, query=(rewrite or (lambda s: s.question))(state))

    def judged(state: QuestionState) -> QuestionState:
        return replace(state, verdict=(judge or (lambda s: prepared.verdict))(state))

    steps = build_steps(rewritten, read, retrieve, judged)
    return build_chain(
        lambda state: replace(state, request=request or Request()),
        steps,
        lambda state: answerer,
        overview=_Says("overview"),
        continuation=_Says("continuation"),
    )


def test_the_extractive_answerer_cites_exact_spans_of_the_retrieved_passages(prepared):
    reply = _chain(prepared).invoke(QuestionState("What are the duties of a COO?"))
    assert isinstance(reply, Answer)
    assert not reply.refused
    assert reply.citations
    for citation in reply.citations:
        assert TEXT[citation.start : citation.end] == citation.quote
        assert f"[{citation.marker}]" in reply.text


def test_a_negative_verdict_is_a_refusal_naming_what_is_missing_with_the_closest_passage(
    prepared,
):
    assert prepared.verdict is not None
    verdict = Verdict(False, 0.1, prepared.verdict.ranked, missing=("salary",))
    reply = _chain(prepared, judge=lambda state: verdict).invoke(QuestionState("Salary?"))
    assert reply.refused
    assert reply.citations == []
    assert reply.text.endswith("It does not mention “salary”.")
    assert reply.closest is not None
    assert TEXT[reply.closest.start : reply.closest.end] == reply.closest.quote


def test_no_retrieved_passage_means_a_refusal(prepared):
    empty = replace(prepared, retrieval=replace(prepared.retrieval, passages=()))
    reply = _chain(empty, judge=lambda state: Verdict(False, 0.0)).invoke(
        QuestionState("Capital of France?")
    )
    assert reply.refused
    assert reply.text.startswith("The article does not say")


def test_any_object_with_a_stream_method_can_be_the_answerer(prepared):
    class FirstPassage:
        name = "first"

        def stream(self, state: QuestionState):
            yield Answer(question=state.question, text=state.passages[0].chunk.text, refused=False)

    reply = _chain(prepared, answerer=FirstPassage()).invoke(QuestionState("Anything"))
    assert reply.text == prepared.passages[0].chunk.text


def test_streaming_yields_growing_snapshots_ending_with_the_complete_answer(prepared):
    snapshots = list(
        _chain(prepared, answerer=ExtractiveAnswerer(max_units=3)).stream(
            QuestionState("What does the COO do?")
        )
    )
    assert [s.complete for s in snapshots] == [False] * (len(snapshots) - 1) + [True]
    counts = [len(s.citations) for s in snapshots]
    assert counts == sorted(counts)


def test_the_rewriter_output_is_what_the_retriever_sees(prepared):
    seen: list[str] = []
    chain = _chain(prepared, rewrite=lambda state: "rewritten", seen=seen)
    reply = chain.invoke(QuestionState("original", history=(("q", "a"),)))
    assert seen == ["rewritten"]
    assert reply.question == "original"


def test_the_answer_lists_the_passages_it_was_drawn_from(prepared):
    reply = _chain(prepared).invoke(QuestionState("What are the duties of a COO?"))
    assert [(p.start, p.end) for p in reply.retrieved] == [
        (p.chunk.start, p.chunk.end) for p in prepared.passages
    ]


@pytest.mark.parametrize(
    ("kind", "branch"),
    [
        ("summary", "overview"),
        ("outline", "overview"),
        ("documents", "overview"),
        ("greeting", "overview"),
        ("more", "continuation"),
        ("why", "continuation"),
        ("importance", "continuation"),
    ],
)
def test_what_the_classifier_reads_decides_the_branch(prepared, kind, branch):
    reply = _chain(prepared, request=Request(kind)).invoke(QuestionState("anything"))
    assert reply.text == branch


def test_a_question_takes_the_retrieval_branch(prepared):
    reply = _chain(prepared, request=Request("ask")).invoke(QuestionState("Duties of a COO?"))
    assert reply.citations


def test_an_unsure_summary_request_the_corpus_answers_is_answered_as_a_question(prepared):
    unsure = Request("summary", 0.6, sure=False)
    reply = _chain(prepared, request=unsure).invoke(QuestionState("Duties of a COO?"))
    assert reply.citations and reply.request == "ask"


def test_an_unsure_summary_request_the_corpus_does_not_answer_gets_the_summary(prepared):
    unsure = Request("summary", 0.6, sure=False)
    chain = _chain(prepared, request=unsure, judge=lambda state: Verdict(False, 0.1))
    assert chain.invoke(QuestionState("sum up?")).text == "overview"


def test_an_unsure_summary_request_the_corpus_answers_only_unsurely_gets_the_summary(prepared):
    unsure = Request("summary", 0.6, sure=False)
    hedged = replace(prepared.verdict, sure=False)
    chain = _chain(prepared, request=unsure, judge=lambda state: hedged)
    assert chain.invoke(QuestionState("sum up?")).text == "overview"
