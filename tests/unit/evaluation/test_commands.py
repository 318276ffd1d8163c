"""The evaluation's commands: defaults that point where the package reads."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from assistant.asking.scorer import MODEL_FILE
from assistant.evaluation.commands import shipped_scorer


def test_train_writes_by_default_the_scorer_the_package_loads():
    loaded = Path(str(resources.files("assistant.model").joinpath(MODEL_FILE)))
    assert shipped_scorer() == loaded.resolve()
    assert shipped_scorer().is_file()


def test_the_reader_and_request_commands_are_there():
    from assistant.cli import cli

    assert {"train-reader", "eval-reader", "train-requests", "eval-requests"} <= set(cli.commands)
