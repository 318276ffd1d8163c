"""Command line: ``assistant index | ask | chat | serve | eval``.

A thin layer over :class:`assistant.Assistant`; errors meant for users are
printed as one line and exit with status 1 (usage errors exit with 2).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.backends import backend_names
from assistant.errors import AssistantError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 1
CHAT_HELP = """\
/sources  the passages the last answer quotes
/reset    start over
/quit     leave (or Ctrl-D)"""


def _fail(message: str) -> None:
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(EXIT_ERROR)


def _user_errors(func: F) -> F:
    """Show an :class:`AssistantError` as a one-line message, not a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AssistantError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _corpus_options(func: F) -> F:
    func = click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Index folder (default: ./index, or ASSISTANT_INDEX_DIR).",
    )(func)
    return click.option(
        "--corpus",
        "corpus_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of .md/.txt/.html documents (default: ./corpus, or ASSISTANT_CORPUS_DIR).",
    )(func)


def _backend_option(func: F) -> F:
    return click.option(
        "--backend",
        type=click.Choice(backend_names()),
        help="What writes the answer (default: extractive, or ASSISTANT_BACKEND).",
    )(func)


def _assistant(corpus_dir: Path | None, index_dir: Path | None, backend: str | None = None) -> Any:
    from assistant.api import Assistant

    overrides: dict[str, Any] = {"backend": backend} if backend else {}
    return Assistant(corpus_dir=corpus_dir, index_dir=index_dir, **overrides)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=(
        "Examples:\n\n"
        '  assistant ask "What does a COO do?"\n\n'
        '  assistant ask "Who has more authority?" --json\n\n'
        "  assistant index --corpus my-docs --index my-index\n\n"
        "  assistant serve --port 8080\n\n"
        "Exit codes: 0 done (a refusal is an answer), 1 an error explained on one line, "
        "2 a usage error, 130 interrupted."
    ),
)
@click.option("-v", "--verbose", is_flag=True, help="Log what the assistant is doing.")
@click.version_option(package_name="article-assistant")
def cli(verbose: bool) -> None:
    """Ask questions about an article (or your own documents) and get cited answers.

    Settings come from ASSISTANT_* environment variables (see the README); the
    options below override them for one command.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@cli.command("index")
@_corpus_options
@click.option("--rebuild", is_flag=True, help="Re-embed everything instead of updating.")
@_user_errors
def index_command(corpus_dir: Path | None, index_dir: Path | None, rebuild: bool) -> None:
    """Build the index, or update it with the corpus's new and changed files."""
    from assistant.progress import progress_bar

    bot = _assistant(corpus_dir, index_dir)
    with progress_bar("Embedding chunks") as progress:
        report = bot.index(rebuild=rebuild, progress=progress)
    for skipped in report.skipped:
        click.secho(f"Skipped {skipped.source}: {skipped.reason}", fg="yellow", err=True)
    click.echo(f"Index at {bot.store.location}: {report.summary()}")


@cli.command("ask")
@click.argument("question")
@_corpus_options
@_backend_option
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@_user_errors
def ask_command(
    question: str,
    corpus_dir: Path | None,
    index_dir: Path | None,
    backend: str | None,
    as_json: bool,
) -> None:
    """Answer QUESTION and list the passages it cites."""
    bot = _assistant(corpus_dir, index_dir, backend)
    reply = bot.answer(question)
    if as_json:
        click.echo(reply.to_json())
    else:
        show_answer(reply)


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def show_answer(reply: Any, *, sources: bool = True) -> None:
    """An answer in the terminal: the text as Markdown, then its quoted sources."""
    from rich.markdown import Markdown
    from rich.padding import Padding
    from rich.text import Text

    console = _console()
    console.print(Markdown(reply.text))
    if sources and reply.refused and reply.closest is not None:
        closest = reply.closest
        console.print()
        console.print(
            Text.assemble(("Closest passage (not an answer) ", "bold"), (closest.label(), "dim"))
        )
        quote = " ".join(closest.quote.split())
        console.print(Padding(Text(f"“{quote}”", style="italic"), (0, 0, 0, 4)))
    if sources and reply.citations:
        console.print()
        console.print(Text("Sources", style="bold"))
        for c in reply.citations:
            console.print(Text.assemble((f"[{c.marker}] ", "bold cyan"), (c.label(), "dim")))
            quote = " ".join(c.quote.split())
            console.print(Padding(Text(f"“{quote}”", style="italic"), (0, 0, 0, 4)))


