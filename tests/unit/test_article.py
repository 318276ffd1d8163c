"""The Markdown article in corpus/ is the article as received, with its structure restored."""

from __future__ import annotations

import re

from tests.support import ARTICLE, SOURCE_ARTICLE

_MARKUP = re.compile(r"^(#{1,6} |- )")


def _shared_lines() -> list[str]:
    lines = [line.strip() for line in SOURCE_ARTICLE.read_text().splitlines() if line.strip()]
    return lines[:-1]  # the last line is a stray keyword line, not content


def _markdown_lines() -> list[str]:
    return [_MARKUP.sub("", line) for line in ARTICLE.read_text().splitlines() if line.strip()]


def test_every_content_line_of_the_shared_article_is_verbatim_in_the_markdown():
    markdown = ARTICLE.read_text()
    missing = [line for line in _shared_lines() if line.lstrip("- ") not in markdown]
    assert missing == []


def test_the_markdown_adds_no_content_of_its_own():
    shared = [line.removeprefix("- ") for line in _shared_lines()]
    assert _markdown_lines() == shared


def test_the_stray_keyword_line_is_left_out():
    assert "operations manager vs coo" not in ARTICLE.read_text()


def test_the_markdown_restores_title_sections_and_lists():
    text = ARTICLE.read_text()
    assert text.startswith("# Operations Manager vs COO: Unraveling the Distinctions\n")
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings == [
        "The Role of an Operations Manager",
        "The Role of a Chief Operating Officer (COO)",
        "Key Differences Between Operations Manager and COO",
        "Collaboration and Synergy",
        "Conclusion",
    ]
    assert len(re.findall(r"^- ", text, re.MULTILINE)) == 14
