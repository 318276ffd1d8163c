"""Splitting streamed text into claims and checking each against the passages."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answerers.verify import (
    SentenceVerifier,
    claims,
    clean_sentence,
    complete_sentences,
)
from assistant.asking.candidates import candidates_of
from assistant.asking.retrieval import Passage
from assistant.documents.chunking import chunk_document
from assistant.documents.formats import parse_document
from tests.support import WordHashEmbeddings

TEXT = (
    "# Roles\n\n## The COO\n\nThe COO oversees the overall operations of the company.\n\n"
    "Duties of a COO include:\n\n- Monitoring key performance indicators\n- Setting strategy\n"
)


@pytest.fixture
def verifier() -> SentenceVerifier:
    doc = parse_document(TEXT.encode(), source="roles.md", kind="markdown")
    chunks = chunk_document(doc, count_tokens=lambda t: len(t.split()), max_tokens=200)
    candidates = candidates_of([Passage(c, similarity=0.0, fused_score=0.0) for c in chunks])
    embeddings = WordHashEmbeddings()
    vectors = np.asarray(embeddings.embed_documents([c.scoring_text for c in candidates]))
    return SentenceVerifier(
        embeddings, candidates, vectors, min_similarity=0.4, min_overlap=0.6, structure=False
    )


def test_a_sentence_is_finished_once_the_next_one_starts():
    done, rest = complete_sentences("The COO leads. The manager", final=False)
    assert done == ["The COO leads."]
    assert rest == "The manager"


def test_the_end_of_the_stream_finishes_the_last_sentence():
    done, rest = complete_sentences("The COO leads. The manager runs", final=True)
    assert done == ["The COO leads.", "The manager runs"]
    assert rest == ""


def test_line_breaks_end_sentences():
    done, _ = complete_sentences("Duties include:\n- Setting strategy\n- More", final=False)
    assert done == ["Duties include:", "- Setting strategy"]


def test_the_models_own_markers_and_bullets_are_removed():
    assert clean_sentence("- The COO leads [2][3].") == "The COO leads."
    assert clean_sentence("1. Setting strategy [1, 2]") == "Setting strategy"


def test_an_inline_dash_list_is_several_claims():
    assert claims("Monitoring indicators - setting strategy - hiring [1]") == [
        "Monitoring indicators",
        "setting strategy",
        "hiring",
    ]
    assert claims("Day-to-day work matters.") == ["Day-to-day work matters."]


def test_a_sentence_restating_a_passage_is_supported(verifier):
    check = verifier.check("The COO oversees the overall operations of the company.")
    assert check.kept
    assert check.support.candidate.text.startswith("The COO oversees")


def test_a_sentence_that_adds_its_own_facts_is_not_supported(verifier):
    check = verifier.check("The COO earns a large salary and owns shares in the company.")
    assert not check.kept
    assert check.reasons == ("no passage says anything close to it",)


def test_a_list_item_is_found_with_its_lead_in(verifier):
    check = verifier.check("A COO monitors key performance indicators.")
    assert check.kept
    assert check.support.candidate.unit.kind == "item"


def _entailing(verifier: SentenceVerifier, probability: float) -> tuple[SentenceVerifier, list]:
    """The verifier with a stand-in entailment model; the premises it was shown."""
    shown: list = []

    def entails(claim: str, premises: list[str]) -> np.ndarray:
        shown.extend(premises)
        return np.full(len(premises), probability)

    verifier.entails, verifier.min_entailment = entails, 0.5
    return verifier, shown


def test_with_an_entailment_model_an_entailed_claim_is_kept_with_its_probability(verifier):
    verifier, _ = _entailing(verifier, 0.9)
    check = verifier.check("The COO runs the company's operations.")
    assert check.kept and check.entailment == pytest.approx(0.9)


def test_with_an_entailment_model_a_claim_no_unit_entails_is_dropped_saying_why(verifier):
    verifier, _ = _entailing(verifier, 0.2)
    check = verifier.check("The COO oversees the overall operations of the company.")
    assert not check.kept
    assert check.reasons == ("no passage says it",)


def test_the_entailment_model_reads_units_with_their_setting_and_the_nearest_together(verifier):
    verifier, shown = _entailing(verifier, 0.9)
    verifier.check("The COO monitors key performance indicators and sets strategy.")
    assert any("Duties of a COO include:" in p for p in shown)  # an item with its lead-in
    assert any("Monitoring key performance indicators Setting strategy" in p for p in shown)
