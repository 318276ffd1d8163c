"""How the command line reports errors: one line for people, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from assistant.common.escape import terminal_text
from assistant.errors import AssistantError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 1


def fail(message: str) -> None:
    # Messages may quote a file's name or content: never let them drive the terminal.
    click.secho(f"Error: {terminal_text(message)}", fg="red", err=True)
    sys.exit(EXIT_ERROR)


def user_errors(func: F) -> F:
    """Show an :class:`AssistantError` as a one-line message, not a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AssistantError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]
