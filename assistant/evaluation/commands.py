"""The evaluation's commands: ``assistant eval``, ``train``, ``train-reader``, ``verify-bench``.

Light to import: the evaluation itself loads only when a command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from assistant.answerers.backends import backend_names
from assistant.display.console import user_errors
from assistant.evaluation import LARGE_SETS, SETS


def evaluation_commands() -> list[click.Command]:
    """The commands, for the ``assistant`` group to add."""
    return [
        eval_command,
        eval_requests_command,
        train_command,
        train_requests_command,
        train_reader_command,
        train_entailment_command,
        eval_reader_command,
        verify_bench_command,
    ]


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
    from assistant.evaluation import evaluate

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


@click.command("train-requests")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the classifier (default: the package's assistant/model/requests.json).",
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
    """Fit the request classifier (question, summary, outline, documents, or a move).

    About a minute on 2 cores. Prints its figures on phrasings it never saw.
    """
    from assistant.asking.requests import MODEL_FILE
    from assistant.evaluation import require_extra
    from assistant.evaluation.request_training import train_requests

    require_extra()
    target = out or Path(__file__).resolve().parent.parent / "model" / MODEL_FILE
    run = train_requests(target, report)
    click.echo(run.table())
    click.echo(f"\nWrote {target} and {report}/requests.md in {run.seconds:.0f} s")


@click.command("train")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the scorer (default: the package's assistant/model/scorer.json).",
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
    from assistant.asking.scorer import shipped_path
    from assistant.evaluation import require_extra
    from assistant.evaluation.training_report import train
    from assistant.settings import Settings

    require_extra()
    with_reader = Settings().reader if reader is None else reader
    target = out or shipped_path(reader=with_reader)
    result = train(target, report, reader=with_reader, reader_work=reader_work)
    click.echo(result.table())
    written = ", ".join(str(p) for p in (result.model_path, *result.report_paths))
    click.echo(f"\nWrote {written} in {result.seconds:.0f} s")


@click.command("train-reader")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the reader's weights (default: the package's assistant/model/reader).",
)
@click.option(
    "--work",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".reader-work"),
    show_default=True,
    help="Checkpoints and logs; a run started again resumes from its last checkpoint.",
)
@click.option("--layers", type=click.IntRange(1, 6), help="MiniLM layers to keep (default 3).")
@click.option(
    "--questions-per-article",
    type=click.IntRange(min=1),
    help="SQuAD questions drawn per training article (default 30).",
)
@click.option(
    "--smoke",
    type=click.IntRange(min=8),
    help="A smoke run on this many pairs (CI), written to --out.",
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

    from assistant.asking.reader_model import shipped_folder
    from assistant.evaluation import require_training
    from assistant.evaluation.reader_training import ReaderRecipe, train_reader

    require_training()
    recipe = ReaderRecipe()
    if layers is not None:
        recipe = replace(recipe, layers=layers)
    if questions_per_article is not None:
        recipe = replace(recipe, questions_per_article=questions_per_article)
    if smoke is not None:
        recipe = replace(recipe, limit_pairs=smoke, save_steps=max(1, smoke // 64))
    target = out or shipped_folder()
    run = train_reader(work, target, recipe)
    figures = ", ".join(f"{k} {v:.3f}" for k, v in sorted(run.validation.items()))
    click.echo(
        f"Trained on {run.pairs:,} pairs in {run.seconds / 60:.1f} min; "
        f"held-out articles: {figures}\nWrote {target}"
    )


@click.command("train-entailment")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the model's weights (default: the package's assistant/model/entailment).",
)
@click.option(
    "--work",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".entailment-work"),
    show_default=True,
    help="Checkpoints; a run started again resumes from its last checkpoint.",
)
@click.option("--layers", type=click.IntRange(1, 6), help="MiniLM layers to keep (default 3).")
@click.option(
    "--smoke",
    type=click.IntRange(min=8),
    help="A smoke run on this many pairs (CI), written to --out.",
)
@user_errors
def train_entailment_command(
    out: Path | None, work: Path, layers: int | None, smoke: int | None
) -> None:
    """Fine-tune the entailment model (a cross-encoder from the bundled MiniLM).

    MultiNLI, RTE and rewrites of SQuAD sentences (WordNet from Debian's
    wordnet-base); about 40 minutes on 2 CPU cores, resumable. Writes only what
    differs from the bundled model, its record and model card, to --out.
    """
    from dataclasses import replace

    from assistant.answerers.entailment import shipped_folder
    from assistant.evaluation import require_training
    from assistant.evaluation.entailment_training import EntailmentRecipe, train_entailment

    require_training()
    recipe = EntailmentRecipe()
    if layers is not None:
        recipe = replace(recipe, layers=layers)
    if smoke is not None:
        recipe = replace(recipe, limit_pairs=smoke, save_steps=max(1, smoke // 64))
    target = out or shipped_folder()
    record = train_entailment(work, target, recipe)
    figures = ", ".join(f"{k} {v:.3f}" for k, v in sorted(record["validation"].items()))
    click.echo(
        f"Trained on {record['pairs']:,} pairs in {record['seconds'] / 60:.1f} min; "
        f"held out: {figures}\nWrote {target}"
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
    from assistant.evaluation.reader_eval import write_reader_report

    markdown, paths = write_reader_report(out, eval_only)
    click.echo(markdown)
    click.echo("\nWrote " + ", ".join(str(p) for p in paths))


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
