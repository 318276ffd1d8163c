"""The command line: index, ask (plain and JSON), errors as one line with exit code 1."""

from __future__ import annotations

import gc
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from tests.support import PYTHON, REPO


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _args(article_corpus: Path, article_index: Path) -> list[str]:
    return ["--corpus", str(article_corpus), "--index", str(article_index)]


def test_index_reports_what_it_did(runner, article_corpus, tmp_path):
    result = runner.invoke(
        cli, ["index", "--corpus", str(article_corpus), "--index", str(tmp_path / "idx")]
    )
    assert result.exit_code == 0, result.output
    assert "1 document, 9 chunks: 9 embedded" in result.output


def test_ask_summarises_the_article_with_its_quotes(runner, article_corpus, article_index):
    result = runner.invoke(
        cli, ["ask", "Summarize the article", "--json", *_args(article_corpus, article_index)]
    )
    assert result.exit_code == 0, result.output
    reply = json.loads(result.output)
    assert reply["request"] == "summary"
    assert len({c["section"] for c in reply["citations"]}) >= 3


def test_index_names_skipped_files(runner, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Good\n\nUseful text.\n")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\xfa")
    result = runner.invoke(
        cli, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "idx")]
    )
    assert result.exit_code == 0
    assert "Skipped bad.txt: bad.txt is not UTF-8 text" in result.output


def test_ask_prints_the_answer_and_its_sources(runner, article_corpus, article_index):
    result = runner.invoke(
        cli, ["ask", "What does a COO do?", *_args(article_corpus, article_index)]
    )
    assert result.exit_code == 0, result.output
    assert "[1]" in result.output
    assert "Sources" in result.output
    assert (
        "The Role of a Chief Operating Officer (COO) · operations-manager-vs-coo.md"
        in result.output
    )


@pytest.mark.parametrize(("question", "exit_code"), [("What does a COO do?", 0), ("   ", 1)])
def test_ask_turns_garbage_collection_back_on_answered_or_failed(
    runner, article_corpus, article_index, question, exit_code
):
    # `ask` starts up with the collector off (see cli._start_up); a notebook or test
    # process that invokes it must not be left without one.
    result = runner.invoke(cli, ["ask", question, *_args(article_corpus, article_index)])
    assert result.exit_code == exit_code, result.output
    assert gc.isenabled()
    gc.unfreeze()


def test_ask_json_prints_one_object_with_the_documented_keys(runner, article_corpus, article_index):
    result = runner.invoke(
        cli, ["ask", "What does a COO do?", "--json", *_args(article_corpus, article_index)]
    )
    data = json.loads(result.output)
    assert {"text", "refused", "citations", "timings"} <= set(data)
    assert data["citations"][0]["quote"]


def test_an_empty_question_is_one_line_and_exit_code_1(runner, article_corpus, article_index):
    result = runner.invoke(cli, ["ask", "   ", *_args(article_corpus, article_index)])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: Please type a question: it is empty."


def test_a_missing_corpus_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(
        cli, ["index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i")]
    )
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert "Traceback" not in result.output


def test_chat_answers_follow_ups_and_understands_commands(runner, article_corpus, article_index):
    script = "\n".join(
        [
            "What are the key responsibilities of an operations manager?",
            "and what about the COO?",
            "/sources",
            "/bogus",
            "/reset",
            "/sources",
            "/quit",
        ]
    )
    result = runner.invoke(cli, ["chat", *_args(article_corpus, article_index)], input=script)
    assert result.exit_code == 0, result.output
    assert "Supervising staff and providing leadership" in result.output
    assert "Developing and implementing business strategies" in result.output
    assert "[1] The Role of a Chief Operating Officer (COO)" in result.output
    assert "Unknown command /bogus" in result.output
    assert "Conversation cleared." in result.output
    assert "No sources yet." in result.output


@pytest.mark.slow
def test_python_dash_m_assistant_runs_the_same_cli(article_corpus, article_index):
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "assistant",
            "ask",
            "Which role has more authority?",
            "--json",
            *_args(article_corpus, article_index),
        ],
        cwd=REPO,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["refused"] is False


def test_a_skipped_file_is_warned_once_and_its_name_cannot_drive_the_terminal(
    article_corpus, tmp_path
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for file in article_corpus.iterdir():
        (corpus / file.name).write_bytes(file.read_bytes())
    (corpus / "bad\x1b]0;owned\x07\x1b[31m.txt").write_bytes(b"\xff\xfe\xfa")
    result = subprocess.run(
        [PYTHON, "-m", "assistant", "ask", "What does a COO do?", "--corpus", str(corpus),
         "--index", str(tmp_path / "idx")],
        cwd=REPO, check=False, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Skipped bad.txt is not UTF-8 text") == 1, result.stderr
    assert "\x1b" not in result.stderr + result.stdout


def test_every_command_has_help(runner):
    for command in ["index", "ask", "chat", "serve"]:
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "--corpus" in result.output


def test_a_usage_error_exits_with_2(runner):
    result = runner.invoke(cli, ["ask"])
    assert result.exit_code == 2
    assert "Missing argument 'QUESTION'" in result.output


def test_the_group_help_lists_every_command_and_the_exit_codes(runner):
    result = runner.invoke(cli, ["--help"])
    for command in ["index", "ask", "chat", "serve", "eval"]:
        assert command in result.output
    assert "Exit codes" in result.output
