"""``assistant train-reader`` and ``eval-reader``: fit the reader, measure it alone.

Light to import: the training itself loads only when the command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from assistant.display.console import user_errors
from assistant.training.options import adjusted, cross_encoder_options


@click.command("train-reader")
@cross_encoder_options("reader", "assistant/models/reader/shipped", ".reader-work")
@click.option(
    "--questions-per-article",
    type=click.IntRange(min=1),
    help="SQuAD questions drawn per training article (default 30).",
)
@user_errors
def train_reader_command(
    out: Path | None,
    work: Path,
    layers: int | None,
    questions_per_article: int | None,
    smoke: int | None,
) -> None:
    """Fine-tune the reader (a cross-encoder from the bundled MiniLM) on SQuAD and the gold set.

    About an hour on 2 CPU cores; progress with an ETA; resumes after an
    interruption. Writes only what differs from the bundled model, and its
    training record, to --out; and the fold readers `assistant train --reader`
    fits the scorer with, to --work/folds.
    """
    from dataclasses import replace

    from assistant.models.reader.training import ReaderRecipe, train_reader
    from assistant.models.reader.weights import shipped_folder
    from assistant.training.trainer import require_training

    require_training()
    recipe = adjusted(ReaderRecipe(), layers=layers, smoke=smoke)
    if questions_per_article is not None:
        recipe = replace(recipe, questions_per_article=questions_per_article)
    target = out or shipped_folder()
    run = train_reader(work, target, recipe)
    figures = ", ".join(f"{k} {v:.3f}" for k, v in sorted(run.validation.items()))
    click.echo(
        f"Trained on {run.pairs:,} pairs in {run.seconds / 60:.1f} min; "
        f"held-out articles: {figures}\nWrote {target}"
    )


@click.command("eval-reader")
@click.option(
    "--eval-only",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding WikiQA-dev.tsv.gz (evaluation-only data, not in the repository).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/evaluation"),
    show_default=True,
    help="Folder for reader.md and reader.json.",
)
@user_errors
def eval_reader_command(eval_only: Path | None, out: Path) -> None:
    """Measure the reader alone on pairs it never saw: SQuAD, QNLI, WikiQA."""
    from assistant.models.reader.evaluation import write_reader_report

    markdown, paths = write_reader_report(out, eval_only)
    click.echo(markdown)
    click.echo("\nWrote " + ", ".join(str(p) for p in paths))


COMMANDS = [train_reader_command, eval_reader_command]
"""What this model adds to the ``assistant`` command line."""
