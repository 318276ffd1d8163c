"""What the browser tests share: where their screenshots go, a desktop tab on the app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# `make screenshots` sets this to docs/screenshots; otherwise they go to a temporary folder.
SHOTS = os.environ.get("ASSISTANT_SCREENSHOTS")


@pytest.fixture
def shots(tmp_path) -> Path:
    """The folder a test's screenshots go to."""
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser, app_url):
    """A desktop-sized tab on ``app_url`` (the shared app over the article, unless a module
    starts its own), ready for a question."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(app_url)
    tab.wait_for_selector("#question textarea", timeout=60_000)
    yield tab
    context.close()
