"""The entailment model: trained by its command, exported to ONNX, read by the check."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assistant.answerers.entailment import EntailmentModel, shipped_folder
from assistant.asking.reader_model import WEIGHTS
from assistant.asking.reader_text import unit_text

PREMISE = unit_text(
    "The COO is primarily responsible for overseeing the overall operations of the company.",
    title="Operations Manager vs COO",
)
SHIPPED = (shipped_folder() / WEIGHTS).exists()


@pytest.fixture(scope="module")
def smoke_entailment(tmp_path_factory):
    """A model trained for a few steps by the real command: its folder."""
    from assistant.cli import cli

    work = tmp_path_factory.mktemp("entailment")
    out = work / "model"
    result = CliRunner().invoke(
        cli, ["train-entailment", "--smoke", "32", "--work", str(work / "work"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


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


@pytest.mark.skipif(not SHIPPED, reason="the entailment model's weights are not shipped")
@pytest.mark.parametrize(
    ("claim", "entailed"),
    [
        ("The COO oversees the company's overall operations.", True),
        ("The COO rarely oversees the operations of the company.", False),
        ("The operations manager is responsible for the company's finances.", False),
    ],
)
def test_the_shipped_model_tells_a_paraphrase_from_a_changed_claim(tmp_path, claim, entailed):
    from assistant.settings import Settings

    model = EntailmentModel(tmp_path)
    probability = float(model.probabilities(claim, [PREMISE])[0])
    assert (probability >= Settings().entailment_threshold) == entailed
