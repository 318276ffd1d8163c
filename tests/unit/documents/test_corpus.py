"""Ingestion reads .md, .txt and .html files and reports the ones it cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents.corpus import SkippedFile, load_corpus
from assistant.documents.formats import SourceDocument, html_to_text
from assistant.errors import CorpusError, DocumentError
from assistant.settings import Limits

LIMIT = 1_000_000


class Read:
    """A corpus folder listed and every file read: the documents and the skipped files."""

    def __init__(self, folder: Path) -> None:
        corpus = load_corpus(folder, max_bytes=LIMIT)
        self.documents: list[SourceDocument] = []
        self.skipped = list(corpus.skipped)
        for file in corpus.files:
            try:
                self.documents.append(file.read(Limits()))
            except DocumentError as exc:
                self.skipped.append(SkippedFile(file.source, str(exc)))


def test_markdown_text_and_html_files_are_all_read(tmp_corpus: Path):
    (tmp_corpus / "a.md").write_text("# Alpha\n\nAlpha text.\n")
    (tmp_corpus / "b.txt").write_text("Beta text.\n")
    (tmp_corpus / "sub").mkdir()
    (tmp_corpus / "sub" / "c.html").write_text("<html><body><p>Gamma text.</p></body></html>")
    corpus = Read(tmp_corpus)
    assert [d.source for d in corpus.documents] == ["a.md", "b.txt", "sub/c.html"]
    assert corpus.skipped == []


def test_markdown_is_kept_exactly_as_on_disk_so_offsets_index_the_file(tmp_corpus: Path):
    raw = "# Title\n\nA sentence.\n\n- item one\n- item two\n"
    (tmp_corpus / "doc.md").write_text(raw)
    assert Read(tmp_corpus).documents[0].text == raw


def test_an_empty_file_is_reported_by_name_and_skipped(tmp_corpus: Path):
    (tmp_corpus / "good.md").write_text("Some text.")
    (tmp_corpus / "empty.md").write_text("   \n\n")
    corpus = Read(tmp_corpus)
    assert [d.source for d in corpus.documents] == ["good.md"]
    assert [(s.source, "no text" in s.reason) for s in corpus.skipped] == [("empty.md", True)]


def test_a_file_that_is_not_utf8_is_reported_and_the_rest_still_load(tmp_corpus: Path):
    (tmp_corpus / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (tmp_corpus / "good.txt").write_text("Fine.")
    corpus = Read(tmp_corpus)
    assert [d.source for d in corpus.documents] == ["good.txt"]
    assert corpus.skipped[0].source == "latin1.txt"
    assert "not UTF-8" in corpus.skipped[0].reason


def test_a_binary_file_is_reported_as_binary(tmp_corpus: Path):
    (tmp_corpus / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (skipped,) = Read(tmp_corpus).skipped
    assert "binary" in skipped.reason


def test_an_unreadable_file_is_reported_and_skipped(tmp_corpus: Path, monkeypatch):
    (tmp_corpus / "good.md").write_text("Readable.")
    secret = tmp_corpus / "secret.md"
    secret.write_text("hidden")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        # chmod 000 does not stop root, so the permission error is raised directly.
        if self.name == "secret.md":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    corpus = Read(tmp_corpus)
    assert [d.source for d in corpus.documents] == ["good.md"]
    assert [s.source for s in corpus.skipped] == ["secret.md"]
    assert "cannot be read: Permission denied" in corpus.skipped[0].reason


def test_a_broken_link_is_reported_not_silently_ignored(tmp_corpus: Path):
    (tmp_corpus / "gone.md").symlink_to(tmp_corpus / "missing.md")
    (skipped,) = Read(tmp_corpus).skipped
    assert skipped.source == "gone.md"
    assert "cannot be read" in skipped.reason


def test_a_file_over_the_size_limit_is_reported(tmp_corpus: Path):
    (tmp_corpus / "big.txt").write_text("word " * 1000)
    (skipped,) = load_corpus(tmp_corpus, max_bytes=100).skipped
    assert "limit" in skipped.reason


def test_unsupported_files_are_reported_and_hidden_files_ignored(tmp_corpus: Path):
    (tmp_corpus / "notes.docx").write_bytes(b"PK")
    (tmp_corpus / ".DS_Store").write_bytes(b"\x00")
    corpus = Read(tmp_corpus)
    assert [s.source for s in corpus.skipped] == ["notes.docx"]
    assert "unsupported" in corpus.skipped[0].reason


def test_a_missing_corpus_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere", max_bytes=LIMIT)


def test_windows_line_endings_are_normalised(tmp_corpus: Path):
    (tmp_corpus / "crlf.txt").write_bytes(b"Line one.\r\nLine two.\r\n")
    assert Read(tmp_corpus).documents[0].text == "Line one.\nLine two.\n"


def test_html_keeps_headings_and_lists_and_drops_scripts():
    title, text = html_to_text(
        "<html><head><title>Page</title><style>p{}</style></head><body>"
        "<h1>Roles</h1><p>Lead-in:</p><ul><li>First</li><li>Second</li></ul>"
        "<script>alert(1)</script></body></html>"
    )
    assert title == "Page"
    assert text == "# Roles\n\nLead-in:\n\n- First\n- Second\n"


def test_the_title_comes_from_the_first_heading_or_else_the_file_name(tmp_corpus: Path):
    (tmp_corpus / "with-title.md").write_text("# Real Title\n\nBody.")
    (tmp_corpus / "no_title_here.md").write_text("Just a sentence that ends.")
    titles = [d.title for d in Read(tmp_corpus).documents]
    assert titles == ["no title here", "Real Title"]


def test_fingerprints_change_with_content_only(tmp_corpus: Path):
    path = tmp_corpus / "doc.md"
    path.write_text("Version one.")
    first = Read(tmp_corpus).documents[0].fingerprint
    assert Read(tmp_corpus).documents[0].fingerprint == first
    path.write_text("Version two.")
    assert Read(tmp_corpus).documents[0].fingerprint != first


def test_every_list_of_document_types_names_pdf():
    from click.testing import CliRunner

    from assistant.cli import cli
    from assistant.documents.corpus import SUPPORTED

    assert ".pdf" in SUPPORTED
    for command in ("index", "ask", "serve"):
        assert ".pdf" in CliRunner().invoke(cli, [command, "--help"]).output


@pytest.mark.parametrize("placeholder", ["about:blank", "", "Untitled", "Microsoft Word - a.docx"])
def test_a_pdf_whose_metadata_title_is_a_placeholder_is_titled_by_its_file_name(
    tmp_corpus: Path, placeholder: str
):
    import io

    from pypdf import PdfReader, PdfWriter

    from tests.support import make_pdf

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Travel policy"]))))
    writer.add_metadata({"/Title": placeholder})
    buffer = io.BytesIO()
    writer.write(buffer)
    (tmp_corpus / "uploads").mkdir()
    (tmp_corpus / "uploads" / "staff-handbook-1a2b3c4d.pdf").write_bytes(buffer.getvalue())
    assert [d.title for d in Read(tmp_corpus).documents] == ["staff handbook"]


def test_an_html_page_with_a_placeholder_title_takes_its_first_heading(tmp_corpus: Path):
    (tmp_corpus / "page.html").write_text(
        "<html><head><title>about:blank</title></head><body><h1>Travel</h1><p>Book.</p></body>"
    )
    assert [d.title for d in Read(tmp_corpus).documents] == ["Travel"]
