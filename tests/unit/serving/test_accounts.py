"""The users file: hashed passwords, roles, and clear errors when it cannot be used."""

from __future__ import annotations

import json
import stat

import pytest
from argon2 import PasswordHasher

from assistant.errors import AccountError
from assistant.serving.accounts import FORMAT, Accounts

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def accounts():
    accounts = Accounts(hasher=FAST)
    accounts.add("ada", "correct horse", "admin")
    accounts.add("bob", "battery staple")
    return accounts


def test_a_saved_users_file_holds_hashes_and_never_a_password(accounts, tmp_path):
    path = tmp_path / "users.json"
    accounts.save(path)
    text = path.read_text()
    assert "correct horse" not in text and "battery staple" not in text
    assert all(u["password_hash"].startswith("$argon2id$") for u in json.loads(text)["users"])


def test_a_saved_users_file_is_readable_by_its_owner_alone(accounts, tmp_path):
    path = tmp_path / "users.json"
    accounts.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_accounts_read_back_from_their_file_check_the_same_passwords(accounts, tmp_path):
    path = tmp_path / "users.json"
    accounts.save(path)
    loaded = Accounts.load(path, hasher=FAST)
    assert loaded.verify("bob", "battery staple")
    assert not loaded.verify("bob", "correct horse")
    assert [(a.name, a.role) for a in loaded] == [("ada", "admin"), ("bob", "user")]


def test_a_name_without_an_account_is_refused_whatever_the_password(accounts):
    assert not accounts.verify("mallory", "correct horse")


def test_an_accounts_role_decides_where_its_uploads_go(accounts):
    assert accounts.get("ada").viewer.upload_folder == "uploads"
    assert accounts.get("bob").viewer.upload_folder.startswith("private/bob-")


def test_adding_a_name_again_replaces_its_password(accounts):
    accounts.add("Bob", "a new passphrase")
    assert accounts.verify("bob", "a new passphrase")
    assert not accounts.verify("bob", "battery staple")
    assert len(accounts) == 2


def test_a_removed_account_cannot_sign_in(accounts):
    assert accounts.remove("bob")
    assert not accounts.verify("bob", "battery staple")
    assert not accounts.remove("bob")


@pytest.mark.parametrize(
    ("name", "password", "role", "says"),
    [
        ("", "long enough", "user", "account name"),
        ("e\nve", "long enough", "user", "account name"),
        ("x" * 65, "long enough", "user", "account name"),
        ("eve", "short", "user", "8 characters"),
        ("eve", "long enough", "root", "role"),
    ],
)
def test_an_unusable_account_is_refused_with_what_to_change(accounts, name, password, role, says):
    with pytest.raises(AccountError, match=says):
        accounts.add(name, password, role)


def test_a_missing_users_file_says_how_to_create_it(tmp_path):
    with pytest.raises(AccountError, match="assistant users add"):
        Accounts.load(tmp_path / "users.json")


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"users": []}),
        json.dumps({"format": FORMAT, "users": []}),
        json.dumps({"format": FORMAT, "users": [{"name": "ada"}]}),
        json.dumps(
            {"format": FORMAT, "users": [{"name": "a", "role": "user", "password_hash": "pw"}]}
        ),
    ],
)
def test_a_broken_users_file_is_refused_with_a_message(tmp_path, content):
    path = tmp_path / "users.json"
    path.write_text(content)
    with pytest.raises(AccountError, match=r"users\.json"):
        Accounts.load(path)
