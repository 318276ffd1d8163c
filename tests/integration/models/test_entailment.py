"""The entailment model: trained by its command, exported to ONNX, read by the check."""

from __future__ import annotations

import pytest

from assistant.models.entailment.entailment import EntailmentModel
from assistant.models.reader.text import unit_text
from assistant.models.reader.weights import WEIGHTS
from tests.support import smoke_trained

PREMISE = unit_text(
    "The COO is primarily responsible for overseeing the overall operations of the company.",
    title="Operations Manager vs COO",
)


@pytest.fixture(scope="module")
def smoke_entailment(tmp_path_factory):
    """A model trained for a few steps by the real command: its folder."""
    return smoke_trained("train-entailment", 32, tmp_path_factory.mktemp("entailment"))


@pytest.mark.slow
def test_a_smoke_training_writes_the_difference_its_record_and_a_model_card(smoke_entailment):
    assert {p.name for p in smoke_entailment.iterdir()} >= {
        WEIGHTS,
        "reader.json",
        "training.json",
        "README.md",
    }
    assert "smoke run" in (smoke_entailment / "README.md").read_text()


@pytest.mark.slow
def test_the_model_gives_a_probability_for_each_premise_in_one_batch(smoke_entailment, tmp_path):
    model = EntailmentModel(tmp_path, folder=smoke_entailment)
    probabilities = model.probabilities("The COO oversees operations.", [PREMISE, PREMISE])
    assert probabilities.shape == (2,)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    assert probabilities[0] == pytest.approx(probabilities[1])


def test_turning_entailment_on_without_a_trained_model_says_what_to_do(tmp_path):
    from assistant.errors import BackendNotInstalledError

    with pytest.raises(BackendNotInstalledError, match="assistant train-entailment"):
        EntailmentModel(tmp_path, folder=tmp_path / "nothing-here")


@pytest.mark.slow
def test_the_check_of_generated_sentences_reads_a_trained_model(smoke_entailment, tmp_path):
    import numpy as np

    from assistant.answerers.verify import SentenceVerifier
    from assistant.asking.candidates import candidates_of
    from assistant.asking.retrieval import Passage
    from assistant.documents.chunking import chunk_document
    from assistant.documents.formats import parse_document
    from tests.support import WordHashEmbeddings

    text = "# The COO\n\nThe COO oversees the overall operations of the company.\n"
    doc = parse_document(text.encode(), source="coo.md", kind="markdown")
    chunks = chunk_document(doc, count_tokens=lambda t: len(t.split()), max_tokens=200)
    candidates = candidates_of([Passage(c, similarity=0.0, fused_score=0.0) for c in chunks])
    embeddings = WordHashEmbeddings()
    vectors = np.asarray(embeddings.embed_documents([c.scoring_text for c in candidates]))
    model = EntailmentModel(tmp_path, folder=smoke_entailment)
    verifier = SentenceVerifier(
        embeddings,
        candidates,
        vectors,
        min_similarity=0.0,
        min_overlap=0.0,
        structure=False,
        entails=model.probabilities,
        min_entailment=0.5,
    )
    check = verifier.check("The COO runs the company's operations.")
    assert check.entailment is not None and 0.0 < check.entailment < 1.0
    assert check.kept == (check.entailment >= 0.5)


@pytest.mark.slow
def test_yes_no_answers_read_a_trained_model(smoke_entailment, tmp_path):
    from assistant.answerers.polar import PolarAnswers

    model = EntailmentModel(tmp_path, folder=smoke_entailment)
    polar = PolarAnswers(model.probabilities, threshold=0.5)
    assert polar.verdict("Does the COO oversee operations?", PREMISE) in ("Yes", "No", None)
    assert polar.verdict("What does the COO oversee?", PREMISE) is None
