"""The chat's small things, in Chromium: a confirmation that reads as one, controls enabled
only when they can act, and a title that names what is asked about."""

from __future__ import annotations

import re

import pytest

from tests.support import article_app

pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")

pytestmark = [pytest.mark.server, pytest.mark.slow]

LONG_NAME = "quarterly-operations-report-for-the-northern-region.md"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """An app of its own: these tests upload and remove documents."""
    with article_app(tmp_path_factory.mktemp("edges")) as url:
        yield url


def test_with_one_document_the_title_and_the_placeholder_name_it(page):
    title = "Operations Manager vs COO"
    page.wait_for_selector(f"#title :text('{title}')", timeout=30_000)
    placeholder = page.get_attribute("#question textarea", "placeholder") or ""
    assert title in placeholder


def test_remove_is_disabled_while_there_is_no_upload_to_remove(page):
    page.click("#documents-tab-button")
    assert page.locator("#remove").is_disabled()


def test_a_removal_asks_in_a_confirmation_that_reads_as_one(page, tmp_path, shots):
    document = tmp_path / LONG_NAME
    document.write_text("# Northern region\n\nThe northern region grew by nine percent.\n")
    page.click("#documents-tab-button")
    page.set_input_files("#upload input[type=file]", str(document))
    page.click("#add")
    page.wait_for_selector("#upload-status :text('Index updated')", timeout=120_000)
    page.wait_for_function("!document.querySelector('#remove').disabled", timeout=30_000)
    page.click("#remove")
    page.wait_for_selector("#confirm-text :text('Remove')")
    confirm = page.locator("#confirm-text").bounding_box()
    panel = page.locator("#removable").bounding_box()
    assert confirm["width"] >= 0.9 * panel["width"], "the question has the panel's width"
    shown = " ".join(page.inner_text("#confirm-text").split())
    # The stored name (a slug of the file's name, cut to a length, and a digest) whole.
    assert re.search(r"Remove uploads/quarterly-operations-report-for-the-[\w-]+\.md\?", shown)
    page.screenshot(path=str(shots / "remove-confirmation.png"), full_page=True)
    page.click("#cancel")
    page.wait_for_selector("#confirm-row", state="hidden")


def test_with_several_documents_the_title_says_your_documents(page):
    page.wait_for_selector("#title :text('Ask your documents')", timeout=30_000)
    placeholder = page.get_attribute("#question textarea", "placeholder") or ""
    assert "your documents" in placeholder
