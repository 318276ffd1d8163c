"""The evaluation's commands: defaults that point where the package reads."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.asking.decision import Decision
from assistant.models.scorer.scorer import configured_path, shipped_path
from assistant.settings import Settings


def test_the_default_scorer_and_the_readers_scorer_both_ship():
    assert shipped_path(reader=False).name == "scorer.json"
    assert shipped_path(reader=True).name == "scorer-reader.json"
    assert shipped_path(reader=False).is_file() and shipped_path(reader=True).is_file()


def test_turning_the_reader_on_loads_the_scorer_fitted_on_its_scores():
    assert configured_path(None, reader=False) is None  # the package's default
    assert configured_path(None, reader=True) == shipped_path(reader=True)
    embeddings = SimpleNamespace(encode=lambda texts: None)
    scope = Decision.from_settings(embeddings, Settings(reader=True))
    assert scope._scorer_path == shipped_path(reader=True)


def test_a_scorer_path_that_is_set_wins_over_the_readers_default(tmp_path):
    assert configured_path(tmp_path / "mine.json", reader=True) == tmp_path / "mine.json"


def test_the_reader_and_request_commands_are_there():
    from assistant.cli import cli

    assert {"train-reader", "eval-reader", "train-requests", "eval-requests"} <= set(cli.commands)
