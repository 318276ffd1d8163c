"""The README documents every setting, so configuration docs cannot go stale."""

from __future__ import annotations

from assistant.settings import Settings
from tests.support import REPO


def test_every_setting_has_its_environment_variable_in_the_readme():
    readme = (REPO / "README.md").read_text()
    missing = [
        f"ASSISTANT_{name.upper()}"
        for name in Settings.model_fields
        if f"`ASSISTANT_{name.upper()}`" not in readme
    ]
    assert missing == []


def test_the_ci_script_runs_the_readmes_test_command():
    readme = (REPO / "README.md").read_text()
    assert "make test" in readme
    assert (REPO / ".ci" / "run").read_text().strip().endswith("make test")
