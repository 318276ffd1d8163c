"""One loader for a model's parameter file: shipped in its folder, or at a path of the user's."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from assistant.errors import AssistantError

T = TypeVar("T")

SHIPPED = "shipped"
"""The folder inside each model's package that holds what ships: weights and card."""


def shipped_file(package: str, name: str) -> Path:
    """The path of ``name`` in ``package``'s shipped folder."""
    return Path(str(resources.files(package).joinpath(SHIPPED, name)))


def load_model_file(
    package: str,
    name: str,
    path: str | None,
    parse: Callable[[dict[str, Any]], T],
    *,
    what: str,
    error: type[AssistantError],
    command: str,
) -> T:
    """``parse`` of the JSON at ``path``, else of ``package``'s shipped ``name``.

    Any failure is ``error`` naming ``what`` was read and the ``command`` that
    rebuilds it, never a bare ``OSError`` or ``KeyError``.
    """
    where = path or f"the package's {name}"
    try:
        if path is None:
            text = resources.files(package).joinpath(SHIPPED, name).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise error(
            f"Cannot read the {what} from {where} ({exc}). Retrain it with `{command}`."
        ) from exc
    try:
        return parse(data)
    except error:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise error(
            f"The {what} in {where} is incomplete ({exc}). Retrain it with `{command}`."
        ) from exc
