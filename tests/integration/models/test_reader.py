"""The reader: its ONNX export scores as the trained model does, and it reads for answers."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.models.reader.reader import Reader
from assistant.models.reader.text import unit_text
from assistant.models.reader.weights import ReaderModelError, onnx_files, read_files
from tests.support import smoke_trained

QUESTION = "What does a COO monitor?"
TEXTS = [
    unit_text(
        "Monitoring key performance indicators", leadin="Key responsibilities of a COO include:"
    ),
    unit_text("An operations manager plays a vital role in overseeing the daily operations."),
    unit_text("Collaboration between these roles is essential for driving success."),
]


@pytest.fixture(scope="module")
def smoke_reader(tmp_path_factory):
    """A reader trained for a few steps, by the real command: its folder."""
    return smoke_trained("train-reader", 48, tmp_path_factory.mktemp("smoke"))


@pytest.mark.slow
def test_a_smoke_training_writes_the_difference_its_record_and_a_model_card(smoke_reader):
    assert {"reader.safetensors", "reader.json", "training.json", "README.md"} <= {
        p.name for p in smoke_reader.iterdir()
    }
    assert "smoke run" in (smoke_reader / "README.md").read_text()


@pytest.mark.slow
def test_a_smoke_training_leaves_a_reader_per_fold_and_a_second_run_trains_nothing_again(
    smoke_reader,
):
    from assistant.models.reader.training_folds import fold_folders

    work = smoke_reader.parent / "work"
    assert all(
        read_files(folder).layers == read_files(smoke_reader).layers
        for folder in fold_folders(work)
    )
    records = sorted(work.glob("*/stage.json"))
    assert [r.parent.name for r in records] == ["all", "fold-0", "fold-1", "squad"]
    before = {r: r.stat().st_mtime_ns for r in records}
    weights = (smoke_reader / "reader.safetensors").read_bytes()
    smoke_trained("train-reader", 48, smoke_reader.parent)
    assert {r: r.stat().st_mtime_ns for r in records} == before
    assert (smoke_reader / "reader.safetensors").read_bytes() == weights


@pytest.mark.slow
def test_the_trained_reader_exports_to_onnx_and_scores_in_one_batch(smoke_reader, tmp_path):
    scores = Reader(tmp_path, folder=smoke_reader).logits(QUESTION, TEXTS)
    assert scores.shape == (3,) and np.isfinite(scores).all()


@pytest.mark.slow
def test_a_damaged_export_is_removed_and_made_again(smoke_reader, tmp_path):
    files = read_files(smoke_reader)
    _, small = onnx_files(files, tmp_path)
    small.write_bytes(b"not an onnx model")
    with pytest.raises(ReaderModelError, match="made again"):
        Reader(tmp_path, folder=smoke_reader).load()
    assert not small.exists()
    Reader(tmp_path, folder=smoke_reader).load()


@pytest.mark.slow
def test_the_gold_sets_pairs_are_read_as_the_assistant_reads_and_labelled_by_evidence(embeddings):
    import json

    from assistant.models.reader.data_article import document_pairs
    from assistant.training.samples import data_files

    pairs = [p for fold in document_pairs(embeddings, candidates=4, limit=3).values() for p in fold]
    gold = json.loads(data_files()["article_gold.json"].read_text())
    unseen = {q["question"] for q in gold["out_of_corpus"]}
    assert {p.label for p in pairs} == {0.0, 1.0}
    assert all(p.kind.startswith("document-") and "[SEP]" in p.text for p in pairs)
    assert all(p.label == 0.0 for p in pairs if p.question in unseen)
