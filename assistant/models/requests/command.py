"""``assistant train-requests``: fit the request classifier.

Light to import: the training itself loads only when the command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from assistant.display.console import user_errors


@click.command("train-requests")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the classifier (default: assistant/models/requests/shipped/).",
)
@click.option(
    "--report",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/evaluation"),
    show_default=True,
    help="Folder for requests.md and requests.json.",
)
@user_errors
def train_requests_command(out: Path | None, report: Path) -> None:
    """Fit the request classifier (question, summary, outline, documents, greeting, or a move).

    About a minute on 2 cores. Prints its figures on phrasings it never saw.
    """
    from assistant.evaluation.evaluator import require_extra
    from assistant.models.files import shipped_file
    from assistant.models.requests.classifier import MODEL_FILE
    from assistant.models.requests.training import train_requests

    require_extra()
    target = out or shipped_file(__package__ or "", MODEL_FILE)
    run = train_requests(target, report)
    click.echo(run.table())
    click.echo(f"\nWrote {target} and {report}/requests.md in {run.seconds:.0f} s")


COMMANDS = [train_requests_command]
"""What this model adds to the ``assistant`` command line."""
