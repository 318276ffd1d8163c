"""The chat app, started for real and driven with gradio_client."""

from __future__ import annotations

import pytest

from tests.support import PYTHON, app_env, free_port

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def test_the_chat_api_answers_with_cited_sources_as_data(client):
    reply = client.predict("What are the key responsibilities of a COO?", api_name="/chat")
    assert "[1]" in reply["text"]
    assert "Developing and implementing business strategies" in reply["text"]
    assert reply["citations"][0]["marker"] == 1
    assert reply["citations"][0]["source"] == "operations-manager-vs-coo.md"
    assert "**Sources**" in reply["markdown"]


def test_the_chat_api_takes_the_conversation_so_far(client):
    history = [
        {"role": "user", "content": "What are the key responsibilities of an operations manager?"},
        {"role": "assistant", "content": "Managing day-to-day activities [1]"},
    ]
    reply = client.predict("And what about the COO?", history, api_name="/chat")
    assert "Developing and implementing business strategies" in reply["text"]


def test_the_chat_api_summarises_and_continues_a_conversation(client):
    summary = client.predict("sum it up pls", api_name="/chat")
    assert summary["request"] == "summary" and len(summary["citations"]) >= 3
    first = client.predict("What does an operations manager do?", api_name="/chat")
    history = [
        {"role": "user", "content": "What does an operations manager do?"},
        {"role": "assistant", "content": first["text"]},
    ]
    more = client.predict("tell me more", history, api_name="/chat")
    assert more["request"] == "more" and more["citations"]
    assert {c["start"] for c in more["citations"]} - {c["start"] for c in first["citations"]}


def test_the_chat_api_takes_a_backend_and_a_number_of_passages(client):
    reply = client.predict("What does a COO do?", None, "extractive", 2, api_name="/chat")
    assert reply["backend"] == "extractive"
    assert not reply["refused"]


def test_an_out_of_corpus_question_gets_a_plain_refusal(client):
    reply = client.predict("Who painted the Mona Lisa?", api_name="/chat")
    assert reply["refused"]
    assert "does not say" in reply["text"]
    assert reply["citations"] == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("   ",), "Please type a question"),
        (("What does a COO do?", None, None, 10_000), "top_k must be"),
        (("What does a COO do?", None, "nonsense"), "Unknown backend"),
    ],
)
def test_bad_api_input_gets_a_clear_error_not_a_crash(client, arguments, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(*arguments, api_name="/chat")
    assert "[1]" in client.predict("What does a COO do?", api_name="/chat")["text"]


def _non_loopback_addresses() -> list[str]:
    import re
    import subprocess

    try:
        output = subprocess.run(
            ["ip", "-4", "addr"], check=False, capture_output=True, text=True
        ).stdout
    except OSError:
        return []
    return [a for a in re.findall(r"inet (\d+\.\d+\.\d+\.\d+)", output) if not a.startswith("127.")]


def test_the_app_is_not_reachable_from_other_interfaces(app_url):
    import socket

    addresses = _non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    port = int(app_url.rstrip("/").rsplit(":", 1)[1])
    for address in addresses:
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((address, port)) != 0, f"the app answered on {address}"


def test_the_app_answers_with_the_local_backend(article_corpus, article_index, run_server):
    pytest.importorskip("llama_cpp", reason="the local backend is the [local] extra")
    from gradio_client import Client

    port = free_port()
    run_server(
        [PYTHON, "ui.py"],
        port,
        env=app_env(article_corpus, article_index, port, ASSISTANT_BACKEND="local"),
    )
    reply = Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
        "What does a COO do?", api_name="/chat"
    )
    assert reply["backend"] == "local"
    assert "[1]" in reply["text"]
