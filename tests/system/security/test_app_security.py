"""The app's defences: sign-in when configured, upload limits on the server, no secret shown."""

from __future__ import annotations

import os
import subprocess

import httpx
import pytest

from tests.support import PYTHON, REPO, app_env, free_port, server_log

pytestmark = [pytest.mark.server, pytest.mark.slow]

SECRET = "sk-live-do-not-show-0123456789"


@pytest.fixture
def start_app(article_corpus, article_index, run_server):
    def start(**env: str) -> tuple[str, object]:
        port = free_port()
        process = run_server(
            [PYTHON, "ui.py"],
            port,
            env=app_env(article_corpus, article_index, port, **env),
        )
        return f"http://127.0.0.1:{port}/", process

    return start


def test_with_a_password_set_only_signed_in_visitors_get_answers(start_app):
    from gradio_client import Client

    url, _ = start_app(ASSISTANT_AUTH_USERNAME="alice", ASSISTANT_AUTH_PASSWORD="s3cret-pass")
    assert httpx.get(f"{url}config").status_code in (401, 403)
    with pytest.raises(Exception):  # noqa: B017 - the client refuses in its own words
        Client(url, verbose=False).predict("What does a COO do?", api_name="/chat")
    with pytest.raises(Exception):  # noqa: B017
        Client(url, auth=("alice", "wrong"), verbose=False)
    client = Client(url, auth=("alice", "s3cret-pass"), verbose=False)
    assert "[1]" in client.predict("What does a COO do?", api_name="/chat")


def test_uploads_over_the_limit_are_refused_by_the_server(start_app):
    url, _ = start_app(ASSISTANT_MAX_UPLOAD_BYTES="2000")
    small = httpx.post(f"{url}gradio_api/upload", files={"files": ("a.md", b"# A\n\nsmall\n")})
    assert small.status_code == 200
    big = httpx.post(f"{url}gradio_api/upload", files={"files": ("b.md", b"x" * 20_000)})
    assert big.status_code == 413


def test_the_api_key_appears_nowhere_a_user_or_a_log_can_see(start_app):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    dead = f"http://127.0.0.1:{free_port()}/v1"
    url, process = start_app(
        ASSISTANT_BACKEND="openai",
        ASSISTANT_OPENAI_BASE_URL=dead,
        ASSISTANT_OPENAI_API_KEY=SECRET,
        ASSISTANT_OPENAI_TIMEOUT="3",
        ASSISTANT_OPENAI_MAX_RETRIES="0",
    )
    with pytest.raises(AppError) as error:
        Client(url, verbose=False).predict("What does a COO do?", api_name="/chat")
    assert "Cannot reach the openai endpoint" in str(error.value)
    assert SECRET not in str(error.value)
    for page in ("", "config", "gradio_api/info"):
        assert SECRET not in httpx.get(f"{url}{page}").text
    assert SECRET not in server_log(process)


def test_setting_only_a_username_is_a_clear_error(article_corpus, article_index):
    result = subprocess.run(
        [PYTHON, "ui.py"],
        env={
            **os.environ,
            "ASSISTANT_CORPUS_DIR": str(article_corpus),
            "ASSISTANT_INDEX_DIR": str(article_index),
            "ASSISTANT_AUTH_USERNAME": "alice",
        },
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Set both ASSISTANT_AUTH_USERNAME and ASSISTANT_AUTH_PASSWORD" in result.stderr
    assert "Traceback" not in result.stderr
