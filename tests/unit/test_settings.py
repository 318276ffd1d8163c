"""One settings object, overridable by ASSISTANT_* variables and in code."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings


def test_environment_variables_with_the_prefix_override_defaults(monkeypatch):
    monkeypatch.setenv("ASSISTANT_TOP_K", "7")
    monkeypatch.setenv("ASSISTANT_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", "/tmp/some-corpus")
    settings = Settings()
    assert settings.top_k == 7
    assert settings.server_mode
    assert settings.corpus_dir == Path("/tmp/some-corpus")


def test_arguments_in_code_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("ASSISTANT_TOP_K", "7")
    assert Settings(top_k=2).top_k == 2


def test_defaults_point_at_the_repository_and_bind_loopback():
    settings = Settings()
    assert settings.corpus_dir.name == "corpus"
    assert settings.index_dir.name == "index"
    assert settings.host == "127.0.0.1"
    assert not settings.server_mode


def test_an_invalid_value_is_rejected_with_its_name(monkeypatch):
    monkeypatch.setenv("ASSISTANT_TOP_K", "0")
    with pytest.raises(ValidationError, match="top_k"):
        Settings()
