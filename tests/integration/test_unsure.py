"""An unsure answer says so in every interface: the CLI, its JSON, /chat, a notebook and
the export. The operator's ASSISTANT_SURE_THRESHOLD near 1 makes every answer unsure."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.display.render import Turn, conversation_markdown
from assistant.response import UNSURE_NOTE

QUESTION = "What does a COO do?"
HEDGE = "The article may not answer this directly. The closest it comes:"


@pytest.fixture(scope="module")
def unsure_bot(article_corpus, article_index, embeddings):
    from assistant import Assistant

    bot = Assistant(article_corpus, article_index, embeddings=embeddings, sure_threshold=0.999)
    bot.ensure_index()
    return bot


def _ask(article_corpus, article_index, *extra: str):
    args = ["ask", QUESTION, "--corpus", str(article_corpus), "--index", str(article_index)]
    env = {"ASSISTANT_SURE_THRESHOLD": "0.999"}
    return CliRunner().invoke(cli, [*args, *extra], env=env)


def test_the_cli_prints_a_line_saying_the_answer_is_not_sure(article_corpus, article_index):
    result = _ask(article_corpus, article_index)
    assert result.exit_code == 0, result.output
    assert UNSURE_NOTE in result.output
    assert HEDGE in result.output and "Sources" in result.output


def test_the_cli_json_marks_the_answer_hedged_not_refused(article_corpus, article_index):
    result = _ask(article_corpus, article_index, "--json")
    data = json.loads(result.output)
    assert data["hedged"] is True and data["refused"] is False
    assert data["text"].startswith(HEDGE) and data["citations"]


def test_the_chat_api_marks_the_answer_hedged_and_says_so_in_its_markdown(unsure_bot):
    from assistant.app.handlers import ChatApp

    reply = ChatApp(unsure_bot).api_chat(QUESTION)
    assert reply["hedged"] is True and reply["refused"] is False
    assert UNSURE_NOTE in reply["markdown"]


def test_the_chat_draws_the_answer_in_the_unsure_style(unsure_bot):
    from assistant.app.handlers import ChatApp

    *_, last = ChatApp(unsure_bot).respond(QUESTION, [], [], "extractive", 4, False)
    shown = last[0][-1]["content"]
    assert '<div class="unsure">' in shown and UNSURE_NOTE in shown


def test_the_export_says_the_answer_is_not_sure(unsure_bot):
    reply = unsure_bot.answer(QUESTION)
    exported = conversation_markdown([Turn(QUESTION, reply)])
    assert UNSURE_NOTE in exported and HEDGE in exported


@pytest.mark.slow
def test_a_notebook_shows_the_unsure_answer_with_its_note(tmp_path, monkeypatch):
    import nbclient
    import nbformat

    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_SURE_THRESHOLD", "0.999")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(f"from assistant import answer\nanswer({QUESTION!r})")
    ]
    from tests.support import REPO

    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}
    )
    client.execute()
    outputs = notebook.cells[0].outputs
    rendered = "".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert UNSURE_NOTE in rendered and HEDGE in rendered