@cli.command("chat")
@_corpus_options
@_backend_option
@_user_errors
def chat_command(corpus_dir: Path | None, index_dir: Path | None, backend: str | None) -> None:
    """Chat in the terminal; follow-up questions use the conversation so far.

    Type /sources to see the last answer's passages, /reset to start over, and
    /quit (or Ctrl-D) to leave.
    """
    from assistant.errors import QuestionError

    bot = _assistant(corpus_dir, index_dir, backend)
    bot.ensure_index()
    history: list[tuple[str, str]] = []
    last = None
    click.echo("Ask about the article. Commands: /sources, /reset, /help, /quit (or Ctrl-D).")
    while True:
        try:
            line = click.prompt("you", prompt_suffix="> ", default="", show_default=False)
        except (EOFError, click.Abort):
            click.echo()
            return
        command = line.strip().lower()
        if command in {"/quit", "/exit", "/q"}:
            return
        if command == "/help":
            click.echo(CHAT_HELP)
            continue
        if command == "/reset":
            history, last = [], None
            click.echo("Conversation cleared.")
            continue
        if command == "/sources":
            if last is None or not last.citations:
                click.echo("No sources yet." if last is None else "The last answer cites nothing.")
            else:
                show_answer(replace(last, text=""), sources=True)
            continue
        if command.startswith("/"):
            click.echo(f"Unknown command {command}. Try /help.")
            continue
        if not command:
            continue
        try:
            last = bot.answer(line, history)
        except QuestionError as exc:
            click.secho(str(exc), fg="yellow")
            continue
        history.append((line, last.text))
        show_answer(last, sources=False)
        if last.citations:
            click.secho(
                "  sources: " + ", ".join(f"[{c.marker}] {c.section}" for c in last.citations),
                dim=True,
            )


@cli.command("serve")
@_corpus_options
@_backend_option
@click.option("--host", help="Interface to bind (default 127.0.0.1, or ASSISTANT_HOST).")
@click.option("--port", type=int, help="Port (default 7860, or ASSISTANT_PORT).")
@_user_errors
def serve_command(
    corpus_dir: Path | None,
    index_dir: Path | None,
    backend: str | None,
    host: str | None,
    port: int | None,
) -> None:
    """Start the chat app in the browser."""
    import ui

    overrides: dict[str, Any] = {}
    if host:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    ui.launch(_assistant(corpus_dir, index_dir, backend), **overrides)


@cli.command("eval")
@click.option(
    "--set",
    "sets",
    multiple=True,
    type=click.Choice(["article", "article-noisy", "article-unseen", "squad"]),
    help="Question sets to run (default: all; squad is the bundled SQuAD articles, or --squad).",
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
@_user_errors
def eval_command(
    *,
    sets: tuple[str, ...],
    squad_path: Path | None,
    squad_title: str | None,
    limit: int | None,
    generative_limit: int,
    no_baseline: bool,
    backends: tuple[str, ...],
    out: Path,
) -> None:
    """Measure answer quality on question sets, beside the plain LangChain recipe.

    Prints a table (retrieval hit@1/hit@3/MRR, citation support precision and
    evidence recall, key-fact recall, SQuAD containment and F1, refusal rates,
    latency) and writes it with the per-question results and a chart to --out.
    """
    from assistant.evaluation import SETS, evaluate

    report = evaluate(
        list(sets) or list(SETS),
        squad_path=squad_path,
        squad_title=squad_title,
        baseline=not no_baseline,
        backends=list(backends) or ["extractive"],
        limit=limit,
        generative_limit=generative_limit,
    )
    click.echo(report.tables())
    paths = report.save(out)
    click.echo("\nWrote " + ", ".join(str(p) for p in paths.values()))


@cli.command("train")
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
@_user_errors
def train_command(out: Path | None, report: Path) -> None:
    """Fit the answer scorer on the bundled public data, leaving one document out.

    Prints train and validation figures per held-out document and writes the
    scorer with the hash and date of the data it was fitted on.
    """
    from assistant.evaluation import require_extra
    from assistant.evaluation.training_report import train

    require_extra()
    target = out or Path(__file__).resolve().parent / "model" / "scorer.json"
    result = train(target, report)
    click.echo(result.table())
    written = ", ".join(str(p) for p in (result.model_path, *result.report_paths))
    click.echo(f"\nWrote {written} in {result.seconds:.0f} s")


def main() -> None:
    """Entry point of the ``assistant`` command."""
    cli(prog_name="assistant")
