"""The reader's folds over the gold set: stable, balanced, and asked for by name when missing."""

from __future__ import annotations

import json

import pytest

from assistant.models.reader.training_folds import FOLDS, ReaderFoldsError, fold_folders, fold_of
from assistant.training.samples import data_files


def test_a_written_question_always_falls_in_the_same_fold():
    question = "What does a COO do?"
    assert fold_of(question) == fold_of(question) in range(FOLDS)


def test_the_gold_sets_questions_are_split_into_folds_of_similar_size():
    gold = json.loads(data_files()["article_gold.json"].read_text())
    questions = [q["question"] for q in gold["answerable"] + gold["out_of_corpus"]]
    sizes = [sum(fold_of(q) == fold for q in questions) for fold in range(FOLDS)]
    assert min(sizes) >= 0.35 * len(questions)


def test_missing_fold_readers_are_named_with_the_command_that_makes_them(tmp_path):
    with pytest.raises(ReaderFoldsError, match="train-reader --work") as raised:
        fold_folders(tmp_path)
    assert str(tmp_path / "folds" / "fold-0") in str(raised.value)


def test_the_scorer_with_the_reader_asks_for_the_fold_readers_before_any_work(tmp_path):
    from click.testing import CliRunner

    from assistant.cli import cli

    result = CliRunner().invoke(
        cli,
        ["train", "--reader", "--reader-work", str(tmp_path), "--out", str(tmp_path / "s.json")],
    )
    assert result.exit_code != 0
    assert "fold readers are missing" in result.output
    assert not (tmp_path / "s.json").exists()
