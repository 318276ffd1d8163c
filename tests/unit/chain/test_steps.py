"""Each step of the chain is a component built with what it needs; a question reads one
snapshot of the corpus statistics."""

from __future__ import annotations

from langchain_core.runnables import Runnable

from assistant.asking.state import QuestionState
from assistant.chain import build_steps
from assistant.chain.steps import Classify, Read, Rewrite
from assistant.documents.access import EVERYONE
from assistant.models.requests.classifier import Request
from tests.support import question_state

TEXT = "# Roles\n\n## The COO\n\nThe COO runs operations at a strategic level.\n"


class _Statistics:
    """Corpus statistics that count how often a snapshot is taken."""

    def __init__(self, snapshot) -> None:
        self.snapshot = snapshot
        self.taken = 0

    def current(self, revision=None, viewer=EVERYONE):
        self.taken += 1
        return self.snapshot


class _Classifier:
    def read(self, text, history, statistics):
        return Request("ask"), ""

    def classify(self, text, corpus=None):
        return Request("more")


def _statistics() -> _Statistics:
    return _Statistics(question_state(TEXT, "What does the COO do?").statistics)


def test_every_step_is_a_langchain_runnable_named_in_traces():
    statistics = _statistics()
    for step in (Classify(_Classifier(), statistics), Rewrite(statistics, None), Read(statistics)):
        assert isinstance(step, Runnable)
        assert step.get_name() in {"Classify", "Rewrite", "Read"}


def test_a_question_takes_one_snapshot_of_the_corpus_statistics():
    statistics = _statistics()
    classify = Classify(_Classifier(), statistics)
    steps = build_steps(Rewrite(statistics, None), Read(statistics), lambda s: s, lambda s: s)
    state = steps.invoke(classify.invoke(QuestionState("and the COO?", history=(("q", "a"),))))
    assert statistics.taken == 1
    assert state.statistics is statistics.snapshot and state.normalized is not None


def test_a_state_that_did_not_pass_the_classifier_takes_its_snapshot_when_read():
    statistics = _statistics()
    state = Read(statistics).invoke(QuestionState("What does the COO do?"))
    assert statistics.taken == 1 and state.statistics is statistics.snapshot


def test_the_classifier_step_reads_a_text_against_the_snapshot_it_is_given():
    statistics = _statistics()
    request = Classify(_Classifier(), statistics).request_of("tell me more", statistics.snapshot)
    assert request.kind == "more" and statistics.taken == 0
