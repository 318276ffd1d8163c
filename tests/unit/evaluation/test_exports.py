"""assistant.evaluation's names, imported on first use, stay what they name."""

from __future__ import annotations

import importlib
import pkgutil

evaluation = importlib.import_module("assistant.evaluation")


def test_every_exported_name_is_itself_even_after_every_module_is_imported():
    # A submodule named like a name it exports would replace that name once imported.
    for module in pkgutil.iter_modules(evaluation.__path__):
        importlib.import_module(f"assistant.evaluation.{module.name}")
    for name in evaluation.__all__:
        assert not isinstance(getattr(evaluation, name), type(evaluation)), name
