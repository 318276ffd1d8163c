"""Answers serialise to JSON and render as Markdown for notebooks."""

from __future__ import annotations

import json

from assistant.response import UNSURE_NOTE, Answer, Citation, Segment, compose

CITATION = Citation(
    marker=1, quote="The COO leads.", source="a.md", section="Roles", start=10, end=24, score=0.71
)
ANSWER = Answer(
    question="Who leads?",
    text="The COO leads. [1]",
    refused=False,
    citations=[CITATION],
    segments=(Segment("sentence", "The COO leads.", 1),),
    timings={"total": 0.25},
)
HOSTILE = (
    '<form action="http://evil"><input type=password></form> '
    "![x](http://evil/p.png) <script>alert(1)</script>"
)


def _plain(markdown: str) -> str:
    """What a reader sees of escaped Markdown, roughly: backslashes gone."""
    return markdown.replace("\\", "")


def test_json_has_text_refused_citations_and_timings():
    data = json.loads(ANSWER.to_json())
    assert list(data)[:4] == ["text", "refused", "citations", "timings"]
    assert data["citations"][0]["quote"] == "The COO leads."
    assert data["citations"][0]["start"] == 10


def test_markdown_shows_the_answer_then_each_quoted_source():
    markdown = ANSWER._repr_markdown_()
    assert _plain(markdown).startswith("The COO leads. [1]")
    assert "[1] *Roles · a.md*: “The COO leads.”" in _plain(markdown)


def test_markdown_shows_scores_only_when_asked_for():
    assert "score" not in ANSWER.markdown()
    assert "[1] *Roles · a.md · score 0.71*" in _plain(ANSWER.markdown(show_scores=True))


def test_markup_in_a_quote_is_escaped_in_the_markdown_never_live():
    citation = Citation(1, HOSTILE, "a.md", "Roles", 0, len(HOSTILE), 0.5)
    answer = Answer(
        question="?",
        text=f"{HOSTILE} [1]",
        refused=False,
        citations=[citation],
        segments=(Segment("sentence", HOSTILE, 1),),
    )
    markdown = answer.markdown()
    for tag in ("<form", "<script", "<input"):
        assert f"\\{tag}" in markdown and tag not in markdown.replace(f"\\{tag}", "")
    assert "![" not in markdown
    assert "<script>alert(1)" in _plain(markdown)  # what a reader sees: the text as typed


def test_the_plain_text_runs_sentences_on_and_puts_a_list_on_its_own_lines():
    segments = (
        Segment("sentence", "One.", 1, "A COO"),
        Segment("leadin", "Duties include:", 2),
        Segment("item", "Planning"),
        Segment("item", "Leading"),
        Segment("sentence", "Two.", 3),
    )
    assert compose(segments) == (
        "[A COO:] One. [1]\n\nDuties include: [2]\n- Planning\n- Leading\n\nTwo. [3]"
    )


def test_a_refusal_renders_without_a_sources_block():
    refusal = Answer(question="?", text="The article does not say.", refused=True)
    assert "Sources" not in refusal.markdown()


def test_citations_convert_to_a_dataframe():
    frame = ANSWER.citations_frame()
    assert list(frame["section"]) == ["Roles"]


def test_an_unsure_answer_is_hedged_not_refused_in_its_json():
    unsure = Answer(question="Who leads?", text="The COO leads. [1]", refused=False, hedged=True)
    data = json.loads(unsure.to_json())
    assert data["hedged"] is True and data["refused"] is False
    assert json.loads(ANSWER.to_json())["hedged"] is False


def test_an_unsure_answer_says_so_in_a_notebook():
    unsure = Answer(question="Who leads?", text="The COO leads. [1]", refused=False, hedged=True)
    assert UNSURE_NOTE in unsure._repr_markdown_()
    assert UNSURE_NOTE not in ANSWER._repr_markdown_()
