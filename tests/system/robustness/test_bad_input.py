"""Property-based: whatever comes in, a clear error or a normal answer, and the index survives."""

from __future__ import annotations

import shutil
import string

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import Answer, Assistant, AssistantError, QuestionError
from assistant.cli import cli
from tests.support import ARTICLE, make_pdf

pytestmark = pytest.mark.slow

# Questions as users and attackers type them: any text, control characters, other
# scripts, text decoded from random bytes, and sizes around the 2,000-character limit.
questions = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.text(alphabet=string.whitespace + "\x00\x07\x1b\u200b\ufeff", max_size=50),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
    st.sampled_from(
        [
            "¿Qué hace un COO?",
            "COO是做什么的\uff1f",  # with a full-width question mark
            "Что делает операционный директор?",
            "ما هو دور مدير العمليات؟",
            "What does a COO do? 🤔🚀",
            "What\x00does\x07a COO do?",
        ]
    ),
    st.integers(min_value=1990, max_value=2100).map(lambda n: "why " * (n // 4)),
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(reply: Answer, bot: Assistant) -> None:
    assert isinstance(reply.text, str) and reply.text
    for citation in reply.citations:
        assert bot.document_text(citation.source)[citation.start : citation.end] == citation.quote


@SETTINGS
@given(question=questions)
def test_the_api_answers_or_raises_a_question_error(bot, question):
    try:
        reply = bot.answer(question)
    except QuestionError as error:
        assert str(error)
        return
    _check(reply, bot)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=questions)
def test_the_cli_exits_0_or_1_and_never_shows_a_traceback(article_corpus, article_index, question):
    result = CliRunner().invoke(
        cli, ["ask", question, "--corpus", str(article_corpus), "--index", str(article_index)]
    )
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


documents = st.one_of(
    st.binary(max_size=4000),
    st.text(max_size=4000).map(str.encode),
    st.sampled_from(
        [
            b"",
            b"   \n\n\t ",
            "caf\xe9".encode("latin-1") * 100,
            b"<html><body><h1>Unclosed <p>para <ul><li>item",
            make_pdf(["A truncated report about quarterly numbers."])[:120],
            make_pdf(["A complete report.", "Page two of it."]),
            b"# Heading only\n",
            ("- item\n" * 3000).encode(),
        ]
    ),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(content=documents, suffix=st.sampled_from([".md", ".txt", ".html", ".pdf"]))
def test_any_document_is_indexed_or_reported_and_the_index_keeps_working(
    tmp_path_factory, embeddings, content, suffix
):
    folder = tmp_path_factory.mktemp("fuzz")
    corpus = folder / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    (corpus / f"odd{suffix}").write_bytes(content)
    bot = Assistant(corpus, folder / "index", embeddings=embeddings)
    report = bot.index()
    assert report.documents + len(report.skipped) == 2
    for skipped in report.skipped:
        assert skipped.source == f"odd{suffix}" and skipped.reason
    reply = bot.answer("What does a COO do?")
    assert not reply.refused
    _check(reply, bot)


def test_a_huge_document_is_indexed_within_the_size_limit(tmp_path, embeddings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    paragraphs = [
        f"Record {n} of the archive lists shipment {n * 7}, invoice {n * 13} and letter {n}. " * 6
        for n in range(400)
    ]
    (corpus / "archive.txt").write_text("\n\n".join(paragraphs))  # about 200 kB
    (corpus / "too-big.txt").write_text("x" * 2_000_001)
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings, max_document_bytes=2_000_000)
    report = bot.index()
    assert [s.source for s in report.skipped] == ["too-big.txt"]
    assert bot.store.sources()["archive.txt"] > 100
    assert not bot.answer("What does a COO do?").refused


def test_errors_never_leak_as_something_else(bot):
    for bad in ["", " ", "\x00", "a" * 5000]:
        with pytest.raises(AssistantError):
            bot.answer(bad)


def test_thousands_of_identical_lines_do_not_hide_the_rest_of_the_index(tmp_path, embeddings):
    # Identical vectors knot an HNSW graph so that searches never reach other documents.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ARTICLE, corpus / ARTICLE.name)
    (corpus / "odd.txt").write_text("- item\n" * 3000)
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    bot.index()
    assert bot.store.sources()["odd.txt"] == 1
    odd_units = bot.store.collection.get(where={"$and": [{"kind": "unit"}, {"source": "odd.txt"}]})
    assert len(odd_units["ids"]) == 1
    assert not bot.answer("What does a COO do?").refused
