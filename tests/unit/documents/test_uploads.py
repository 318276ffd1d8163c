"""Uploads are checked and stored under generated names; nothing from the client is trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents.uploads import UPLOAD_FOLDER, safe_name, store_uploads
from tests.support import make_pdf

LIMIT = 100_000


@pytest.fixture
def incoming(tmp_path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    return folder


def test_a_good_file_is_stored_under_a_generated_name_in_uploads(tmp_corpus, incoming):
    path = incoming / "Team Notes.md"
    path.write_text("# Notes\n\nThe team meets on Mondays.\n")
    result = store_uploads([("Team Notes.md", path)], tmp_corpus, max_bytes=LIMIT)
    (stored,) = result.stored
    assert stored.startswith(f"{UPLOAD_FOLDER}/team-notes-")
    assert stored.endswith(".md")
    assert (tmp_corpus / stored).read_text() == path.read_text()
    assert result.rejected == ()


def test_a_path_given_as_a_string_is_read_like_a_path(tmp_corpus, incoming):
    path = incoming / "notes.txt"
    path.write_text("The team meets on Mondays.\n")
    result = store_uploads([("notes.txt", str(path))], tmp_corpus, max_bytes=LIMIT)
    assert len(result.stored) == 1 and result.rejected == ()


def test_a_path_in_the_client_name_is_never_used(tmp_corpus, incoming):
    path = incoming / "x.md"
    path.write_text("Some text.")
    result = store_uploads([("../../../etc/passwd.md", path)], tmp_corpus, max_bytes=LIMIT)
    (stored,) = result.stored
    assert (tmp_corpus / stored).resolve().is_relative_to(tmp_corpus / UPLOAD_FOLDER)
    assert ".." not in stored


def test_safe_names_are_slugs_with_a_random_tag():
    first, second = safe_name("Résumé (final)!!.PDF", ".pdf"), safe_name("a.pdf", ".pdf")
    assert first.startswith("r-sum-final-") and first.endswith(".pdf")
    assert safe_name("....md", ".md").startswith("document-")
    assert first != safe_name("Résumé (final)!!.PDF", ".pdf")
    assert second.startswith("a-")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("tool.exe", b"MZ\x90\x00", "unsupported type .exe"),
        ("notes.txt", b"\xff\xfe broken", "not UTF-8"),
        ("empty.md", b"   \n", "no text"),
        ("fake.pdf", b"<html>not a pdf</html>", "not a PDF"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << >> garbage", "not a readable PDF"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_not_stored(
    tmp_corpus, incoming, name, content, reason
):
    path = incoming / name
    path.write_bytes(content)
    result = store_uploads([(name, path)], tmp_corpus, max_bytes=LIMIT)
    assert result.stored == ()
    (rejected,) = result.rejected
    assert rejected.name == name
    assert reason in rejected.reason
    assert not (tmp_corpus / UPLOAD_FOLDER).exists() or not any(
        (tmp_corpus / UPLOAD_FOLDER).iterdir()
    )


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_corpus, incoming):
    path = incoming / "big.txt"
    path.write_text("word " * 1000)
    result = store_uploads([("big.txt", path)], tmp_corpus, max_bytes=100)
    assert "over the" in result.rejected[0].reason


def test_a_pdf_with_text_is_accepted(tmp_corpus, incoming):
    path = incoming / "report.pdf"
    path.write_bytes(make_pdf(["Quarterly report\nRevenue grew by ten percent."]))
    result = store_uploads([("report.pdf", path)], tmp_corpus, max_bytes=LIMIT)
    assert result.stored and result.stored[0].endswith(".pdf")


def test_the_summary_lists_what_was_added_and_what_was_not(tmp_corpus, incoming):
    good, bad = incoming / "good.md", incoming / "bad.exe"
    good.write_text("Fine text.")
    bad.write_bytes(b"MZ")
    summary = store_uploads(
        [("good.md", good), ("bad.exe", bad)], tmp_corpus, max_bytes=LIMIT
    ).summary()
    assert "Added uploads/good-" in summary
    assert "Not added: bad.exe: unsupported type .exe" in summary


def test_the_same_content_uploaded_again_is_recognised_and_not_stored_twice(tmp_corpus, incoming):
    first, again = incoming / "notes.md", incoming / "notes (copy).md"
    first.write_text("# Notes\n\nThe team meets on Mondays.\n")
    again.write_bytes(first.read_bytes())
    stored = store_uploads([("notes.md", first)], tmp_corpus, max_bytes=LIMIT).stored
    result = store_uploads([("notes (copy).md", again)], tmp_corpus, max_bytes=LIMIT)
    assert result.stored == ()
    assert [(d.name, d.existing) for d in result.duplicates] == [("notes (copy).md", stored[0])]
    assert len(list((tmp_corpus / UPLOAD_FOLDER).iterdir())) == 1
    assert "Already in the corpus: notes (copy).md" in result.summary()


def test_a_file_given_twice_in_one_upload_is_stored_once(tmp_corpus, incoming):
    path = incoming / "notes.md"
    path.write_text("The team meets on Mondays.\n")
    result = store_uploads([("a.md", path), ("b.md", path)], tmp_corpus, max_bytes=LIMIT)
    assert len(result.stored) == 1
    assert [d.name for d in result.duplicates] == ["b.md"]


def test_a_rejected_file_is_reported_with_its_own_reason_only(tmp_corpus, incoming):
    bad = incoming / "notes.txt"
    bad.write_bytes(b"\xff\xfe\x00\x01 binary \x00 junk")
    summary = store_uploads([("notes.txt", bad)], tmp_corpus, max_bytes=LIMIT).summary()
    assert summary.splitlines() == [f"Not added: notes.txt: {summary.split(': ', 2)[2]}"]
    assert "binary" in summary
