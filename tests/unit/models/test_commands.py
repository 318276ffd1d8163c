"""Each trained model's command lives in its folder and the CLI finds it there."""

from __future__ import annotations

from assistant.cli import cli
from assistant.models import model_commands


def test_every_model_folder_with_a_command_adds_it():
    names = {command.name for command in model_commands()}
    assert names == {"train", "train-requests", "train-reader", "eval-reader", "train-entailment"}


def test_the_cli_offers_every_models_command():
    assert {command.name for command in model_commands()} <= set(cli.commands)
