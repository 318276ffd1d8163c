"""``assistant train``: fit the answer scorer.

Light to import: the training itself loads only when the command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from assistant.display.console import user_errors


@click.command("train")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the scorer (default: assistant/models/scorer/shipped/).",
)
@click.option(
    "--report",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/evaluation"),
    show_default=True,
    help="Folder for training.md and training.json.",
)
@click.option(
    "--reader/--no-reader",
    default=None,
    help="Fit with (or without) the reader's features (default: ASSISTANT_READER).",
)
@click.option(
    "--reader-work",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".reader-work"),
    show_default=True,
    help="train-reader's --work folder: its fold readers score the article's questions.",
)
@user_errors
def train_command(out: Path | None, report: Path, reader: bool | None, reader_work: Path) -> None:
    """Fit the answer scorer on the bundled public data, leaving one document out.

    Prints train and validation figures per held-out document and writes the
    scorer with the hash and date of the data it was fitted on. With the reader,
    the article's questions are scored by the fold readers of ``train-reader``
    (cross-fitted: never by a reader trained on them).
    """
    from assistant.evaluation.evaluator import require_extra
    from assistant.models.scorer.report import train
    from assistant.models.scorer.scorer import shipped_path
    from assistant.settings import Settings

    require_extra()
    with_reader = Settings().reader if reader is None else reader
    target = out or shipped_path(reader=with_reader)
    result = train(target, report, reader=with_reader, reader_work=reader_work)
    click.echo(result.table())
    written = ", ".join(str(p) for p in (result.model_path, *result.report_paths))
    click.echo(f"\nWrote {written} in {result.seconds:.0f} s")


COMMANDS = [train_command]
"""What this model adds to the ``assistant`` command line."""
