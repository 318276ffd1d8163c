"""What every cross-encoder's training command takes: --out, --work, --layers, --smoke."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")


def cross_encoder_options(model: str, shipped: str, work: str) -> Callable[[F], F]:
    """The options of ``assistant train-<model>``: its ``shipped`` folder is the default
    --out, ``work`` the default --work."""

    def decorate(command: F) -> F:
        command = click.option(
            "--smoke",
            type=click.IntRange(min=8),
            help="A smoke run on this many pairs (CI), written to --out.",
        )(command)
        command = click.option(
            "--layers", type=click.IntRange(1, 6), help="MiniLM layers to keep (default 3)."
        )(command)
        command = click.option(
            "--work",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path(work),
            show_default=True,
            help="Checkpoints and logs; a run started again resumes from its last checkpoint.",
        )(command)
        return click.option(
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help=f"Folder for the {model}'s weights (default: the package's {shipped}).",
        )(command)

    return decorate


def adjusted(recipe: R, *, layers: int | None, smoke: int | None) -> R:
    """``recipe`` with the command line's --layers, and a smoke run's size and checkpoints."""
    if layers is not None:
        recipe = replace(recipe, layers=layers)  # type: ignore[type-var]
    if smoke is not None:
        recipe = replace(recipe, limit_pairs=smoke, save_steps=max(1, smoke // 64))  # type: ignore[type-var]
    return recipe
