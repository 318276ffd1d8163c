"""``assistant train-entailment``: fit the entailment model.

Light to import: the training itself loads only when the command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from assistant.display.console import user_errors
from assistant.training.options import adjusted, cross_encoder_options


@click.command("train-entailment")
@cross_encoder_options("model", "assistant/models/entailment/shipped", ".entailment-work")
@user_errors
def train_entailment_command(
    out: Path | None, work: Path, layers: int | None, smoke: int | None
) -> None:
    """Fine-tune the entailment model (a cross-encoder from the bundled MiniLM).

    MultiNLI, RTE and rewrites of SQuAD sentences (WordNet from Debian's
    wordnet-base); about 40 minutes on 2 CPU cores, resumable. Writes only what
    differs from the bundled model, its record and model card, to --out.
    """
    from assistant.models.entailment.entailment import shipped_folder
    from assistant.models.entailment.training import EntailmentRecipe, train_entailment
    from assistant.training.trainer import require_training

    require_training()
    recipe = adjusted(EntailmentRecipe(), layers=layers, smoke=smoke)
    target = out or shipped_folder()
    record = train_entailment(work, target, recipe)
    figures = ", ".join(f"{k} {v:.3f}" for k, v in sorted(record["validation"].items()))
    click.echo(
        f"Trained on {record['pairs']:,} pairs in {record['seconds'] / 60:.1f} min; "
        f"held out: {figures}\nWrote {target}"
    )


COMMANDS = [train_entailment_command]
"""What this model adds to the ``assistant`` command line."""
