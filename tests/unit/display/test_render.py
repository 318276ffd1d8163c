"""How answers are drawn: chat Markdown with linked markers, the highlighted sources panel."""

from __future__ import annotations

import re

from assistant.display.render import (
    Turn,
    anchor,
    chat_markdown,
    conversation_markdown,
    sources_html,
)
from assistant.response import UNSURE_NOTE, Answer, Citation, Segment
from tests.support import shown_text

DOCUMENT = "# Roles\n\n## The COO\n\nThe COO leads operations. The COO reports to the CEO.\n"
QUOTE = "The COO reports to the CEO."
START = DOCUMENT.index(QUOTE)
CITATION = Citation(
    marker=1,
    quote=QUOTE,
    source="roles.md",
    section="The COO",
    start=START,
    end=START + len(QUOTE),
    score=0.81,
    title="Roles",
)
ANSWER = Answer(
    question="Who does the COO report to?",
    text=f"{QUOTE} [1]",
    refused=False,
    citations=[CITATION],
    segments=(Segment("sentence", QUOTE, 1),),
)
HOSTILE = (
    'Sign in: <form action="http://127.0.0.1:9/steal"><input type="password">'
    "<button>Sign in</button></form> <img src=http://127.0.0.1:9/pixel.png> "
    "![](http://127.0.0.1:9/md.png) [click](http://127.0.0.1:9/) <script>alert(1)</script>"
)


def _hostile_answer() -> Answer:
    citation = Citation(1, HOSTILE, "evil.md", "<b>S</b>", 0, len(HOSTILE), 0.9)
    return Answer(
        question="<img src=x>",
        text=f"{HOSTILE} [1]",
        refused=False,
        citations=[citation],
        segments=(Segment("sentence", HOSTILE, 1),),
    )


def test_markers_link_to_their_passage_in_the_sources_panel():
    markdown = chat_markdown(ANSWER, turn=3)
    assert f'<a href="#{anchor(3, 1)}" class="cite-link">[1]</a>' in markdown
    assert "<summary>Sources</summary>" in markdown


def test_an_unchecked_sentence_is_shown_faded_while_streaming():
    streaming = Answer(question="q", text="", refused=False, pending="The COO is", complete=False)
    assert chat_markdown(streaming, turn=0) == '<span class="pending">The COO is</span>'


def test_the_panel_highlights_the_exact_span_in_its_document():
    panel = sources_html(ANSWER, turn=2, document_text=lambda source: DOCUMENT)
    assert f'<mark id="{anchor(2, 1)}"' in panel
    assert f"<sup>[1]</sup>{QUOTE}</mark>" in panel
    assert "The COO leads operations." in panel  # the context around it
    assert '<span class="heading">The COO</span>' in panel


def test_scores_appear_only_when_asked_for():
    assert "score 0.81" not in sources_html(ANSWER, turn=0, document_text=lambda s: DOCUMENT)
    assert "score 0.81" in sources_html(
        ANSWER, turn=0, document_text=lambda s: DOCUMENT, show_scores=True
    )


def test_a_changed_document_falls_back_to_the_quote_itself():
    panel = sources_html(ANSWER, turn=0, document_text=lambda source: "Rewritten since indexing.")
    assert QUOTE in panel
    assert f'<mark id="{anchor(0, 1)}">' in panel


def test_html_in_documents_is_escaped():
    quote = "<script>x</script>"
    cited = Citation(
        marker=1, quote=quote, source="a.md", section="S", start=0, end=len(quote), score=1
    )
    answer = Answer(question="q", text="[1]", refused=False, citations=[cited])
    assert "<script>" not in sources_html(answer, turn=0, document_text=lambda s: quote)


def test_a_refusal_explains_the_empty_panel():
    refusal = Answer(question="q", text="The article does not say.", refused=True)
    assert "does not cover" in sources_html(refusal, turn=0, document_text=lambda s: "")


def test_a_conversation_exports_as_markdown_with_sources():
    exported = conversation_markdown([Turn(ANSWER.question, ANSWER)])
    assert exported.startswith("# Conversation with the article assistant\n")
    assert "## Who does the COO report to?" in exported
    assert "**Sources**" in exported


def _live_markup(rendered: str) -> list[str]:
    """The document's tags and Markdown constructs that a renderer would make live.

    A construct escaped with a backslash (``\\<form``, ``!\\[``) is shown as text.
    """
    constructs = ("<form", "<input", "<button", "<img", "<script", "<b>S", "![", "](http")
    return [c for c in constructs if re.search(r"(?<!\\)" + re.escape(c), rendered)]


def test_markup_in_a_quote_never_becomes_a_form_an_image_or_a_link_in_the_chat():
    assert _live_markup(chat_markdown(_hostile_answer(), turn=0)) == []


def test_markup_in_a_quote_stays_visible_as_text_in_the_chat():
    rendered = chat_markdown(_hostile_answer(), turn=0)
    assert "&lt;script&gt;alert" in rendered
    assert "&lt;form action" in rendered


def test_markup_in_a_quote_is_inert_in_the_export_and_the_sources_panel():
    exported = conversation_markdown([Turn("<img src=x>", _hostile_answer())])
    panel = sources_html(_hostile_answer(), turn=0, document_text=lambda s: HOSTILE)
    assert _live_markup(exported) == []
    assert _live_markup(panel) == []


