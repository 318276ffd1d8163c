"""The README is short and true; the configuration reference lists every setting."""

from __future__ import annotations

from assistant.settings import Settings, configuration_reference
from tests.support import REPO

README = REPO / "README.md"
REFERENCE = REPO / "docs" / "configuration.md"
MAX_README_BYTES = 12_000


def test_the_readme_fits_on_a_screen_or_two():
    assert len(README.read_bytes()) <= MAX_README_BYTES


def test_every_setting_is_in_the_configuration_reference():
    reference = REFERENCE.read_text()
    missing = [
        f"ASSISTANT_{name.upper()}"
        for name in Settings.model_fields
        if f"`ASSISTANT_{name.upper()}`" not in reference
    ]
    assert missing == []


def test_the_configuration_reference_is_what_the_code_says():
    assert REFERENCE.read_text() == configuration_reference(), "run: assistant settings"


def test_every_setting_says_what_it_does():
    assert [name for name, field in Settings.model_fields.items() if not field.description] == []


def test_the_ci_script_runs_the_readmes_test_command():
    readme = README.read_text()
    assert "make test" in readme
    assert (REPO / ".ci" / "run").read_text().strip().endswith("make test")
