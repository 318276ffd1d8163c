"""Conversation exports: one per answer, and only the newest few stay on disk."""

from __future__ import annotations

import os

from assistant.app.handlers import KEPT_EXPORTS, ChatApp


def test_only_the_newest_exports_are_kept(tmp_path):
    app = ChatApp.__new__(ChatApp)  # the export folder is all pruning needs
    app.export_dir = tmp_path
    for n in range(KEPT_EXPORTS + 5):
        path = tmp_path / f"conversation-{n:04d}.md"
        path.write_text("turns")
        os.utime(path, (n, n))
    app.prune_exports()
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == KEPT_EXPORTS
    assert kept[0] == "conversation-0005.md"


def test_a_toast_shows_code_marks_as_quotes():
    from assistant.app.handlers import toast_text

    shown = toast_text("The `local` backend is not installed: run `make setup-test`.")
    assert shown == "The “local” backend is not installed: run “make setup-test”."


def test_only_backends_that_are_enabled_and_installed_are_offered(monkeypatch):
    from assistant.answerers.backends import BACKENDS, installed
    from assistant.app import layout

    assert installed("extractive")
    assert not installed("no-such-backend")
    monkeypatch.setitem(
        BACKENDS, "local", BACKENDS["local"].__class__("local", "", True, ("zz_not_here",))
    )
    assert not layout.installed("local")
