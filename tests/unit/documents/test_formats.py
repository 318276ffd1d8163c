"""One registry of document formats: every list of types is read from it."""

from __future__ import annotations

from click.testing import CliRunner

from assistant.cli import cli
from assistant.documents.formats import (
    FORMATS,
    ISOLATED_KINDS,
    STRUCTURE,
    SUPPORTED_SUFFIXES,
    listed_suffixes,
    parse_document,
)


def test_every_suffix_maps_to_a_registered_kind_with_a_structure():
    assert set(SUPPORTED_SUFFIXES.values()) == set(FORMATS) == set(STRUCTURE)
    assert {".md", ".txt", ".html", ".pdf"} <= set(SUPPORTED_SUFFIXES)


def test_the_parsers_that_can_misbehave_run_in_the_worker():
    assert {"html", "pdf"} == ISOLATED_KINDS


def test_the_usual_suffixes_are_listed_for_people():
    assert listed_suffixes() == ".md, .txt, .html and .pdf"
    assert listed_suffixes("or") == ".md, .txt, .html or .pdf"
    assert listed_suffixes("") == ".md, .txt, .html, .pdf"


def test_the_cli_help_lists_the_registered_formats():
    result = CliRunner().invoke(cli, ["index", "--help"])
    assert listed_suffixes() in " ".join(result.output.split())


def test_each_kind_is_parsed_by_its_registered_parser():
    document = parse_document(b"# Title\n\nText.", source="a.md", kind="markdown")
    assert document.kind == "markdown" and document.title == "Title"
