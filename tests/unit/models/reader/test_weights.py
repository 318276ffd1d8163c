"""The reader's shipped files: what they hold, and clear errors when they are wrong."""

from __future__ import annotations

import json

import pytest

from assistant.models.reader.weights import (
    BASE,
    CONFIG,
    WEIGHTS,
    ReaderModelError,
    read_files,
    shipped_folder,
)


def test_a_missing_reader_says_how_to_rebuild_it(tmp_path):
    with pytest.raises(ReaderModelError, match="train-reader"):
        read_files(tmp_path)


def test_a_reader_for_another_base_model_is_refused(tmp_path):
    (tmp_path / CONFIG).write_text(json.dumps({"base": "bert", "layers": 6, "max_length": 128}))
    (tmp_path / WEIGHTS).write_bytes(b"x")
    with pytest.raises(ReaderModelError, match=BASE):
        read_files(tmp_path)


def test_the_shipped_reader_is_small_and_says_what_it_is():
    files = read_files()
    assert files.folder == shipped_folder()
    assert 1 <= files.layers <= 6
    assert (files.folder / WEIGHTS).stat().st_size <= 25 * 1024 * 1024
    assert (files.folder / "README.md").is_file()  # the model card
