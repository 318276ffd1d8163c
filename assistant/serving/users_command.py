"""``assistant users add | remove | list``: the accounts of a shared server.

The file is ``--file`` or ``ASSISTANT_USERS_FILE``; the server reads it at
start-up, so restart it after a change. Passwords are typed twice without being
shown, or read from the first line of standard input with ``--password-stdin``
(for scripts), and only their Argon2id hashes are written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.display.console import user_errors
from assistant.errors import AccountError
from assistant.serving.accounts import Accounts

F = TypeVar("F", bound=Callable[..., Any])


def _file(given: Path | None) -> Path:
    from assistant.settings import Settings

    path = given or Settings().users_file
    if path is None:
        raise AccountError("Name the users file: --file PATH, or set ASSISTANT_USERS_FILE.")
    return path


def _file_option(func: F) -> F:
    return click.option(
        "--file",
        "path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The users file (default: ASSISTANT_USERS_FILE).",
    )(func)


@click.group("users")
def users_command() -> None:
    """Manage who may sign in to a shared server (ASSISTANT_USERS_FILE)."""


@users_command.command("add")
@click.argument("name")
@_file_option
@click.option("--admin", is_flag=True, help="May add and remove shared documents.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@user_errors
def add_command(name: str, path: Path | None, admin: bool, password_stdin: bool) -> None:
    """Create an account, or give an existing one a new password and role."""
    path = _file(path)
    accounts = Accounts.load(path) if path.exists() else Accounts()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    account = accounts.add(name, password, "admin" if admin else "user")
    accounts.save(path)
    click.echo(f"{account.name} ({account.role}) saved in {path}; restart the server to apply.")


@users_command.command("remove")
@click.argument("name")
@_file_option
@user_errors
def remove_command(name: str, path: Path | None) -> None:
    """Delete an account (its private documents stay in the corpus folder)."""
    path = _file(path)
    accounts = Accounts.load(path)
    if not accounts.remove(name):
        raise AccountError(f"There is no account {name!r} in {path}.")
    if not len(accounts):
        raise AccountError(f"{name} is the last account of {path}; add another one first.")
    accounts.save(path)
    click.echo(f"{name} removed from {path}; restart the server to apply.")


@users_command.command("list")
@_file_option
@user_errors
def list_command(path: Path | None) -> None:
    """Show each account's name and role."""
    for account in Accounts.load(_file(path)):
        click.echo(f"{account.name}\t{account.role}")
