"""PDFs read as prose: documents Chromium printed to PDF, read back as headings and whole
paragraphs, asked about, summarised and outlined."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.documents.formats import parse_document
from tests.system.browser.chat_page import ARGS as CHROMIUM_ARGS

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
LONG = (
    "During the great storm of 1894 the keepers kept the lamp burning for three days "
    "and nights without rest, taking turns at the lantern while the sea broke over the "
    "gallery rail, and the log they kept that week, which is still on show in the museum, "
    "records each wave that struck the tower and every ship that passed through the channel "
    "in safety, among them the steamer Aurora, which sheltered in the lee of the point until "
    "the wind had dropped enough for her to reach the harbour. "
)
LIGHTHOUSE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The Lighthouse Keepers of Skerry Point</title>
<style>
body {{ font-family: serif; font-size: 12pt; line-height: 1.45; margin: 2cm; }}
p {{ text-align: justify; }}
h1 {{ font-size: 24pt; }} h2 {{ font-size: 16pt; }}
.cols {{ column-count: 2; column-gap: 1cm; }}
</style></head><body>
<h1>The Lighthouse Keepers of Skerry Point</h1>
<h2>Construction</h2>
<p>The Skerry Point lighthouse was built in 1872 by the engineer Margaret Lindqvist. Its lamp
burned whale oil until 1904, when it was converted to kerosene. The first keepers lived in a
small stone cottage beside the tower, and the fleet of fishing boats relied on its light.</p>
<h2>The Keepers</h2>
<p>Three families kept the light over its working life. Elspeth Haldane became the first woman
to hold the post of principal keeper on that coast, in 1915.</p>
<h2>Daily Life</h2>
<div class="cols">
<p>Each morning the keepers cleaned the lens, trimmed the wicks and polished the brass fittings.
In the afternoon they recorded the weather, which they reported to the meteorological office by
telegraph from 1899.</p>
<p>Fresh water came from a cistern filled by the rain, and the keepers grew potatoes, kale and
onions in a walled garden sheltered from the wind.</p>
</div>
<h2>Storms</h2>
<p>{LONG * 6}</p>
<h2>The Light Today</h2>
<p>The tower still stands and its light still flashes twice every fifteen seconds. The cottage is
now a small museum that holds the keepers' logbooks.</p>
</body></html>
"""
NO_HEADINGS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Notes</title>
<style>body{font-family:sans-serif;font-size:11pt;margin:2cm}</style></head><body>
<p>The community garden opened in the spring of 2019 on a former car park. Its forty raised beds
are rented to neighbours for a small fee each year.</p>
<p>Volunteers meet every Saturday morning to water the shared beds and turn the compost. New
volunteers are always welcome and need no experience.</p>
<p>The garden grows tomatoes, beans, squash and herbs, and gives a third of its harvest to the
food bank on Mill Street.</p>
</body></html>
"""


def _printed(html: str, folder: Path, name: str) -> Path:
    """``html`` printed to PDF by headless Chromium, as a person's browser would print it."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (make test installs it)")
    page, pdf = folder / f"{name}.html", folder / f"{name}.pdf"
    page.write_text(html, encoding="utf-8")
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            *CHROMIUM_ARGS,
            f"--user-data-dir={folder / 'chromium'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return pdf


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("printed")
    return {
        "lighthouse": _printed(LIGHTHOUSE, folder, "lighthouse"),
        "garden": _printed(NO_HEADINGS, folder, "garden"),
    }


def _read(path: Path):
    return parse_document(path.read_bytes(), source=path.name, kind="pdf")


def _words(text: str) -> str:
    return " ".join(text.split())


def test_headings_are_found_by_their_size_and_weight(pdfs):
    text = _read(pdfs["lighthouse"]).text
    headings = re.findall(r"^(#+) (.+)$", text, re.MULTILINE)
    assert headings[0] == ("#", "The Lighthouse Keepers of Skerry Point")
    assert [h for _, h in headings[1:]] == [
        "Construction",
        "The Keepers",
        "Daily Life",
        "Storms",
        "The Light Today",
    ]
    assert all(level == "##" for level, _ in headings[1:])


def test_lines_are_joined_into_whole_paragraphs_in_reading_order(pdfs):
    text = _words(_read(pdfs["lighthouse"]).text)
    assert (
        "The Skerry Point lighthouse was built in 1872 by the engineer Margaret Lindqvist." in text
    )
    # Two columns: the left one is read before the right one.
    assert text.index("Each morning the keepers") < text.index("Fresh water came from a cistern")
    assert text.index("telegraph from 1899.") < text.index("Fresh water came from a cistern")


def test_a_paragraph_cut_by_a_page_break_reads_on_across_it(pdfs):
    document = _read(pdfs["lighthouse"])
    assert len(document.pages) >= 2
    storms = _words(document.text)
    assert _words(LONG * 6).strip() in storms
    second = document.pages[1]
    assert document.text[second - 1] == " ", "page two starts inside a paragraph"


def test_ligatures_are_read_as_letters(pdfs):
    text = _read(pdfs["lighthouse"]).text
    assert not re.search("[\ufb00-\ufb06]", text)
    assert "first keepers" in text and "fleet" in text and "office" in text


def test_every_unit_knows_its_page(pdfs):
    document = _read(pdfs["lighthouse"])
    assert document.page_at(document.text.index("The Skerry Point lighthouse")) == 1
    assert document.page_at(document.text.index("The tower still stands")) == len(document.pages)


def test_a_pdf_without_headings_is_read_as_paragraphs(pdfs):
    document = _read(pdfs["garden"])
    assert "#" not in document.text
    assert document.text.count("\n\n") == 2
    assert document.title == "Notes"


@pytest.fixture(scope="module")
def asked(pdfs, tmp_path_factory, embeddings):
    from assistant import Assistant

    corpus = tmp_path_factory.mktemp("pdf-corpus")
    for path in pdfs.values():
        shutil.copy(path, corpus / path.name)
    bot = Assistant(corpus, tmp_path_factory.mktemp("pdf-index"), embeddings=embeddings)
    bot.index()
    return bot


def test_a_question_about_a_printed_pdf_is_answered_with_a_whole_sentence_under_its_heading(
    asked,
):
    reply = asked.answer("Who built the Skerry Point lighthouse?")
    first = reply.citations[0]
    assert first.quote.startswith("The Skerry Point lighthouse was built in 1872")
    assert first.section.endswith("Construction") and first.page == 1


def test_a_sentence_across_a_page_break_is_quoted_whole(asked):
    reply = asked.answer("Which steamer sheltered in the lee of the point?")
    quotes = " ".join(_words(c.quote) for c in reply.citations)
    assert "among them the steamer Aurora, which sheltered in the lee of the point" in quotes


def test_the_summary_of_a_printed_pdf_is_made_of_whole_sentences(asked):
    reply = asked.answer("Summarize The Lighthouse Keepers of Skerry Point")
    assert len(reply.citations) >= 3
    for citation in reply.citations:
        assert citation.quote[:1].isupper() and citation.quote.rstrip().endswith((".", ":"))


def test_the_outline_of_a_printed_pdf_is_its_headings(asked):
    reply = asked.answer("Outline The Lighthouse Keepers of Skerry Point")
    for heading in ("Construction", "The Keepers", "Daily Life", "Storms", "The Light Today"):
        assert heading in reply.text


def test_no_answer_about_a_pdf_holds_a_ligature(asked):
    for question in ("What did the first keepers live in?", "How often does the light flash?"):
        assert not re.search("[\ufb00-\ufb06]", asked.answer(question).text)
