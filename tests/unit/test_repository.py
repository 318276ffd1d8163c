"""The repository keeps what it owns and ignores what users and runs create."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support import REPO

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(), reason="not a git checkout"
)


def _ignored(path: str) -> bool:
    result = subprocess.run(
        ["git", "check-ignore", "-q", path], cwd=REPO, check=False, capture_output=True
    )
    return result.returncode == 0


def test_user_uploads_are_ignored_by_git_and_their_folder_is_kept():
    assert _ignored("corpus/uploads/notes-1a2b3c4d.md")
    assert not _ignored("corpus/uploads/.gitkeep")
    assert (REPO / "corpus" / "uploads" / ".gitkeep").is_file()


def test_the_built_index_is_ignored_by_git():
    assert _ignored("index/current")