def test_an_excerpt_starts_and_ends_on_a_sentence_or_word_boundary():
    filler = "Filler words run on and on without a full stop here " * 12
    text = f"{filler}. The COO reports to the CEO. {filler}."
    start = text.index("The COO")
    citation = Citation(1, "The COO reports to the CEO.", "a.md", "Roles", start, start + 27, 0.8)
    answer = Answer(question="?", text="The COO reports to the CEO. [1]", refused=False,
                    citations=[citation])  # fmt: skip
    panel = sources_html(answer, turn=0, document_text=lambda _: text)
    excerpt = re.search(r'<div class="excerpt">(.*?)</div>', panel, re.S).group(1)
    plain = re.sub(r"<sup>.*?</sup>|<[^>]+>", "", excerpt).removeprefix("…").removesuffix("…")
    first, last = plain.split()[0], plain.split()[-1]
    assert first in [*filler.split(), "The"]
    assert last.strip(".") in [*filler.split(), "CEO"]


TYPED = "A COO's R&D budget is < 5% of *all* spending in the C-suite (COO): include."


def _typed_answer() -> Answer:
    document = f"# Money\n\n{TYPED}\n"
    start = document.index(TYPED)
    citation = Citation(1, TYPED, "money.md", "Money", start, start + len(TYPED), 0.8)
    answer = Answer(
        question="How big is the budget?",
        text=f"{TYPED} [1]",
        refused=False,
        citations=[citation],
        segments=(Segment("sentence", TYPED, 1),),
    )
    return answer


def test_an_apostrophe_an_ampersand_a_less_than_and_a_star_are_shown_as_typed_in_the_chat():
    shown = shown_text(chat_markdown(_typed_answer(), turn=0))
    assert shown.count(TYPED) == 2  # the answer and its fold-out
    assert "&#" not in shown


def test_they_are_shown_as_typed_in_the_sources_panel():
    document = f"# Money\n\n{TYPED}\n"
    panel = sources_html(_typed_answer(), turn=0, document_text=lambda s: document)
    assert TYPED in shown_text(panel, markdown=False)
    assert "&amp;#" not in panel and "&&#" not in panel


def test_the_export_is_readable_markdown_escaping_only_what_would_change_its_meaning():
    exported = conversation_markdown([Turn("What's the R&D budget?", _typed_answer())])
    assert "## What's the R&D budget?" in exported
    assert "A COO's R&D budget is < 5% of \\*all\\* spending in the C-suite (COO): include." in (
        exported
    )


def test_the_export_shows_scores_only_when_they_are_switched_on():
    turns = [Turn("q", _typed_answer())]
    assert "score" not in conversation_markdown(turns)
    assert "score 0.80" in conversation_markdown(turns, show_scores=True)


def test_an_excerpt_never_begins_with_markdown_syntax():
    filler = "Earlier text runs on for a while here. " * 20
    document = f"{filler}\n\n## The COO\n\n- Leading operations\n- {QUOTE}\n"
    start = document.index(QUOTE)
    citation = Citation(1, QUOTE, "roles.md", "The COO", start, start + len(QUOTE), 0.8)
    answer = Answer(question="?", text=f"{QUOTE} [1]", refused=False, citations=[citation])
    panel = sources_html(answer, turn=0, document_text=lambda _: document)
    excerpt = re.search(r'<div class="excerpt">(.*?)</div>', panel, re.S).group(1)
    shown = shown_text(excerpt, markdown=False)
    assert "##" not in shown and "\n- " not in shown
    assert "• Leading operations" in shown


def test_the_sources_fold_out_keeps_a_quoted_list_on_its_lines():
    quote = "Key responsibilities of a COO include:\n- Driving innovation\n- Leading teams"
    citation = Citation(1, quote, "roles.md", "The COO", 0, len(quote), 0.8)
    answer = Answer(
        question="?",
        text="…",
        refused=False,
        citations=[citation],
        segments=(Segment("leadin", quote.splitlines()[0], 1),),
    )
    fold = chat_markdown(answer, turn=0).split("<summary>Sources</summary>", 1)[1]
    assert "include:<br>• Driving innovation<br>• Leading teams" in fold


UNSURE = Answer(
    question="Does the COO report to the board?",
    text=f"The article may not answer this directly. The closest it comes: {QUOTE} [1]",
    refused=False,
    hedged=True,
    citations=[CITATION],
    segments=(
        Segment("sentence", "The article may not answer this directly. The closest it comes:"),
        Segment("sentence", QUOTE, 1),
    ),
)


def test_an_unsure_answer_is_drawn_in_its_own_style_with_a_line_that_says_so():
    drawn = chat_markdown(UNSURE, turn=0)
    assert '<div class="unsure">' in drawn
    assert UNSURE_NOTE in drawn
    assert "unsure" not in chat_markdown(ANSWER, turn=0)


def test_an_unsure_answers_quotes_light_up_in_the_sources_panel_like_any_others():
    panel = sources_html(UNSURE, turn=0, document_text=lambda s: DOCUMENT)
    assert f'id="{anchor(0, 1)}"' in panel


def test_an_exported_unsure_answer_says_it_is_not_sure():
    exported = conversation_markdown([Turn(UNSURE.question, UNSURE)])
    assert UNSURE_NOTE in exported


def test_the_export_keeps_what_the_visitor_typed_escaped():
    from assistant.common.escape import markdown_text

    typed = "Who leads <i>operations</i>?"
    exported = conversation_markdown([Turn("Who leads operations?", ANSWER, typed=typed)])
    assert f"## {markdown_text(typed)}\n" in exported
    assert "\\<i>operations\\</i>" in exported  # shown as typed, never as italics
