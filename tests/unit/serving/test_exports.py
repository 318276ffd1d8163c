"""A conversation export is served to the account that made it, and to nobody else."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.serving.exports import ExportOwners, OwnExports
from assistant.serving.upload_quota import account_visitor
from tests.unit.serving.asgi import answering, request

APP = SimpleNamespace(tokens={"t-ada": "Ada", "t-bob": "bob"})
EXPORT = "/gradio_api/file=/tmp/gradio/1f2e/conversation-0123abcd.md"


def _get(guard: OwnExports, path: str, token: str | None) -> int:
    cookie = [(b"cookie", f"access-token-x={token}".encode())] if token else []
    return request(guard, "GET", path, app=APP, headers=cookie)


def _guard() -> OwnExports:
    owners = ExportOwners()
    owners.record("conversation-0123abcd.md", account_visitor("ada"))
    return OwnExports(answering(200), owners=owners)


def test_the_owner_gets_their_export_under_any_spelling_of_their_name():
    assert _get(_guard(), EXPORT, "t-ada") == 200


def test_another_signed_in_account_gets_404():
    assert _get(_guard(), EXPORT, "t-bob") == 404


def test_a_visitor_not_signed_in_gets_404():
    assert _get(_guard(), EXPORT, None) == 404


def test_an_encoded_path_is_checked_like_a_plain_one():
    encoded = EXPORT.replace("/tmp/", "%2Ftmp%2F").replace("conversation-", "conversation%2D")
    assert _get(_guard(), encoded, "t-bob") == 404


def test_other_files_and_unrecorded_exports_pass_through():
    guard = _guard()
    assert _get(guard, "/gradio_api/file=/tmp/gradio/aa/notes.md", "t-bob") == 200
    assert _get(guard, "/gradio_api/file=/tmp/gradio/aa/conversation-ffff.md", None) == 200


def test_the_oldest_owners_are_forgotten_past_the_size():
    owners = ExportOwners(size=2)
    for n in range(3):
        owners.record(f"conversation-{n}.md", "account:ada")
    assert owners.owner("conversation-0.md") is None
    assert owners.owner("conversation-2.md") == "account:ada"
