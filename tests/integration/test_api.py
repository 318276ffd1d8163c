"""End to end: questions in, short answers out, every citation an exact quote."""

from __future__ import annotations

import os
import subprocess
from itertools import pairwise

import pytest

from assistant import Answer, Citation
from tests.support import PYTHON, REPO

# Questions new to the shipped models (not in the gold set they are fitted on).
ANSWERABLE = [
    "What does a COO do?",
    "What tasks make up an operations manager's job?",
    "Which role has more decision-making authority?",
    "How do operations managers and COOs work together?",
    "What is the difference in strategic focus between the two roles?",
]


@pytest.mark.parametrize("question", ANSWERABLE)
def test_every_citation_quotes_its_source_exactly(bot, question):
    reply = bot.answer(question)
    assert not reply.refused
    assert reply.citations
    for citation in reply.citations:
        source_text = bot.document_text(citation.source)
        assert source_text[citation.start : citation.end] == citation.quote


@pytest.mark.parametrize("question", ANSWERABLE)
def test_markers_appear_in_order_and_match_the_citations(bot, question):
    reply = bot.answer(question)
    markers = [c.marker for c in reply.citations]
    assert markers == list(range(1, len(markers) + 1))
    positions = [reply.text.index(f"[{m}]") for m in markers]
    assert positions == sorted(positions)


def test_the_answer_is_built_only_from_cited_text(bot):
    reply = bot.answer("Which duties does a COO have?")
    text = reply.text
    if reply.hedged:  # an unsure answer's framing speaks of the quotes, it is not one
        text = text.split("The closest it comes:", 1)[1]
    for citation in reply.citations:
        for line in citation.quote.splitlines():
            text = text.replace(line.strip().removeprefix("- "), "")
    leftover = text.replace("-", "").replace("[", " ").replace("]", " ")
    assert leftover.split() == [str(c.marker) for c in reply.citations]


def test_a_list_question_gets_the_whole_list(bot):
    reply = bot.answer("Which duties does a COO have?")
    assert "Developing and implementing business strategies" in reply.text
    assert "Collaborating with the CEO and other C-suite executives" in reply.text


def test_an_out_of_corpus_question_is_refused_in_plain_words(bot):
    reply = bot.answer("What is the tallest mountain in Africa?")
    assert reply.refused
    assert reply.citations == []
    assert "does not say" in reply.text


def test_timings_cover_each_stage(bot):
    reply = bot.answer("What does a COO do?")
    assert {"rewrite", "embed", "search", "keyword", "fuse", "compose", "total"} <= set(
        reply.timings
    )
    assert all(seconds >= 0 for seconds in reply.timings.values())


def test_stream_yields_growing_answers_and_ends_with_the_full_one(bot):
    snapshots = list(bot.stream("What does a COO do?"))
    assert all(isinstance(s, Answer) for s in snapshots)
    assert snapshots[-1].complete
    assert snapshots[-1].text == bot.answer("What does a COO do?").text
    assert all(len(a.text) <= len(b.text) for a, b in pairwise(snapshots))


def test_a_follow_up_question_uses_the_history(bot):
    history = [("What are the key responsibilities of an operations manager?", "...")]
    reply = bot.answer("And what about the COO?", history=history)
    assert "COO" in reply.query
    assert "Developing and implementing business strategies" in reply.text


def test_history_can_be_given_as_chat_messages(bot):
    history = [
        {"role": "user", "content": "What are the key responsibilities of an operations manager?"},
        {"role": "assistant", "content": "..."},
    ]
    reply = bot.answer("what about the COO?", history=history)
    assert "Developing and implementing business strategies" in reply.text


def test_citations_are_typed_records(bot):
    citation = bot.answer("What does a COO do?").citations[0]
    assert isinstance(citation, Citation)
    assert citation.section
    assert citation.source == "operations-manager-vs-coo.md"
    assert citation.end > citation.start


@pytest.mark.slow
def test_answer_uses_the_repository_corpus_from_any_working_directory(tmp_path):
    script = (
        "from assistant import answer\n"
        "a = answer('What does a COO do?')\n"
        "b = answer('Which role has more authority?')\n"
        "import assistant.api as api\n"
        "same = api.default_assistant() is api._default\n"
        "print(a.refused, b.refused, a.citations[0].source, same)\n"
    )
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "index")}
    result = subprocess.run(
        [PYTHON, "-c", script],
        cwd=tmp_path,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "operations-manager-vs-coo.md", "True"]
    assert REPO.joinpath("corpus").is_dir()


def test_the_articles_sign_off_is_never_quoted_as_an_answer(bot):
    # The summary leaves the sign-off out as boilerplate; so does every answer.
    for question in ("Does a small business need a COO?", "Where can I get more insights?"):
        reply = bot.answer(question)
        quoted = [c.quote for c in reply.citations] + (
            [reply.closest.quote] if reply.closest else []
        )
        assert not [q for q in quoted if "stay tuned" in q], question
