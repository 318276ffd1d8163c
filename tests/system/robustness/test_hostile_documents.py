"""Documents built to hurt: each is skipped with one line or indexed within bounds, and the
article stays answerable beside it. Every hostile file is built here, none is committed."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
from click.testing import CliRunner

from assistant import Assistant
from assistant.cli import cli
from assistant.documents import corpus as corpus_listing
from assistant.documents.parse_worker import read_bytes
from assistant.errors import DocumentError
from assistant.evaluation import article_set
from assistant.settings import Limits
from tests.support import ARTICLE, PYTHON, make_pdf, pdf_from_streams

pytestmark = pytest.mark.slow

COO = "What does a COO do?"


def deep_pdf(depth: int = 50_000) -> bytes:
    """A 100 KB PDF whose content stream nests arrays ``depth`` deep."""
    return pdf_from_streams(
        [b"BT /F1 11 Tf 72 720 Td " + b"[" * depth + b"]" * depth + b" (deep) Tj ET"]
    )


def bomb_pdf(pages: int = 20) -> bytes:
    """A small PDF whose pages share one stream that inflates to 70 MB."""
    stream = b"BT /F1 11 Tf 72 720 Td (zebra) Tj ET " + b"0 0 Td " * 10_000_000
    return pdf_from_streams([stream], flate=True, pages=pages)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(ARTICLE, folder / ARTICLE.name)
    return folder


def test_a_pdf_nested_fifty_thousand_deep_is_read_without_harm(corpus, tmp_path, embeddings):
    # The layout reader parses without recursion, so the nesting that once crashed a
    # recursive reader is read through: its one word is the document.
    (corpus / "deep.pdf").write_bytes(deep_pdf())
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    report = bot.index()
    assert report.skipped == ()
    assert "deep.pdf" in bot.library.sources()
    assert not bot.answer(COO).refused


def test_the_cli_indexes_a_deeply_nested_pdf_and_keeps_answering(corpus, tmp_path):
    (corpus / "deep.pdf").write_bytes(deep_pdf())
    options = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    indexed = CliRunner().invoke(cli, ["index", *options])
    assert indexed.exit_code == 0, indexed.output
    assert "Traceback" not in indexed.output and "Skipped" not in indexed.output
    asked = CliRunner().invoke(cli, ["ask", *options, COO])
    assert asked.exit_code == 0 and "[1]" in asked.output


def test_a_decompression_bomb_pdf_is_refused_by_its_limits(corpus, tmp_path, embeddings):
    (corpus / "bomb.pdf").write_bytes(bomb_pdf())
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    report = bot.index()
    assert [s.source for s in report.skipped] == ["bomb.pdf"]
    assert "safety limits" in report.skipped[0].reason


def test_a_parse_that_runs_past_its_time_limit_is_given_up_and_the_reader_recovers():
    slow = make_pdf([f"Zebra page {n} tiny text." for n in range(3000)])
    with pytest.raises(DocumentError, match="took longer than"):
        read_bytes(slow, source="slow.pdf", kind="pdf", limits=Limits(seconds=0.2))
    small = make_pdf(["The COO sets strategy."])
    assert "COO" in read_bytes(small, source="ok.pdf", kind="pdf", limits=Limits()).text


def test_a_document_over_the_extracted_size_limit_is_skipped(corpus, tmp_path, embeddings):
    (corpus / "long.pdf").write_bytes(make_pdf(["many words here " * 40] * 50))
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings, max_document_chars=10_000)
    report = bot.index()
    assert [s.source for s in report.skipped] == ["long.pdf"]


def test_a_one_sentence_document_is_indexed_in_bounded_pieces(corpus, tmp_path, embeddings):
    # A single sentence with no break: chunking must cut it, once, in linear time.
    (corpus / "run-on.txt").write_text(" ".join(f"w{n}" for n in range(40_000)) + " ends here.")
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    report = bot.index()
    assert report.skipped == ()
    chunks = [c for c in bot.store.chunks() if c.source == "run-on.txt"]
    assert len(chunks) > 100
    assert max(embeddings.count_tokens(c.text) for c in chunks) <= embeddings.max_tokens
    assert not bot.answer(COO).refused


_PEAK = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " file=sys.stderr))\n"
    "from assistant.cli import cli\n"
    "cli()\n"
)


def _index_peak_mb(corpus, index) -> tuple[int, str]:
    """`assistant index` in a process of its own: its peak memory (MB) and what it said."""
    done = subprocess.run(
        [PYTHON, "-c", _PEAK, "index", "--corpus", str(corpus), "--index", str(index)],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    peak = int(done.stderr.rsplit("PEAK", 1)[1].split()[0]) // 1024  # Linux: KB
    return peak, done.stdout + done.stderr


def test_a_ten_megabyte_line_costs_little_memory_once_and_nothing_at_the_next_sync(
    corpus, tmp_path
):
    baseline, _ = _index_peak_mb(corpus, tmp_path / "baseline-index")
    words = (f"w{n}" for n in range(2_000_000))
    (corpus / "one-line.txt").write_text(" ".join(words)[:9_900_000])  # under the upload limit
    first, said = _index_peak_mb(corpus, tmp_path / "index")
    assert "Skipped one-line.txt" in said and "ASSISTANT_MAX_DOCUMENT_CHUNKS" in said
    assert first - baseline <= 200, f"the line took {first - baseline} MB more"
    assert (tmp_path / "index" / "refused.json").is_file()
    again, said = _index_peak_mb(corpus, tmp_path / "index")
    assert "Skipped one-line.txt" in said  # remembered, with its reason
    assert again - baseline <= 50


def test_a_multi_file_upload_reports_each_file_and_indexes_the_good_ones(
    corpus, tmp_path, embeddings
):
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    bot.index()
    files = tmp_path / "uploads"
    files.mkdir()
    (files / "first.md").write_text("# First\n\nZorblax Quimby leads the happiness team.\n")
    (files / "bomb.pdf").write_bytes(bomb_pdf())
    (files / "last.md").write_text("# Last\n\nThe happiness team meets in Lisbon every May.\n")
    result, report = bot.add_documents(
        [(name, files / name) for name in ("first.md", "bomb.pdf", "last.md")]
    )
    assert [r.name for r in result.rejected] == ["bomb.pdf"]
    assert len(result.stored) == 2
    assert report is not None and report.documents == 2
    assert set(bot.store.sources()) == {ARTICLE.name, *result.stored}
    assert "Lisbon" in bot.answer("Where does the happiness team meet?").text


def test_adding_a_file_reads_only_that_file(corpus, tmp_path, embeddings, monkeypatch):
    (corpus / "big.pdf").write_bytes(make_pdf([f"Zebra page {n} tiny text." for n in range(300)]))
    bot = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    bot.index()
    read: list[str] = []
    original = corpus_listing.read_bytes
    monkeypatch.setattr(
        corpus_listing,
        "read_bytes",
        lambda raw, *, source, **kw: read.append(source) or original(raw, source=source, **kw),
    )
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nThe offsite is in Lisbon.\n")
    started = time.perf_counter()
    result, report = bot.add_documents([("note.md", note)])
    elapsed = time.perf_counter() - started
    assert read == list(result.stored)
    assert report is not None and 0 < report.seconds <= elapsed


def test_five_thousand_junk_pages_beside_the_article_change_none_of_its_answers(
    corpus, tmp_path, embeddings, bot
):
    # The finding: 42 of 55 article questions refused once this PDF was added.
    (corpus / "zebra.pdf").write_bytes(
        make_pdf([f"Zebra page {n} tiny text." for n in range(5000)])
    )
    crowded = Assistant(corpus, tmp_path / "index", embeddings=embeddings)
    crowded.index()
    questions = [q.question for q in article_set().questions if q.answerable][:55]
    alone = {q for q in questions if bot.answer(q).refused}
    replies = {q: crowded.answer(q) for q in questions}
    assert {q for q, reply in replies.items() if reply.refused} <= alone
    assert not any(c.source == "zebra.pdf" for r in replies.values() for c in r.citations)
