"""What the browser tests share: where their screenshots go."""

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
