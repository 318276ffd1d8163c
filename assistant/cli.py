"""Command line: ``assistant index | ask | chat | serve | worker | users``, the evaluation's
commands and each trained model's (``assistant/models/*/command.py``).

A thin layer over :class:`assistant.Assistant`; errors meant for users are
printed as one line and exit with status 1 (usage errors exit with 2).
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.answerers.backends import backend_names
from assistant.common.escape import terminal_text
from assistant.display.console import user_errors
from assistant.documents.formats import listed_suffixes
from assistant.evaluation.commands import COMMANDS as EVALUATION_COMMANDS
from assistant.models import model_commands
from assistant.response import UNSURE_NOTE
from assistant.serving.users_command import users_command

F = TypeVar("F", bound=Callable[..., Any])

CHAT_HELP = """\
/sources  the passages the last answer quotes
/reset    start over
/quit     leave (or Ctrl-D)"""


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
        help=f"Folder of {listed_suffixes()} files (default: ./corpus, ASSISTANT_CORPUS_DIR).",
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


class _TerminalFormatter(logging.Formatter):
    """Log lines for a terminal: a file name or quote in them cannot drive it."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_text(super().format(record))


@contextlib.contextmanager
def _start_up() -> Iterator[None]:
    """Run start-up without garbage collection, then freeze what it made.

    Start-up creates hundreds of thousands of objects that live as long as the process
    (the classes of LangChain, pydantic and Chroma). Collecting garbage while they are
    made, and once more over all of them at exit, was a quarter of a cold
    `assistant ask`. Frozen, later collections skip them.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


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
    handler = logging.StreamHandler()
    handler.setFormatter(_TerminalFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])


@cli.command("index")
@_corpus_options
@click.option("--rebuild", is_flag=True, help="Re-embed everything instead of updating.")
@user_errors
def index_command(corpus_dir: Path | None, index_dir: Path | None, rebuild: bool) -> None:
    """Build the index, or update it with the corpus's new and changed files."""
    from assistant.common.progress import progress_bar

    bot = _assistant(corpus_dir, index_dir)
    with progress_bar("Embedding chunks") as progress:
        report = bot.index(rebuild=rebuild, progress=progress)
    for skipped in report.skipped:
        click.secho(
            terminal_text(f"Skipped {skipped.source}: {skipped.reason}"), fg="yellow", err=True
        )
    click.echo(f"Index at {bot.store.location}: {report.summary()}")


@cli.command("ask")
@click.argument("question")
@_corpus_options
@_backend_option
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@user_errors
def ask_command(
    question: str,
    corpus_dir: Path | None,
    index_dir: Path | None,
    backend: str | None,
    as_json: bool,
) -> None:
    """Answer QUESTION and list the passages it cites."""
    with _start_up():  # one answer, then exit: all of it is start-up
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
    """An answer in the terminal, then its quoted sources; all shown as plain text.

    Nothing from a document is interpreted: not as Markdown, not as rich markup,
    and its escape sequences never reach the terminal.
    """
    from rich.padding import Padding
    from rich.text import Text

    console = _console()
    if reply.notice:
        click.secho(f"Warning: {terminal_text(reply.notice)}", fg="yellow", err=True)
    if reply.hedged:
        console.print(Text(UNSURE_NOTE, style="bold yellow"))
    console.print(Text(terminal_text(reply.text)))
    if reply.dropped:
        console.print(Text(terminal_text(reply.dropped_note()), style="dim italic"))

    def quoted(title: str, style: str, citation: Any) -> None:
        label = terminal_text(citation.label())
        console.print(Text.assemble((title, style), (label, "dim")))
        quote = terminal_text(" ".join(citation.quote.split()))
        console.print(Padding(Text(f"“{quote}”", style="italic"), (0, 0, 0, 4)))

    if sources and reply.refused and reply.closest is not None:
        console.print()
        quoted("Closest passage (not an answer) ", "bold", reply.closest)
    if sources and reply.citations:
        console.print()
        console.print(Text("Sources", style="bold"))
        for citation in reply.citations:
            quoted(f"[{citation.marker}] ", "bold cyan", citation)


@cli.command("chat")
@_corpus_options
@_backend_option
@user_errors
def chat_command(corpus_dir: Path | None, index_dir: Path | None, backend: str | None) -> None:
    """Chat in the terminal; follow-up questions use the conversation so far.

    Type /sources to see the last answer's passages, /reset to start over, and
    /quit (or Ctrl-D) to leave.
    """
    from assistant.errors import QuestionError

    with _start_up():
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
            click.secho(terminal_text(str(exc)), fg="yellow")
            continue
        history.append((line, last.text))
        show_answer(last, sources=False)
        if last.citations:
            click.secho(
                "  sources: "
                + ", ".join(f"[{c.marker}] {terminal_text(c.section)}" for c in last.citations),
                dim=True,
            )


@cli.command("serve")
@_corpus_options
@_backend_option
@click.option("--host", help="Interface to bind (default 127.0.0.1, or ASSISTANT_HOST).")
@click.option("--port", type=int, help="Port (default 7860, or ASSISTANT_PORT).")
@user_errors
def serve_command(
    corpus_dir: Path | None,
    index_dir: Path | None,
    backend: str | None,
    host: str | None,
    port: int | None,
) -> None:
    """Start the chat app in the browser."""
    from assistant.app.launch import launch

    overrides: dict[str, Any] = {}
    if host:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    launch(_assistant(corpus_dir, index_dir, backend), **overrides)


@cli.command("settings")
def settings_command() -> None:
    """Print every setting, its environment variable and default, as Markdown.

    ``docs/configuration.md`` is this command's output.
    """
    from assistant.settings import configuration_reference

    click.echo(configuration_reference(), nl=False)


@cli.command("worker")
@_corpus_options
@click.option("--once", is_flag=True, help="Stop when no job is waiting (for scripts).")
@user_errors
def worker_command(corpus_dir: Path | None, index_dir: Path | None, once: bool) -> None:
    """Index what the app replicas hand over (ASSISTANT_QUEUE_URL): the index's one writer.

    Stops after its current job on SIGTERM or Ctrl+C.
    """
    import signal
    import threading

    from assistant.errors import AssistantError
    from assistant.serving.worker import run_worker

    bot = _assistant(corpus_dir, index_dir)
    if bot.jobs is None:
        raise AssistantError(
            "Set ASSISTANT_QUEUE_URL (redis://host:6379/0) for the worker to take jobs from."
        )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    logging.getLogger("assistant").setLevel(logging.INFO)
    click.echo(f"Worker: taking indexing jobs from {bot.jobs.url.split('@')[-1]}.", err=True)
    try:
        run_worker(bot.jobs, bot.index, stop=stop, once=once)
    except KeyboardInterrupt:
        click.echo("Worker stopped.", err=True)


for command in [*EVALUATION_COMMANDS, *model_commands(), users_command]:
    cli.add_command(command)


def main() -> None:
    """Entry point of the ``assistant`` command."""
    cli(prog_name="assistant")
