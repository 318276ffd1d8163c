"""Answers serialise to JSON and render as Markdown for notebooks."""

from __future__ import annotations

import json

from assistant.response import Answer, Citation

CITATION = Citation(
    marker=1, quote="The COO leads.", source="a.md", section="Roles", start=10, end=24, score=0.71
)
ANSWER = Answer(
    question="Who leads?",
    text="The COO leads. [1]",
    refused=False,
    citations=[CITATION],
    timings={"total": 0.25},
)


def test_json_has_text_refused_citations_and_timings():
    data = json.loads(ANSWER.to_json())
    assert list(data)[:4] == ["text", "refused", "citations", "timings"]
    assert data["citations"][0]["quote"] == "The COO leads."
    assert data["citations"][0]["start"] == 10


def test_markdown_shows_the_answer_then_each_quoted_source():
    markdown = ANSWER._repr_markdown_()
    assert markdown.startswith("The COO leads. [1]")
    assert "[1] *Roles · a.md · score 0.71*: “The COO leads.”" in markdown


def test_a_refusal_renders_without_a_sources_block():
    refusal = Answer(question="?", text="The article does not say.", refused=True)
    assert "Sources" not in refusal.markdown()


def test_citations_convert_to_a_dataframe():
    frame = ANSWER.citations_frame()
    assert list(frame["section"]) == ["Roles"]
