"""Two people signed in to one server, in Chromium: one's upload is never shown to the other."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.support import ASSISTANT, article_app
from tests.system.browser.chat_page import ask

pytestmark = [pytest.mark.server, pytest.mark.slow]

PASSWORDS = {
    "ada": "ada-long-passphrase",
    "bob": "bob-long-passphrase",
    "carol": "carol-passphrase",
}
SECRET = (
    "# Quokka project\n\n"
    "The Quokka project budget is forty-two thousand euros. "
    "Wilhelmina Zed approved the Quokka project budget in March.\n"
)
QUESTION = "Who approved the Quokka project budget?"


def _add_user(users: Path, name: str, *flags: str) -> None:
    # Through the command the README gives operators, the password on standard input.
    subprocess.run(
        [ASSISTANT, "users", "add", name, "--file", str(users), "--password-stdin", *flags],
        input=PASSWORDS[name] + "\n",
        text=True,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("accounts")
    users = root / "users.json"
    _add_user(users, "ada", "--admin")
    _add_user(users, "bob")
    _add_user(users, "carol")
    with article_app(root, ASSISTANT_USERS_FILE=str(users)) as url:
        yield url, root / "corpus"


def _signed_in(browser, url: str, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    signed = context.request.post(
        f"{url}login", form={"username": name, "password": PASSWORDS[name]}
    )
    assert signed.ok, signed.status
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector("#question textarea", timeout=60_000)
    return context, tab


@pytest.fixture(scope="module")
def bob_uploaded(browser, server, tmp_path_factory):
    """Bob, signed in, uploads the Quokka budget; his page, once it is indexed."""
    url, _ = server
    context, tab = _signed_in(browser, url, "bob")
    document = tmp_path_factory.mktemp("bob") / "quokka budget.md"
    document.write_text(SECRET)
    tab.click("#documents-tab-button")
    tab.set_input_files("#upload input[type=file]", str(document))
    tab.click("#add")
    tab.wait_for_selector("#upload-status :text('Index updated')", timeout=120_000)
    yield tab
    context.close()


def test_a_users_upload_is_private_and_answers_them(bob_uploaded, server):
    _, corpus = server
    assert "private" in bob_uploaded.inner_text("#upload-status")
    assert "quokka-budget-" in bob_uploaded.inner_text("#documents")
    assert list((corpus / "private").rglob("quokka-budget-*.md"))
    assert "Wilhelmina Zed" in ask(bob_uploaded, QUESTION, 1)


@pytest.mark.parametrize("name", ["carol", "ada"])
def test_another_user_never_sees_or_is_answered_from_it(browser, server, bob_uploaded, name):
    url, _ = server
    context, tab = _signed_in(browser, url, name)
    try:
        tab.click("#documents-tab-button")
        tab.wait_for_selector("#documents :text('In the corpus')")
        assert "quokka" not in tab.inner_text("#documents").lower()
        assert "quokka" not in tab.inner_text("#removable").lower()
        answer = ask(tab, QUESTION, 1)
        assert "Wilhelmina" not in answer
        assert "Wilhelmina" not in tab.inner_text("#sources")
    finally:
        context.close()


def test_the_chat_api_answers_each_user_from_their_own_documents(server, bob_uploaded):
    from gradio_client import Client

    url, _ = server
    carol = Client(url, auth=("carol", PASSWORDS["carol"]), verbose=False)
    assert "Wilhelmina" not in str(carol.predict(QUESTION, api_name="/chat"))
    bob = Client(url, auth=("bob", PASSWORDS["bob"]), verbose=False)
    assert "Wilhelmina Zed" in bob.predict(QUESTION, api_name="/chat")["text"]


def test_a_conversation_export_is_served_to_its_owner_only(browser, server):
    url, _ = server
    context, tab = _signed_in(browser, url, "carol")
    bob = browser.new_context()
    try:
        ask(tab, "What does a COO do?", 1)
        with tab.expect_download() as download:
            tab.click("#export")
        link = download.value.url
        assert "What does a COO do?" in context.request.get(link).text()
        signed = bob.request.post(
            f"{url}login", form={"username": "bob", "password": PASSWORDS["bob"]}
        )
        assert signed.ok
        fetched = bob.request.get(link)
        assert fetched.status == 404
        assert "COO" not in fetched.text()
    finally:
        bob.close()
        context.close()


def test_without_signing_in_nothing_is_answered(server):
    url, _ = server
    assert httpx.get(f"{url}config").status_code in (401, 403)


def _sign_in_page(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector("input[type=password]", timeout=60_000)
    return context, tab


def _type_sign_in(tab, name: str, password: str) -> None:
    tab.fill("input[type=text]", name)
    tab.fill("input[type=password]", password)
    tab.keyboard.press("Enter")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_wrong_password_says_so_on_the_sign_in_page(browser, server, width, shots):
    url, _ = server
    context, tab = _sign_in_page(browser, url, width)
    try:
        _type_sign_in(tab, "carol", "not her password")
        tab.wait_for_selector("text=/incorrect/i", timeout=30_000)
        tab.screenshot(path=str(shots / f"sign-in-wrong-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_signed_in_name_shows_and_signing_out_ends_every_spelling_of_it(browser, server, width):
    url, _ = server
    context, tab = _sign_in_page(browser, url, width)
    other = browser.new_context()
    try:
        # The same account signed in elsewhere under another spelling of its name.
        elsewhere = other.request.post(
            f"{url}login", form={"username": "CAROL", "password": PASSWORDS["carol"]}
        )
        assert elsewhere.ok and other.request.get(f"{url}config").ok
        _type_sign_in(tab, "Carol", PASSWORDS["carol"])
        tab.wait_for_selector("#who :text('Signed in as')", timeout=60_000)
        assert "Carol" in tab.inner_text("#who")
        tab.click("#sign-out")
        tab.wait_for_selector("input[type=password]", timeout=60_000)
        assert context.request.get(f"{url}config").status in (401, 403)
        assert other.request.get(f"{url}config").status in (401, 403)
    finally:
        other.close()
        context.close()
