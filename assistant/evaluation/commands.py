"""The evaluation's commands: ``assistant eval``, ``eval-requests`` and ``verify-bench``.

Light to import: the evaluation itself loads only when a command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from assistant.answerers.backends import backend_names
from assistant.display.console import user_errors
from assistant.evaluation.sets import LARGE_SETS, SETS


@click.command("eval")
@click.option(
    "--set",
    "sets",
    multiple=True,
    type=click.Choice([*SETS, *LARGE_SETS]),
    help=(
        "Question sets to run (default: all but squad-v2-heldout and policyqa; squad is the "
        "bundled SQuAD articles, or --squad)."
    ),
)
@click.option(
    "--squad",
    "squad_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Another SQuAD-format JSON file (v1.1 or v2.0) for the squad set.",
)
@click.option("--squad-title", help="Which article of the SQuAD file (default: the first).")
@click.option(
    "--limit", type=click.IntRange(min=1), help="First N answerable and N other questions."
)
@click.option(
    "--generative-limit",
    type=click.IntRange(min=1),
    default=40,
    show_default=True,
    help="Generative backends answer the first N answerable and N other questions of a set.",
)
@click.option("--no-baseline", is_flag=True, help="Skip the plain LangChain recipe.")
@click.option(
    "--ablation",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A scorer fitted without the reader (train --no-reader): a column of its own.",
)
@click.option(
    "--eval-only",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of the evaluation-only data (PolicyQA, WikiQA), never in the repository.",
)
@click.option(
    "--backend",
    "backends",
    multiple=True,
    type=click.Choice(backend_names()),
    help="Backends to compare, each its own column (default: extractive).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/evaluation"),
    show_default=True,
    help="Folder for evaluation.md, evaluation.json and evaluation.png.",
)
@user_errors
def eval_command(
    *,
    sets: tuple[str, ...],
    squad_path: Path | None,
    squad_title: str | None,
    limit: int | None,
    generative_limit: int,
    no_baseline: bool,
    ablation: Path | None,
    eval_only: Path | None,
    backends: tuple[str, ...],
    out: Path,
) -> None:
    """Measure answer quality on question sets, beside the plain LangChain recipe.

    Prints a table (retrieval hit@1/hit@3/MRR, citation support precision and
    evidence recall, key-fact recall, SQuAD containment and F1, refusal rates,
    latency) and writes it with the per-question results and a chart to --out.
    """
    from assistant.evaluation.evaluator import evaluate

    report = evaluate(
        list(sets) or list(SETS),
        squad_path=squad_path,
        squad_title=squad_title,
        baseline=not no_baseline,
        backends=list(backends) or ["extractive"],
        limit=limit,
        generative_limit=generative_limit,
        ablation=ablation,
        eval_only=eval_only,
    )
    click.echo(report.tables())
    paths = report.save(out)
    click.echo("\nWrote " + ", ".join(str(p) for p in paths.values()))


@click.command("eval-requests")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/evaluation"),
    show_default=True,
    help="Folder for whole-document.md and whole-document.json.",
)
@user_errors
def eval_requests_command(out: Path) -> None:
    """Measure summaries, outlines, the document list and conversation moves.

    Asks the unseen phrasings and conversations (never used to fit) of the article,
    and every question of the article sets, which must stay questions.
    """
    from assistant.evaluation.conversations import evaluate_requests

    report = evaluate_requests()
    click.echo(report.table())
    click.echo("\nWrote " + ", ".join(str(p) for p in report.save(out)))


@click.command("verify-bench")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs/evaluation"),
    show_default=True,
    help="Folder for verifier.md and verifier.json.",
)
@click.option(
    "--eval-only",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding the ANLI and SICK files (evaluation-only data, not in the repository).",
)
@user_errors
def verify_bench_command(out: Path, eval_only: Path | None) -> None:
    """Score the check of generated sentences on the adversarial verifier benchmark.

    Mutations of the article's sentences (roles swapped, comparisons flipped,
    negations, foreign names and numbers, wrong attributes) and of SQuAD
    sentences (names swapped) must be rejected; faithful paraphrases kept. The
    entailment model (when its weights are in place), the structural check and
    the similarity-only one, side by side; with --eval-only, ANLI and SICK too.
    """
    from assistant.evaluation.verifier_bench import run_benchmark

    result = run_benchmark(eval_only=eval_only)
    click.echo(result.table())
    if result.nli:
        click.echo("\n" + result.nli_table())
    click.echo("\nWrote " + ", ".join(str(p) for p in result.save(out)))


COMMANDS = [eval_command, eval_requests_command, verify_bench_command]
"""What the evaluation adds to the ``assistant`` command line."""
