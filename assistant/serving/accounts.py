"""Accounts of a shared server: names, roles and Argon2id password hashes in one file.

The users file (``ASSISTANT_USERS_FILE``) is JSON written by ``assistant users``;
it never holds a password, only its hash (argon2-cffi, RFC 9106's defaults).
An admin manages the shared corpus; a user's uploads stay private to them (see
:class:`~assistant.documents.access.Viewer`). One name, compared without case
or surrounding spaces, is one account.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assistant.documents.access import Role, Viewer
from assistant.errors import AccountError

FORMAT = "assistant-users/1"
MAX_NAME = 64


def account_key(name: str) -> str:
    """The one spelling of ``name`` accounts are kept under."""
    return name.strip().casefold()


@dataclass(frozen=True)
class Account:
    """One person who may sign in."""

    name: str
    role: Role
    password_hash: str

    @property
    def viewer(self) -> Viewer:
        """What this account sees and where its uploads go."""
        return Viewer(self.name, self.role)


class Accounts:
    """The accounts of a server, checked in the time a hash takes whether a name exists or not."""

    def __init__(
        self, accounts: Sequence[Account] = (), hasher: PasswordHasher | None = None
    ) -> None:
        self.hasher = hasher or PasswordHasher()
        self._accounts = {account_key(a.name): a for a in accounts}
        self._lock = threading.Lock()
        # Verified for names with no account, so a refusal takes as long either way
        # and does not tell a guesser which names exist.
        self._decoy = self.hasher.hash(os.urandom(16).hex())

    def __iter__(self) -> Iterator[Account]:
        return iter(sorted(self._accounts.values(), key=lambda a: account_key(a.name)))

    def __len__(self) -> int:
        return len(self._accounts)

    def get(self, name: str) -> Account | None:
        """The account of ``name``, if there is one."""
        return self._accounts.get(account_key(name))

    def verify(self, name: str, password: str) -> bool:
        """Whether ``password`` is ``name``'s."""
        account = self.get(name)
        try:
            self.hasher.verify(account.password_hash if account else self._decoy, password)
        except (VerificationError, InvalidHashError):
            return False
        return account is not None

    def add(self, name: str, password: str, role: Role = "user") -> Account:
        """Create or replace ``name``'s account with a new password and ``role``."""
        name = name.strip()
        if not name or len(name) > MAX_NAME or any(not c.isprintable() for c in name):
            raise AccountError(
                f"An account name is 1 to {MAX_NAME} printable characters; {name[:80]!r} is not."
            )
        if role not in get_args(Role):
            raise AccountError(f"A role is one of {', '.join(get_args(Role))}, not {role!r}.")
        if len(password) < 8:  # a floor, not a policy
            raise AccountError("A password has at least 8 characters; use a long random one.")
        account = Account(name, role, self.hasher.hash(password))
        with self._lock:
            self._accounts[account_key(name)] = account
        return account

    def remove(self, name: str) -> bool:
        """Delete ``name``'s account; False if there was none."""
        with self._lock:
            return self._accounts.pop(account_key(name), None) is not None

    @classmethod
    def single(cls, name: str, password: str, hasher: PasswordHasher | None = None) -> Accounts:
        """One admin account, from ``ASSISTANT_AUTH_USERNAME`` and ``_PASSWORD``.

        The operator's password is taken as set (no length floor: it was theirs to choose).
        """
        hasher = hasher or PasswordHasher()
        return cls([Account(name, "admin", hasher.hash(password))], hasher)

    @classmethod
    def load(cls, path: Path, hasher: PasswordHasher | None = None) -> Accounts:
        """The accounts of a users file, or a :class:`AccountError` saying what is wrong."""
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AccountError(
                f"The users file {path} does not exist: create it with "
                "`assistant users add NAME --admin`."
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AccountError(f"The users file {path} cannot be read: {exc}.") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise AccountError(
                f'{path} is not a users file of this assistant (no "format": "{FORMAT}").'
            )
        accounts = []
        for entry in data.get("users") or []:
            try:
                name, role, digest = entry["name"], entry["role"], entry["password_hash"]
            except (KeyError, TypeError):
                raise AccountError(
                    f"{path} has an entry without name, role and password_hash."
                ) from None
            if role not in get_args(Role) or not str(digest).startswith("$argon2"):
                raise AccountError(
                    f"{path}: the account {str(name)[:64]!r} needs a role of "
                    f"{', '.join(get_args(Role))} and an Argon2 hash."
                )
            accounts.append(Account(str(name), role, str(digest)))
        if not accounts:
            raise AccountError(
                f"{path} has no account: add one with `assistant users add NAME --admin`."
            )
        return cls(accounts, hasher)

    def save(self, path: Path) -> None:
        """Write the users file readable by its owner alone, replacing it in one step."""
        data = {
            "format": FORMAT,
            "users": [
                {"name": a.name, "role": a.role, "password_hash": a.password_hash} for a in self
            ],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=1)
            file.write("\n")
        partial.replace(path)
