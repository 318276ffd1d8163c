"""Documents read into headings, paragraphs, list items and sentences, with offsets."""

from __future__ import annotations

from assistant.documents.blocks import parse_blocks, split_sentences


def test_blocks_exclude_markdown_markup():
    text = "# Heading\n\n- item\n"
    kinds = [(b.kind, text[b.start : b.end]) for b in parse_blocks(text)]
    assert kinds == [("heading", "Heading"), ("item", "item")]


def test_sentences_split_on_full_stops_but_not_abbreviations():
    text = "Dr. Smith met the COO, e.g. at noon. Then he left! Did he return? Yes."
    spans = [text[s:e] for s, e in split_sentences(text, 0, len(text))]
    assert spans == [
        "Dr. Smith met the COO, e.g. at noon.",
        "Then he left!",
        "Did he return?",
        "Yes.",
    ]
